//! `map`: one value per country for a world map, computed by the server in one request (and
//! cacheable by GET), so a map never assembles hundreds of records in the browser.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::Datelike;

use super::search::SearchFilterInput;
use super::{load_err, loaders, store_of};
use crate::error::{gql_error, ErrorCode};
use crate::model::{Country, Ratification};
use crate::search::{FacetField, SearchBackend, SearchRequest, SearchSort};
use crate::vocab::PartyStatus;

/// What a map shows for each country.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MapMeasure {
    /// Published records about the country that match `filter` (a record about several
    /// countries counts for each). A country selection in the filter is not applied: the map
    /// shows every country.
    Records,
    /// The country's standing towards one treaty (`instrument`), today or as of a year.
    TreatyStatus,
    /// The year of the earliest anti-trafficking law in the data about the country (its
    /// enactment year); no value for a country with no dated law in the data.
    FirstLawYear,
}

/// One country's value on the map.
pub struct MapValue {
    country: Country,
    count: Option<u64>,
    status: Option<PartyStatus>,
    year: Option<i32>,
}

/// One country's value on a map.
#[Object]
impl MapValue {
    /// The country or area.
    async fn country(&self) -> &Country {
        &self.country
    }

    /// RECORDS: how many matching published records are about the country (0 for none).
    async fn count(&self) -> Option<u64> {
        self.count
    }

    /// TREATY_STATUS: the standing, today or as of `asOf`. UNKNOWN where nothing is recorded,
    /// or where the record has no date and `asOf` asks about the past.
    async fn status(&self) -> Option<PartyStatus> {
        self.status
    }

    /// TREATY_STATUS: the year of the recorded action (ratification, accession, succession,
    /// signature) when the source dates it; with `asOf`, also given for a country that was
    /// not yet a party then, to say when it became one. FIRST_LAW_YEAR: the enactment year.
    async fn year(&self) -> Option<i32> {
        self.year
    }
}

/// The values of one measure for every country and area in the data, ordered by name.
#[derive(SimpleObject)]
pub struct MapData {
    /// The measure asked for.
    pub measure: MapMeasure,
    /// TREATY_STATUS: the instrument.
    pub instrument: Option<String>,
    /// TREATY_STATUS: the year the statuses are given as of (`null`: today).
    pub as_of: Option<i32>,
    /// RECORDS: the largest count, for the map's colour scale.
    pub max_count: Option<u64>,
    /// One value per country or area, ordered by name.
    pub values: Vec<MapValue>,
}

/// A country's standing towards a treaty as of the end of `as_of` (`None`: as recorded).
///
/// From the one recorded action per country: a party or signatory whose action is dated
/// after `as_of` was not a party then (it became one later); one without a date is UNKNOWN for
/// the past; a state not a party today was not one before either (a denunciation is recorded
/// as DENOUNCED, and is UNKNOWN for the past as its date is not recorded).
pub fn status_as_of(row: Option<&Ratification>, as_of: Option<i32>) -> (PartyStatus, Option<i32>) {
    let Some(row) = row else {
        return (PartyStatus::Unknown, None);
    };
    let year = row.date.map(|d| d.year()).or(row.year);
    let Some(as_of) = as_of else {
        return (row.status, year);
    };
    match row.status {
        PartyStatus::Party | PartyStatus::Signatory => match year {
            Some(y) if y <= as_of => (row.status, Some(y)),
            Some(y) => (PartyStatus::NotParty, Some(y)),
            None => (PartyStatus::Unknown, None),
        },
        PartyStatus::NotParty => (PartyStatus::NotParty, None),
        PartyStatus::Denounced | PartyStatus::Unknown => (PartyStatus::Unknown, None),
    }
}

fn bad(message: impl Into<String>) -> async_graphql::Error {
    gql_error(ErrorCode::BadUserInput, message)
}

#[derive(Default)]
pub struct MapQuery;

#[Object]
impl MapQuery {
    /// One value per country for a world map: records matching a filter (RECORDS), the
    /// standing towards a treaty, today or as of a year (TREATY_STATUS), or the year of the
    /// earliest anti-trafficking law in the data (FIRST_LAW_YEAR).
    #[graphql(complexity = "250 * child_complexity")]
    async fn map(
        &self,
        ctx: &Context<'_>,
        measure: MapMeasure,
        #[graphql(desc = "RECORDS: the search widget's filters.")] filter: Option<
            SearchFilterInput,
        >,
        #[graphql(desc = "TREATY_STATUS: the instrument's id, e.g. `TIP_PROTOCOL` or `ILO_P029`.")]
        instrument: Option<String>,
        #[graphql(
            desc = "TREATY_STATUS: give the statuses as of the end of this year (1800–2100)."
        )]
        as_of: Option<i32>,
    ) -> async_graphql::Result<MapData> {
        // Read only once the arguments are known to be right: a refused request costs nothing.
        let countries = || async {
            store_of(ctx)
                .list_countries(None)
                .await
                .map_err(|e| e.into_gql())
        };
        match measure {
            MapMeasure::Records => {
                if instrument.is_some() || as_of.is_some() {
                    return Err(bad("instrument and asOf go with measure TREATY_STATUS"));
                }
                let filter = filter.unwrap_or_default().to_filter(ctx).await?;
                let countries = countries().await?;
                let backend = ctx.data_unchecked::<Arc<dyn SearchBackend>>();
                let request = SearchRequest {
                    query: String::new(),
                    filter,
                    sort: SearchSort::default(),
                    offset: 0,
                    limit: 0,
                    facets: vec![FacetField::Countries],
                };
                let response = backend.search(&request).await.map_err(|e| {
                    tracing::error!(error.cause = %e, backend = backend.name(), "map counts failed");
                    super::search::search_error(e)
                })?;
                let counts: HashMap<String, u64> = response
                    .facets
                    .into_iter()
                    .filter(|(field, _)| *field == FacetField::Countries)
                    .flat_map(|(_, values)| values)
                    .collect();
                let values: Vec<MapValue> = countries
                    .into_iter()
                    .map(|country| MapValue {
                        count: Some(counts.get(country.code.as_str()).copied().unwrap_or(0)),
                        country,
                        status: None,
                        year: None,
                    })
                    .collect();
                Ok(MapData {
                    measure,
                    instrument: None,
                    as_of: None,
                    max_count: values.iter().filter_map(|v| v.count).max(),
                    values,
                })
            }
            MapMeasure::FirstLawYear => {
                if filter.is_some() || instrument.is_some() || as_of.is_some() {
                    return Err(bad(
                        "measure FIRST_LAW_YEAR takes no filter, instrument or asOf",
                    ));
                }
                let countries = countries().await?;
                let years: HashMap<_, _> = store_of(ctx)
                    .first_years(crate::vocab::RecordKind::Law)
                    .await
                    .map_err(|e| e.into_gql())?
                    .into_iter()
                    .collect();
                let values = countries
                    .into_iter()
                    .map(|country| MapValue {
                        year: years.get(&country.code).copied(),
                        country,
                        count: None,
                        status: None,
                    })
                    .collect();
                Ok(MapData {
                    measure,
                    instrument: None,
                    as_of: None,
                    max_count: None,
                    values,
                })
            }
            MapMeasure::TreatyStatus => {
                if filter.is_some() {
                    return Err(bad("filter goes with measure RECORDS"));
                }
                let Some(instrument) = instrument else {
                    return Err(bad(
                        "measure TREATY_STATUS needs an instrument, e.g. TIP_PROTOCOL",
                    ));
                };
                if let Some(year) = as_of {
                    if !(1800..=2100).contains(&year) {
                        return Err(bad(format!(
                            "asOf must be a year between 1800 and 2100 (got {year})"
                        )));
                    }
                }
                let known = loaders(ctx)?
                    .instrument(&instrument)
                    .await
                    .map_err(load_err)?
                    .filter(|i| i.is_treaty());
                if known.is_none() {
                    return Err(bad(format!(
                        "'{}' is not a treaty in the data (see the instruments query)",
                        crate::ids::truncate(&instrument, 64)
                    )));
                }
                let countries = countries().await?;
                let codes: Vec<_> = countries.iter().map(|c| c.code).collect();
                let rows = store_of(ctx)
                    .ratifications(&codes)
                    .await
                    .map_err(|e| e.into_gql())?;
                let rows: HashMap<_, _> = rows
                    .iter()
                    .filter(|r| r.instrument == instrument)
                    .map(|r| (r.country, r))
                    .collect();
                let values = countries
                    .into_iter()
                    .map(|country| {
                        let (status, year) = status_as_of(rows.get(&country.code).copied(), as_of);
                        MapValue {
                            country,
                            count: None,
                            status: Some(status),
                            year,
                        }
                    })
                    .collect();
                Ok(MapData {
                    measure,
                    instrument: Some(instrument),
                    as_of,
                    max_count: None,
                    values,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CountryCode;

    fn row(status: PartyStatus, year: Option<i32>) -> Ratification {
        Ratification {
            instrument: "TIP_PROTOCOL".into(),
            country: CountryCode::parse("NG").unwrap(),
            status,
            action: None,
            date: year.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 6, 28)),
            year: None,
            as_of: None,
            sources: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn a_status_as_of_a_year_follows_the_dated_action() {
        let party = row(PartyStatus::Party, Some(2001));
        assert_eq!(
            status_as_of(Some(&party), None),
            (PartyStatus::Party, Some(2001))
        );
        assert_eq!(
            status_as_of(Some(&party), Some(2001)),
            (PartyStatus::Party, Some(2001))
        );
        assert_eq!(
            status_as_of(Some(&party), Some(2000)),
            (PartyStatus::NotParty, Some(2001))
        );
        let undated = row(PartyStatus::Party, None);
        assert_eq!(
            status_as_of(Some(&undated), None),
            (PartyStatus::Party, None)
        );
        assert_eq!(
            status_as_of(Some(&undated), Some(2010)),
            (PartyStatus::Unknown, None)
        );
        let not = row(PartyStatus::NotParty, None);
        assert_eq!(
            status_as_of(Some(&not), Some(2010)),
            (PartyStatus::NotParty, None)
        );
        let denounced = row(PartyStatus::Denounced, Some(1990));
        assert_eq!(
            status_as_of(Some(&denounced), Some(2010)),
            (PartyStatus::Unknown, None)
        );
        assert_eq!(status_as_of(None, Some(2010)), (PartyStatus::Unknown, None));
    }
}
