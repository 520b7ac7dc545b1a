//! A country's timeline: its laws (enactment and amendments), its treaty actions and its
//! cases, as dated events in one list, computed by the server.

use async_graphql::{Context, Enum, SimpleObject};
use chrono::Datelike;

use super::{load_err, loaders, store_of};
use crate::ids::CountryCode;
use crate::model::Record;
use crate::store::{PageRequest, RecordFilter};
use crate::vocab::{PartyStatus, RecordKind, TreatyAction};

/// Most laws or cases of one country put on its timeline; past this, `Country.timeline`
/// leaves the rest out (no country in the data comes near it).
pub const MAX_TIMELINE_RECORDS: usize = 500;

/// What happened in a timeline event.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimelineEventKind {
    /// A law was enacted.
    LawEnacted,
    /// A law was amended.
    LawAmended,
    /// The country ratified, acceded to, accepted, approved or succeeded to a treaty (or,
    /// for a signatory, signed it; for a denunciation, the action it denounced).
    TreatyAction,
    /// A court or agency decided a case.
    CaseDecided,
}

/// One dated event.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    /// The year it happened.
    pub year: i32,
    /// What happened.
    pub kind: TimelineEventKind,
    /// The law's or case's title, or the instrument's short name.
    pub title: String,
    /// The law or case (LAW_ENACTED, LAW_AMENDED, CASE_DECIDED).
    pub record_id: Option<String>,
    /// The instrument (TREATY_ACTION).
    pub instrument_id: Option<String>,
    /// TREATY_ACTION: the country's standing towards the instrument today.
    pub status: Option<PartyStatus>,
    /// TREATY_ACTION: how it became bound, when recorded.
    pub action: Option<TreatyAction>,
}

/// Published records of `kind` about `country`, at most [`MAX_TIMELINE_RECORDS`].
async fn records_of(
    ctx: &Context<'_>,
    country: CountryCode,
    kind: RecordKind,
) -> async_graphql::Result<Vec<Record>> {
    let filter = RecordFilter {
        countries: vec![country],
        ..RecordFilter::default()
    };
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store_of(ctx)
            .list_records(kind, &filter, &PageRequest { first: 100, after })
            .await
            .map_err(|e| e.into_gql())?;
        after = page.records.last().map(|r| r.id().clone());
        out.extend(page.records);
        if !page.has_next_page || out.len() >= MAX_TIMELINE_RECORDS || after.is_none() {
            break;
        }
    }
    out.truncate(MAX_TIMELINE_RECORDS);
    Ok(out)
}

/// The country's dated events, oldest first (then laws, treaties, cases; then by title).
/// Undated laws, cases and treaty actions are left out.
pub(crate) async fn timeline(
    ctx: &Context<'_>,
    country: CountryCode,
) -> async_graphql::Result<Vec<TimelineEvent>> {
    let mut events = Vec::new();
    for record in records_of(ctx, country, RecordKind::Law).await? {
        if let Record::Law(law) = record {
            let event = |year, kind| TimelineEvent {
                year,
                kind,
                title: law.title.clone(),
                record_id: Some(law.id.as_str().to_owned()),
                instrument_id: None,
                status: None,
                action: None,
            };
            if let Some(year) = law.year_enacted {
                events.push(event(year, TimelineEventKind::LawEnacted));
            }
            for year in &law.amendment_years {
                events.push(event(*year, TimelineEventKind::LawAmended));
            }
        }
    }
    for record in records_of(ctx, country, RecordKind::Case).await? {
        if let Record::Case(case) = record {
            if let Some(year) = case.decision_year {
                events.push(TimelineEvent {
                    year,
                    kind: TimelineEventKind::CaseDecided,
                    title: case.title.clone(),
                    record_id: Some(case.id.as_str().to_owned()),
                    instrument_id: None,
                    status: None,
                    action: None,
                });
            }
        }
    }
    let loaders = loaders(ctx)?;
    let instruments = loaders.all_instruments().await.map_err(load_err)?;
    let rows = loaders
        .ratifications
        .load_one(country)
        .await
        .map_err(load_err)?
        .unwrap_or_default();
    for row in rows {
        let Some(year) = row.date.map(|d| d.year()).or(row.year) else {
            continue;
        };
        if !matches!(
            row.status,
            PartyStatus::Party | PartyStatus::Signatory | PartyStatus::Denounced
        ) {
            continue;
        }
        let title = instruments
            .iter()
            .find(|i| i.id == row.instrument)
            .map_or_else(|| row.instrument.clone(), |i| i.short_name.clone());
        events.push(TimelineEvent {
            year,
            kind: TimelineEventKind::TreatyAction,
            title,
            record_id: None,
            instrument_id: Some(row.instrument.clone()),
            status: Some(row.status),
            action: row.action,
        });
    }
    events.sort_by(|a, b| {
        (a.year, a.kind, &a.title, &a.record_id).cmp(&(b.year, b.kind, &b.title, &b.record_id))
    });
    Ok(events)
}
