//! `search`: full-text, filtered, faceted search over published records.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, SimpleObject, Union};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::inputs::{
    checked_list, checked_years, known_countries, known_regions, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
use super::{load_err, loaders};
use crate::error::{gql_error, ErrorCode};
use crate::ids::{CountryCode, M49Code};
use crate::model::{Case, Law, Practice, Record};
use crate::search::*;
use crate::vocab::*;

/// The deepest result a client may page to.
pub const MAX_SEARCH_OFFSET: usize = 10_000;

/// Conditions on search results. Values within a field are alternatives; fields combine.
#[derive(InputObject, Clone, Debug, Default)]
pub struct SearchFilterInput {
    /// Record kinds.
    pub kinds: Option<Vec<RecordKind>>,
    /// ISO 3166-1 alpha-2 country codes.
    pub countries: Option<Vec<String>>,
    /// UN M49 area codes at any level.
    pub regions: Option<Vec<String>>,
    /// Forms of trafficking.
    pub forms: Option<Vec<TraffickingForm>>,
    /// Economic sectors.
    pub sectors: Option<Vec<Sector>>,
    /// Target groups.
    pub target_groups: Option<Vec<TargetGroup>>,
    /// 4P pillars.
    pub pillars: Option<Vec<Pillar>>,
    /// SDG targets.
    pub sdg_targets: Option<Vec<SdgTarget>>,
    /// Instrument codes, e.g. `TIP_PROTOCOL`.
    pub instruments: Option<Vec<String>>,
    /// Evaluation designs of practices.
    pub evidence: Option<Vec<EvaluationDesign>>,
    /// Record languages (BCP 47), e.g. `en`.
    pub languages: Option<Vec<String>>,
    /// Earliest year (inclusive); see `RecordFilterInput.yearFrom`.
    pub year_from: Option<i32>,
    /// Latest year (inclusive).
    pub year_to: Option<i32>,
}

fn bad(message: impl Into<String>) -> async_graphql::Error {
    gql_error(ErrorCode::BadUserInput, message)
}

fn codes<V: Vocabulary>(values: Vec<V>) -> Vec<String> {
    values.into_iter().map(|v| v.code().to_owned()).collect()
}

impl SearchFilterInput {
    /// Checks every value against the code lists. Only values that exist reach a backend, so
    /// no user text is ever spliced into an engine's filter expression.
    pub async fn to_filter(&self, ctx: &Context<'_>) -> async_graphql::Result<SearchFilter> {
        let loaders = loaders(ctx)?;
        let countries = known_countries(ctx, &self.countries).await?;
        let regions = known_regions(ctx, &self.regions).await?;
        let instruments = checked_list("instruments", &self.instruments)?;
        let all = loaders.all_instruments().await.map_err(load_err)?;
        if let Some(unknown) = instruments
            .iter()
            .find(|i| !all.iter().any(|k| &k.id == *i))
        {
            return Err(bad(format!(
                "unknown instrument '{}'",
                crate::ids::truncate(unknown, 40)
            )));
        }
        let languages = checked_list("languages", &self.languages)?;
        if let Some(badlang) = languages.iter().find(|l| !crate::seed::valid_language(l)) {
            return Err(bad(format!(
                "'{}' is not a language tag",
                crate::ids::truncate(badlang, 40)
            )));
        }
        checked_years(self.year_from, self.year_to)?;
        let facets = vec![
            (FacetField::Kind, codes(checked_list("kinds", &self.kinds)?)),
            (
                FacetField::Countries,
                countries.iter().map(|c| c.to_string()).collect(),
            ),
            (
                FacetField::Regions,
                regions.iter().map(|r| r.to_string()).collect(),
            ),
            (
                FacetField::Forms,
                codes(checked_list("forms", &self.forms)?),
            ),
            (
                FacetField::Sectors,
                codes(checked_list("sectors", &self.sectors)?),
            ),
            (
                FacetField::TargetGroups,
                codes(checked_list("targetGroups", &self.target_groups)?),
            ),
            (
                FacetField::Pillars,
                codes(checked_list("pillars", &self.pillars)?),
            ),
            (
                FacetField::SdgTargets,
                codes(checked_list("sdgTargets", &self.sdg_targets)?),
            ),
            (FacetField::Instruments, instruments),
            (
                FacetField::Evidence,
                codes(checked_list("evidence", &self.evidence)?),
            ),
            (FacetField::Language, languages),
        ];
        Ok(SearchFilter {
            facets: facets.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
            year_from: self.year_from,
            year_to: self.year_to,
        })
    }
}

fn encode_offset(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_offset(raw: &str) -> async_graphql::Result<usize> {
    let invalid = || {
        bad(format!(
            "'{}' is not a cursor this API gave out",
            crate::ids::truncate(raw, 80)
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("offset:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(invalid)
}

/// A search backend's failure as the partner sees it (the cause is logged by the caller).
pub(crate) fn search_error(e: SearchError) -> async_graphql::Error {
    match e {
        SearchError::Unavailable(_) => gql_error(
            ErrorCode::Unavailable,
            "search is unavailable; try again shortly",
        ),
        SearchError::Internal(_) => gql_error(ErrorCode::Internal, "internal error"),
    }
}

/// Runs a search for the `search` fields of the query root and of `Country`.
pub(crate) async fn run_search(
    ctx: &Context<'_>,
    query: String,
    filter: SearchFilter,
    sort: SearchSort,
    first: Option<i32>,
    after: Option<String>,
    page: Option<i32>,
) -> async_graphql::Result<SearchResults> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(bad(format!(
            "query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let limit = match first {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => n as usize,
        Some(n) => {
            return Err(bad(format!(
                "first must be between 0 and {MAX_PAGE_SIZE} (got {n})"
            )))
        }
    };
    let offset = match (after, page) {
        (None, None) => 0,
        (Some(cursor), None) => decode_offset(&cursor)? + 1,
        (None, Some(page)) if page >= 1 => (page as usize - 1).saturating_mul(limit),
        (None, Some(page)) => return Err(bad(format!("page starts at 1 (got {page})"))),
        (Some(_), Some(_)) => return Err(bad("give either after or page, not both")),
    };
    if offset > MAX_SEARCH_OFFSET {
        return Err(bad(format!(
            "results beyond {MAX_SEARCH_OFFSET} cannot be paged to; narrow the search"
        )));
    }
    let backend = ctx.data_unchecked::<Arc<dyn SearchBackend>>();
    let request = SearchRequest {
        query,
        filter: filter.clone(),
        sort,
        offset,
        limit,
        // Facets are counted only when the query asks for them.
        facets: if ctx.look_ahead().field("facets").exists() {
            FacetField::ALL.to_vec()
        } else {
            Vec::new()
        },
    };
    let response = backend.search(&request).await.map_err(|e| {
        tracing::error!(error.cause = %e, backend = backend.name(), "search failed");
        search_error(e)
    })?;
    Ok(SearchResults {
        response,
        offset,
        filter,
    })
}

/// A record found by search.
#[derive(Union)]
pub enum SearchRecord {
    Law(Law),
    Practice(Practice),
    Case(Case),
}

/// Title and summary with the matched words wrapped in `<em>`; the rest is HTML-escaped.
#[derive(SimpleObject, Clone, Debug)]
pub struct SearchHighlight {
    /// Highlighted title (safe HTML).
    pub title: String,
    /// Highlighted summary (safe HTML).
    pub summary: String,
}

/// One search result.
#[derive(SimpleObject)]
pub struct SearchHitResult {
    /// The record.
    pub record: SearchRecord,
    /// Its kind.
    pub kind: RecordKind,
    /// Matched words highlighted.
    pub highlight: SearchHighlight,
    /// Cursor of this hit, for `after`.
    pub cursor: String,
}

/// One value of a facet with its count.
#[derive(SimpleObject, Clone, Debug)]
pub struct FacetValue {
    /// The code, as used in `SearchFilterInput`.
    pub value: String,
    /// Human label in the language asked for.
    pub label: String,
    /// Matching records if this value were selected, other selections unchanged.
    pub count: u64,
    /// Whether the value is selected in the current filter.
    pub selected: bool,
}

/// Counts for one facet field. Counts ignore the field's own selection (disjunctive facets),
/// so choosing one country still shows how many results other countries have.
#[derive(SimpleObject, Clone, Debug)]
pub struct Facet {
    /// The field.
    pub field: FacetField,
    /// Values with at least one result, most results first.
    pub values: Vec<FacetValue>,
}

/// Paging state of a search.
#[derive(SimpleObject, Clone, Debug)]
pub struct SearchPageInfo {
    /// Whether more results follow.
    pub has_next_page: bool,
    /// Whether results precede this page.
    pub has_previous_page: bool,
    /// Cursor of the last hit, for `after`.
    pub end_cursor: Option<String>,
}

/// The answer of a search.
pub struct SearchResults {
    response: SearchResponse,
    offset: usize,
    filter: SearchFilter,
}

fn vocab_label<V: Vocabulary>(code: &str, lang: Lang) -> Option<String> {
    V::from_code(code).map(|v| v.label(lang).to_owned())
}

/// The answer of a search: one page of hits, the total, and facet counts.
#[Object]
impl SearchResults {
    /// How many records match, across all pages.
    async fn total_hits(&self) -> u64 {
        self.response.total_hits
    }

    /// Time the search engine took, in milliseconds.
    async fn processing_time_ms(&self) -> u64 {
        self.response.processing_time_ms
    }

    /// The results of this page, best first.
    async fn hits(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SearchHitResult>> {
        let ids: Vec<_> = self.response.hits.iter().map(|h| h.id.clone()).collect();
        let records = loaders(ctx)?
            .records
            .load_many(ids)
            .await
            .map_err(load_err)?;
        let mut out = Vec::new();
        for (i, hit) in self.response.hits.iter().enumerate() {
            // A record unpublished since it was indexed is skipped until the index catches up.
            let Some(record) = records.get(&hit.id).cloned() else {
                continue;
            };
            let kind = record.kind();
            let record = match record {
                Record::Law(r) => SearchRecord::Law(r),
                Record::Practice(r) => SearchRecord::Practice(r),
                Record::Case(r) => SearchRecord::Case(r),
            };
            out.push(SearchHitResult {
                record,
                kind,
                highlight: SearchHighlight {
                    title: hit.highlight.title.clone(),
                    summary: hit.highlight.summary.clone(),
                },
                cursor: encode_offset(self.offset + i),
            });
        }
        Ok(out)
    }

    /// Counts per facet field, with labels in one of the UN languages (code-list labels,
    /// country and region names; instrument names stay in English).
    async fn facets(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = "en", validator(max_length = 35))] lang: String,
    ) -> async_graphql::Result<Vec<Facet>> {
        let lang = Lang::parse(&lang).ok_or_else(|| {
            bad(format!(
                "'{lang}' is not one of the UN languages: ar, zh, en, fr, ru, es"
            ))
        })?;
        let loaders = loaders(ctx)?;
        let mut out = Vec::new();
        for (field, values) in &self.response.facets {
            let selected = self.filter.selected(*field);
            let labels: Vec<Option<String>> = match field {
                FacetField::Countries => {
                    let codes: Vec<CountryCode> = values
                        .iter()
                        .filter_map(|(v, _)| CountryCode::parse(v).ok())
                        .collect();
                    let found = loaders.countries.load_many(codes).await.map_err(load_err)?;
                    values
                        .iter()
                        .map(|(v, _)| {
                            CountryCode::parse(v)
                                .ok()
                                .and_then(|c| found.get(&c))
                                .map(|c| c.name_in(lang).to_owned())
                        })
                        .collect()
                }
                FacetField::Regions => {
                    let codes: Vec<M49Code> = values
                        .iter()
                        .filter_map(|(v, _)| M49Code::parse(v).ok())
                        .collect();
                    let found = loaders.regions.load_many(codes).await.map_err(load_err)?;
                    values
                        .iter()
                        .map(|(v, _)| {
                            M49Code::parse(v)
                                .ok()
                                .and_then(|c| found.get(&c))
                                .map(|r| r.name_in(lang).to_owned())
                        })
                        .collect()
                }
                FacetField::Instruments => {
                    let all = loaders.all_instruments().await.map_err(load_err)?;
                    values
                        .iter()
                        .map(|(v, _)| {
                            all.iter()
                                .find(|i| &i.id == v)
                                .map(|i| i.short_name.clone())
                        })
                        .collect()
                }
                _ => values
                    .iter()
                    .map(|(v, _)| match field {
                        FacetField::Kind => vocab_label::<RecordKind>(v, lang),
                        FacetField::Forms => vocab_label::<TraffickingForm>(v, lang),
                        FacetField::Sectors => vocab_label::<Sector>(v, lang),
                        FacetField::TargetGroups => vocab_label::<TargetGroup>(v, lang),
                        FacetField::Pillars => vocab_label::<Pillar>(v, lang),
                        FacetField::SdgTargets => vocab_label::<SdgTarget>(v, lang),
                        FacetField::Evidence if v == "NONE" => Some(
                            match lang {
                                Lang::Fr => "Sans objet",
                                Lang::Es => "No aplica",
                                Lang::Ru => "Не применимо",
                                Lang::Zh => "不适用",
                                Lang::Ar => "لا ينطبق",
                                Lang::En => "Not applicable",
                            }
                            .to_owned(),
                        ),
                        FacetField::Evidence => vocab_label::<EvaluationDesign>(v, lang),
                        _ => None,
                    })
                    .collect(),
            };
            out.push(Facet {
                field: *field,
                values: values
                    .iter()
                    .zip(labels)
                    .map(|((value, count), label)| FacetValue {
                        label: label.unwrap_or_else(|| value.clone()),
                        selected: selected.contains(value),
                        value: value.clone(),
                        count: *count,
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    /// Paging state.
    async fn page_info(&self) -> SearchPageInfo {
        let shown = self.response.hits.len();
        SearchPageInfo {
            has_next_page: (self.offset + shown) < self.response.total_hits as usize,
            has_previous_page: self.offset > 0,
            end_cursor: (shown > 0).then(|| encode_offset(self.offset + shown - 1)),
        }
    }
}
