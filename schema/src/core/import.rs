//! The seed import: which records are new, changed or unchanged, their versions, dates and
//! history, decided here; the store only writes what it is given.
//!
//! - A record not in the store is inserted, published, at version 1.
//! - A record whose content is unchanged is left alone (same version, same dates).
//! - A changed seed record gets a new version; it keeps its status (a retracted record stays
//!   retracted) and its creation date.
//! - A record whose current content came from a contributor is never overwritten by the seed:
//!   the import skips it and says so in its report.
//! - Every write carries a history entry from organisation "seed" with the seed's origin.

use chrono::{DateTime, Utc};

use super::actor::{Actor, Role};
use super::error::{CoreError, CoreResult};
use super::history::{diff, HistoryEntry};
use super::status::{next_status, Action};
use crate::ids::RecordId;
use crate::model::{Record, RecordMeta};
use crate::store::{ImportReport, Origin, RecordWrite, SeedData, Slot, Store};

/// What an import did, beyond the counts: the records it left alone because a contributor
/// changed them since, with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub report: ImportReport,
    pub skipped: Vec<(RecordId, String)>,
}

/// How many ids one store read asks for.
const READ_BATCH: usize = 500;

/// Imports `seed` (already validated): reference data replaced whole, records upserted by id
/// as described in the module documentation. Only the system may import.
pub async fn import_seed(
    store: &dyn Store,
    actor: &Actor,
    seed: &crate::store::SeedData,
    origin: &str,
    now: DateTime<Utc>,
) -> CoreResult<ImportOutcome> {
    if actor.role != Role::System {
        return Err(CoreError::Forbidden(
            "only tipx itself imports the seed (tipx seed, or tipx serve at start)".into(),
        ));
    }
    let ids: Vec<RecordId> = seed.records.iter().map(|r| r.id().clone()).collect();
    let mut stored = std::collections::HashMap::new();
    for chunk in ids.chunks(READ_BATCH) {
        for (record, from) in store.records_any_status(chunk).await? {
            stored.insert(record.id().clone(), (record, from));
        }
    }
    let mut outcome = ImportOutcome::default();
    let mut writes = Vec::new();
    for incoming in &seed.records {
        let existing = stored.get(incoming.id());
        if let Some((_, Origin::Contribution)) = existing {
            outcome.skipped.push((
                incoming.id().clone(),
                "a contributor changed this record since the seed was imported; the seed does \
                 not overwrite contributions"
                    .into(),
            ));
            continue;
        }
        let old = existing.map(|(record, _)| record);
        if old.is_some_and(|old| same_content(old, incoming)) {
            outcome.report.unchanged += 1;
            continue;
        }
        let from_status = old.map(|r| r.meta().status);
        let status = next_status(from_status, Action::Import).map_err(CoreError::IllegalMove)?;
        let mut record = incoming.clone();
        *record.meta_mut() = match old {
            None => RecordMeta {
                status,
                created_at: now,
                updated_at: now,
                version: 1,
            },
            Some(old) => RecordMeta {
                status,
                created_at: old.meta().created_at,
                updated_at: now,
                version: old.meta().version + 1,
            },
        };
        match old {
            None => outcome.report.inserted += 1,
            Some(_) => outcome.report.updated += 1,
        }
        writes.push(RecordWrite {
            history: HistoryEntry {
                record_id: record.id().clone(),
                version: record.meta().version,
                at: now,
                organisation: actor.organisation_name().to_owned(),
                role: actor.role,
                action: Action::Import,
                from_status,
                to_status: status,
                reason: Some(format!("imported from {origin}")),
                changes: diff(old, &record),
            },
            expected_version: old.map(|r| r.meta().version),
            origin: Origin::Seed,
            slot: Slot::Catalogue,
            clear_revision: false,
            record,
        });
    }
    store.import_seed(seed, &writes).await?;
    Ok(outcome)
}

/// Whether a record's stored content equals the seed's, bookkeeping aside.
fn same_content(a: &Record, b: &Record) -> bool {
    let mut a = a.clone();
    *a.meta_mut() = b.meta().clone();
    &a == b
}

/// Loads published records from an export (`tipx import`) into a store that holds none of
/// them, with the reference data given: each record keeps its version, dates and status, and
/// gets one history entry saying where it came from. Imported records count as contributions,
/// so a later seed import never overwrites them. Returns how many were written.
pub async fn import_records(
    store: &dyn Store,
    actor: &Actor,
    reference: &SeedData,
    records: &[Record],
    origin: &str,
    now: DateTime<Utc>,
) -> CoreResult<u64> {
    let mut seen = std::collections::HashSet::new();
    for record in records {
        if !seen.insert(record.id().clone()) {
            return Err(CoreError::BadInput(format!(
                "record {} appears twice in the import",
                record.id()
            )));
        }
        if record.meta().status != crate::vocab::RecordStatus::Published {
            return Err(CoreError::BadInput(format!(
                "record {} is not published: an export holds published records only",
                record.id()
            )));
        }
    }
    let ids: Vec<RecordId> = records.iter().map(|r| r.id().clone()).collect();
    for chunk in ids.chunks(1_000) {
        if let Some((held, _)) = store.records_any_status(chunk).await?.first() {
            return Err(CoreError::Conflict(format!(
                "the store already holds record {}: import into an empty store",
                held.id()
            )));
        }
    }
    let writes: Vec<RecordWrite> = records
        .iter()
        .map(|record| RecordWrite {
            history: HistoryEntry {
                record_id: record.id().clone(),
                version: record.meta().version,
                at: now,
                organisation: actor.organisation_name().to_owned(),
                role: actor.role,
                action: Action::Import,
                from_status: None,
                to_status: record.meta().status,
                reason: Some(format!("imported from {origin}")),
                changes: diff(None, record),
            },
            expected_version: None,
            origin: Origin::Contribution,
            slot: Slot::Catalogue,
            clear_revision: false,
            record: record.clone(),
        })
        .collect();
    store.import_seed(reference, &writes).await?;
    Ok(writes.len() as u64)
}
