//! Query fields, one part per area, merged into `QueryRoot`.

use async_graphql::{Context, MergedObject, Object, ID};

use super::inputs::RecordFilterInput;
use super::search::{run_search, SearchFilterInput, SearchResults};
use super::taxonomy::TaxonomyQuery;
use super::types::*;
use super::{load_err, loaders, store_of};
use crate::error::{gql_error, ErrorCode};
use crate::ids::{CountryCode, GlobalId, M49Code, RecordId};
use crate::model::*;
use crate::search::SearchSort;
use crate::vocab::*;

/// The root of every query.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    RecordQuery,
    SearchQuery,
    CountryQuery,
    NodeQuery,
    TaxonomyQuery,
    super::map::MapQuery,
    super::sharing::SharingQuery,
    super::sharing::KeysQuery,
    super::webhooks::WebhooksQuery,
);

/// Accepts a global id or a stable record id (`PR01`) for a record of `kind`.
fn record_key(raw: &str, kind: RecordKind) -> async_graphql::Result<RecordId> {
    match GlobalId::decode(raw) {
        Ok(GlobalId::Record(k, id)) if k == kind => Ok(id),
        Ok(_) => Err(gql_error(
            ErrorCode::BadUserInput,
            format!(
                "id '{raw}' is not the id of a {}",
                crate::ids::type_name(kind)
            ),
        )),
        Err(_) => RecordId::parse(raw).map_err(|_| {
            gql_error(
                ErrorCode::BadUserInput,
                format!("'{}' is not a valid id", crate::ids::truncate(raw, 80)),
            )
        }),
    }
}

async fn one_record(
    ctx: &Context<'_>,
    raw: &str,
    kind: RecordKind,
) -> async_graphql::Result<Record> {
    let id = record_key(raw, kind)?;
    let found = loaders(ctx)?
        .records
        .load_one(id.clone())
        .await
        .map_err(load_err)?;
    match found {
        Some(record) if record.kind() == kind => Ok(record),
        _ => Err(gql_error(
            ErrorCode::NotFound,
            format!(
                "no published {} with id '{id}'",
                crate::ids::type_name(kind).to_lowercase()
            ),
        )),
    }
}

#[derive(Default)]
pub struct RecordQuery;

/// Laws, practices and cases.
#[Object]
impl RecordQuery {
    /// One law by its global id or its record id (e.g. `LW001`).
    async fn law(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Law> {
        one_record(ctx, &id, RecordKind::Law)
            .await
            .map(|r| as_law(r).expect("kind checked"))
    }

    /// One practice by its global id or its record id (e.g. `PR01`).
    async fn practice(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Practice> {
        one_record(ctx, &id, RecordKind::Practice)
            .await
            .map(|r| as_practice(r).expect("kind checked"))
    }

    /// One case by its global id or its record id (e.g. `CA01`).
    async fn case(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Case> {
        one_record(ctx, &id, RecordKind::Case)
            .await
            .map(|r| as_case(r).expect("kind checked"))
    }

    /// Published laws, in record-id order.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    async fn laws(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last record of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Law>> {
        let filter = filter
            .unwrap_or_default()
            .to_filter(ctx, RecordKind::Law)
            .await?;
        record_connection(ctx, RecordKind::Law, filter, first, after, as_law).await
    }

    /// Published practices, in record-id order.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    async fn practices(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last record of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Practice>> {
        let filter = filter
            .unwrap_or_default()
            .to_filter(ctx, RecordKind::Practice)
            .await?;
        record_connection(ctx, RecordKind::Practice, filter, first, after, as_practice).await
    }

    /// Published successful cases, in record-id order.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last record of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Case>> {
        let filter = filter
            .unwrap_or_default()
            .to_filter(ctx, RecordKind::Case)
            .await?;
        record_connection(ctx, RecordKind::Case, filter, first, after, as_case).await
    }
}

#[derive(Default)]
pub struct SearchQuery;

/// Full-text search.
#[Object]
impl SearchQuery {
    /// Full-text, typo-tolerant search over published laws, practices and cases, with
    /// filters, highlights and facet counts. An empty query lists everything that matches
    /// the filter.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    // Each GraphQL argument is a parameter here.
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Words to look for (at most 200 characters); empty or null lists everything."
        )]
        query: Option<String>,
        filter: Option<SearchFilterInput>,
        #[graphql(desc = "Result order (default RELEVANCE).")] sort: Option<SearchSort>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last hit of the previous page.")] after: Option<String>,
        #[graphql(
            desc = "Page number, from 1, in pages of `first` hits: an alternative to `after` for numbered pagination."
        )]
        page: Option<i32>,
    ) -> async_graphql::Result<SearchResults> {
        let filter = filter.unwrap_or_default().to_filter(ctx).await?;
        run_search(
            ctx,
            query.unwrap_or_default(),
            filter,
            sort.unwrap_or_default(),
            first,
            after,
            page,
        )
        .await
    }
}

#[derive(Default)]
pub struct CountryQuery;

/// Countries, regions and international instruments.
#[Object]
impl CountryQuery {
    /// One country by ISO 3166-1 alpha-2 (`NG`) or alpha-3 (`NGA`) code, in any case.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 3))] code: String,
    ) -> async_graphql::Result<Country> {
        let found = if code.trim().len() == 3 {
            let alpha3 = code.trim().to_ascii_uppercase();
            store_of(ctx)
                .countries_by_alpha3(&[alpha3])
                .await
                .map_err(|e| e.into_gql())?
                .into_iter()
                .next()
        } else {
            let code =
                CountryCode::parse(&code).map_err(|m| gql_error(ErrorCode::BadUserInput, m))?;
            loaders(ctx)?
                .countries
                .load_one(code)
                .await
                .map_err(load_err)?
        };
        found.ok_or_else(|| {
            gql_error(
                ErrorCode::NotFound,
                format!("no country with code '{code}'"),
            )
        })
    }

    /// Countries and areas ordered by name, optionally within one M49 area (any level) and
    /// of some UN statuses (default: all).
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "M49 area code, e.g. `002` (Africa) or `035` (South-eastern Asia).")]
        region: Option<String>,
        #[graphql(desc = "Only these UN statuses, e.g. `[MEMBER, OBSERVER]`.")] un_status: Option<
            Vec<UnStatus>,
        >,
    ) -> async_graphql::Result<Vec<Country>> {
        let region = match region {
            None => None,
            Some(raw) => {
                Some(M49Code::parse(&raw).map_err(|m| gql_error(ErrorCode::BadUserInput, m))?)
            }
        };
        if let Some(code) = &region {
            let known = loaders(ctx)?
                .regions
                .load_one(code.clone())
                .await
                .map_err(load_err)?;
            if known.is_none() {
                return Err(gql_error(
                    ErrorCode::BadUserInput,
                    format!("unknown M49 area code '{code}'"),
                ));
            }
        }
        let mut countries = store_of(ctx)
            .list_countries(region.as_ref())
            .await
            .map_err(|e| e.into_gql())?;
        if let Some(statuses) = un_status {
            countries.retain(|c| statuses.contains(&c.un_status));
        }
        Ok(countries)
    }

    /// UN M49 areas, optionally of one level.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        level: Option<RegionLevel>,
    ) -> async_graphql::Result<Vec<Region>> {
        let mut regions = store_of(ctx).regions().await.map_err(|e| e.into_gql())?;
        if let Some(level) = level {
            regions.retain(|r| r.level == level);
        }
        Ok(regions)
    }

    /// International instruments, optionally of one kind.
    async fn instruments(
        &self,
        ctx: &Context<'_>,
        kind: Option<InstrumentKind>,
    ) -> async_graphql::Result<Vec<Instrument>> {
        let all = loaders(ctx)?.all_instruments().await.map_err(load_err)?;
        Ok(all
            .iter()
            .filter(|i| kind.is_none_or(|k| i.kind == k))
            .cloned()
            .collect())
    }

    /// One instrument by its code (e.g. `TIP_PROTOCOL`) or global id.
    async fn instrument(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Instrument> {
        let key = match GlobalId::decode(&id) {
            Ok(GlobalId::Instrument(key)) => key,
            _ => id.to_string(),
        };
        loaders(ctx)?
            .instrument(&key)
            .await
            .map_err(load_err)?
            .ok_or_else(|| {
                gql_error(
                    ErrorCode::NotFound,
                    format!("no instrument with id '{}'", crate::ids::truncate(&key, 80)),
                )
            })
    }
}

#[derive(Default)]
pub struct NodeQuery;

/// Relay object identification.
#[Object]
impl NodeQuery {
    /// Any object by its global id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Node> {
        let global = GlobalId::decode(&id).map_err(|m| gql_error(ErrorCode::BadUserInput, m))?;
        let not_found = || {
            gql_error(
                ErrorCode::NotFound,
                format!("no object with id '{}'", id.as_str()),
            )
        };
        match global {
            GlobalId::Record(kind, record_id) => {
                let record = one_record(ctx, record_id.as_str(), kind).await?;
                Ok(Node::from(record))
            }
            GlobalId::Country(code) => loaders(ctx)?
                .countries
                .load_one(code)
                .await
                .map_err(load_err)?
                .map(Node::Country)
                .ok_or_else(not_found),
            GlobalId::Instrument(key) => loaders(ctx)?
                .instrument(&key)
                .await
                .map_err(load_err)?
                .map(Node::Instrument)
                .ok_or_else(not_found),
        }
    }
}
