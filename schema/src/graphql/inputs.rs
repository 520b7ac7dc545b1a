//! Arguments: GraphQL input types and their conversion into checked store requests.

use async_graphql::{Context, InputObject};

use super::loaders;
use crate::error::{gql_error, ErrorCode};
use crate::ids::{decode_cursor, CountryCode, M49Code};
use crate::seed::MIN_YEAR;
use crate::store::{PageRequest, RecordFilter};
use crate::vocab::*;

/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: usize = 100;
/// The most values one filter field may list.
pub const MAX_FILTER_VALUES: usize = 50;
const MAX_YEAR: i32 = 2100;

/// Which records to list. Values within one field are alternatives (any of them); fields
/// combine (all of them). Leave a field out to place no condition.
#[derive(InputObject, Clone, Debug, Default)]
pub struct RecordFilterInput {
    /// ISO 3166-1 alpha-2 codes, e.g. `["NG", "GH"]`.
    pub countries: Option<Vec<String>>,
    /// UN M49 area codes at any level, e.g. `"002"` (Africa), `"035"` (South-eastern Asia).
    pub regions: Option<Vec<String>>,
    /// Forms of trafficking.
    pub forms: Option<Vec<TraffickingForm>>,
    /// Economic sectors (practices and cases only).
    pub sectors: Option<Vec<Sector>>,
    /// Groups of people concerned.
    pub target_groups: Option<Vec<TargetGroup>>,
    /// 4P pillars (practices only).
    pub pillars: Option<Vec<Pillar>>,
    /// SDG targets.
    pub sdg_targets: Option<Vec<SdgTarget>>,
    /// Earliest year (inclusive): enactment for laws, decision for cases; a practice matches
    /// when it was active in the range. Records with no known year are left out.
    pub year_from: Option<i32>,
    /// Latest year (inclusive).
    pub year_to: Option<i32>,
    /// With `countries` or `regions`: also list global practices. Default false.
    #[graphql(default)]
    pub include_global: bool,
}

fn bad(message: impl Into<String>) -> async_graphql::Error {
    gql_error(ErrorCode::BadUserInput, message)
}

/// A filter list, refused when longer than [`MAX_FILTER_VALUES`].
pub(crate) fn checked_list<T: Clone>(
    field: &str,
    values: &Option<Vec<T>>,
) -> async_graphql::Result<Vec<T>> {
    let values = values.clone().unwrap_or_default();
    if values.len() > MAX_FILTER_VALUES {
        return Err(bad(format!(
            "filter.{field} lists more than {MAX_FILTER_VALUES} values"
        )));
    }
    Ok(values)
}

/// Parses country codes and checks each names a known country (one batched load).
pub(crate) async fn known_countries(
    ctx: &Context<'_>,
    raw: &Option<Vec<String>>,
) -> async_graphql::Result<Vec<CountryCode>> {
    let mut countries = Vec::new();
    for code in checked_list("countries", raw)? {
        countries.push(CountryCode::parse(&code).map_err(bad)?);
    }
    if !countries.is_empty() {
        let known = loaders(ctx)?
            .countries
            .load_many(countries.iter().copied())
            .await
            .map_err(super::load_err)?;
        if let Some(unknown) = countries.iter().find(|c| !known.contains_key(c)) {
            return Err(bad(format!("unknown country code '{unknown}'")));
        }
    }
    Ok(countries)
}

/// Parses M49 area codes and checks each names a known area (one batched load).
pub(crate) async fn known_regions(
    ctx: &Context<'_>,
    raw: &Option<Vec<String>>,
) -> async_graphql::Result<Vec<M49Code>> {
    let mut regions = Vec::new();
    for code in checked_list("regions", raw)? {
        regions.push(M49Code::parse(&code).map_err(bad)?);
    }
    if !regions.is_empty() {
        let known = loaders(ctx)?
            .regions
            .load_many(regions.iter().cloned())
            .await
            .map_err(super::load_err)?;
        if let Some(unknown) = regions.iter().find(|r| !known.contains_key(r)) {
            return Err(bad(format!(
                "unknown M49 area code '{unknown}' (see the regions query)"
            )));
        }
    }
    Ok(regions)
}

/// Checks a year range: both bounds in range, and in order.
pub(crate) fn checked_years(from: Option<i32>, to: Option<i32>) -> async_graphql::Result<()> {
    for (year, field) in [(from, "yearFrom"), (to, "yearTo")] {
        if let Some(year) = year {
            if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
                return Err(bad(format!(
                    "filter.{field} must be between {MIN_YEAR} and {MAX_YEAR}"
                )));
            }
        }
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(bad("filter.yearFrom is after filter.yearTo"));
        }
    }
    Ok(())
}

impl RecordFilterInput {
    /// Checks every value (shape, known codes, limits, fields the kind does not carry) and
    /// returns the store's filter.
    pub async fn to_filter(
        &self,
        ctx: &Context<'_>,
        kind: RecordKind,
    ) -> async_graphql::Result<RecordFilter> {
        let countries = known_countries(ctx, &self.countries).await?;
        let regions = known_regions(ctx, &self.regions).await?;
        checked_years(self.year_from, self.year_to)?;
        let filter = RecordFilter {
            countries,
            regions,
            forms: checked_list("forms", &self.forms)?,
            sectors: checked_list("sectors", &self.sectors)?,
            target_groups: checked_list("targetGroups", &self.target_groups)?,
            pillars: checked_list("pillars", &self.pillars)?,
            sdg_targets: checked_list("sdgTargets", &self.sdg_targets)?,
            year_from: self.year_from,
            year_to: self.year_to,
            include_global: self.include_global,
        };
        let unsupported = match kind {
            RecordKind::Law if !filter.sectors.is_empty() => Some("sectors"),
            RecordKind::Law | RecordKind::Case if !filter.pillars.is_empty() => Some("pillars"),
            _ => None,
        };
        if let Some(field) = unsupported {
            return Err(gql_error(
                ErrorCode::BadUserInput,
                format!(
                    "filter.{field} does not apply to {} records",
                    kind.label(Lang::En).to_lowercase()
                ),
            ));
        }
        Ok(filter)
    }

    /// The filter of a change feed (a subscription, a webhook) following `kinds` (empty:
    /// all): checked against each kind (practices, which carry every field, for all).
    pub async fn to_feed_filter(
        &self,
        ctx: &Context<'_>,
        kinds: &[RecordKind],
    ) -> async_graphql::Result<RecordFilter> {
        let checked: &[RecordKind] = if kinds.is_empty() {
            &[RecordKind::Practice]
        } else {
            kinds
        };
        let mut out = RecordFilter::default();
        for kind in checked {
            out = self.to_filter(ctx, *kind).await?;
        }
        Ok(out)
    }
}

/// Checks `first` and `after` and returns the store's page request.
pub fn page_request(first: Option<i32>, after: Option<&str>) -> async_graphql::Result<PageRequest> {
    let first = match first {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => n as usize,
        Some(n) => {
            return Err(gql_error(
                ErrorCode::BadUserInput,
                format!("first must be between 0 and {MAX_PAGE_SIZE} (got {n})"),
            ))
        }
    };
    let after = match after {
        None => None,
        Some(raw) => Some(decode_cursor(raw).map_err(|m| gql_error(ErrorCode::BadUserInput, m))?),
    };
    Ok(PageRequest { first, after })
}
