//! Reading records, with what each actor may see decided here and only here: the public (and
//! contributors, for now) read published records; moderators, admins and the system also see
//! records in every other status.

use super::actor::Actor;
use super::history::HistoryEntry;
use crate::error::StoreResult;
use crate::ids::RecordId;
use crate::model::Record;
use crate::store::{Audit, PageRequest, RecordFilter, RecordPage, RecordsRead};
use crate::vocab::{RecordKind, RecordStatus};

/// Records by id that `actor` may see; the others are simply absent.
pub async fn records(
    store: &dyn RecordsRead,
    actor: &Actor,
    ids: &[RecordId],
) -> StoreResult<Vec<Record>> {
    if actor.sees_unpublished() {
        Ok(store
            .records_any_status(ids)
            .await?
            .into_iter()
            .map(|(record, _)| record)
            .collect())
    } else {
        store.records(ids).await
    }
}

/// One page of a kind's records. Lists, counts and facets are of published records for every
/// actor: unpublished work is reached through its own queues, never mixed into the catalogue.
pub async fn list(
    store: &dyn RecordsRead,
    _actor: &Actor,
    kind: RecordKind,
    filter: &RecordFilter,
    page: &PageRequest,
) -> StoreResult<RecordPage> {
    store.list_records(kind, filter, page).await
}

/// The history of the records `actor` may see, oldest first within each record.
pub async fn history(
    read: &dyn RecordsRead,
    audit: &dyn Audit,
    actor: &Actor,
    ids: &[RecordId],
) -> StoreResult<Vec<HistoryEntry>> {
    let mut visible: Vec<RecordId> = records(read, actor, ids)
        .await?
        .iter()
        .filter(|r| actor.sees_unpublished() || r.meta().status == RecordStatus::Published)
        .map(|r| r.id().clone())
        .collect();
    // Drafts and submissions: their contributors' and the moderators'.
    if actor.role != super::Role::Public {
        for revision in read.revisions(ids).await? {
            if (actor.sees_unpublished() || actor.speaks_for(&revision.countries()))
                && !visible.contains(revision.id())
            {
                visible.push(revision.id().clone());
            }
        }
    }
    audit.history(&visible).await
}
