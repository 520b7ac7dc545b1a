//! Moving a record through the status machine: submit, withdraw, publish, reject, retract.
//! Who may do what is decided here:
//!
//! | action | on | who |
//! |---|---|---|
//! | submit, withdraw | a draft / a submission | a contributor for the record's countries; moderators, admins |
//! | publish, reject | a submission | moderators, admins |
//! | retract | a published record | moderators, admins |
//!
//! Reject and retract need a reason. A move is refused when the record changed since the
//! version the caller saw (`CONFLICT`) and when the status machine does not allow it
//! (`INVALID_TRANSITION`). Publishing moves the revision into the catalogue (a new version of
//! the published record, or its first); the history entry lists what changed against the
//! version published before.

use chrono::{DateTime, Utc};

use super::actor::{Actor, Role};
use super::editing::{check_rules, latest};
use super::error::{CoreError, CoreResult};
use super::history::{diff, HistoryEntry};
use super::status::{next_status, Action};
use crate::ids::RecordId;
use crate::model::Record;
use crate::store::{Origin, RecordWrite, Slot, Store};

/// The longest reason accepted.
pub const MAX_REASON_CHARS: usize = 1_000;

/// Applies a status move and returns the record as written.
/// `expected_version`: the version the caller saw (`None`: whatever is stored).
pub async fn transition(
    store: &dyn Store,
    actor: &Actor,
    id: &RecordId,
    action: Action,
    reason: Option<&str>,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> CoreResult<Record> {
    if !matches!(
        action,
        Action::Submit | Action::Withdraw | Action::Publish | Action::Reject | Action::Retract
    ) {
        return Err(CoreError::BadInput(format!(
            "{} is not a status move",
            action.code()
        )));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if action.needs_reason() && reason.is_none() {
        return Err(CoreError::ReasonRequired(format!(
            "a record is {} only with a reason",
            action.done()
        )));
    }
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(CoreError::ReasonRequired(format!(
            "a reason has at most {MAX_REASON_CHARS} characters"
        )));
    }
    let state = latest(store, id).await?;
    // Retract acts on the published record; every other move on the work in progress. Who may
    // act is checked first, on whichever version exists, so that a key learns nothing about a
    // record's state that it may not act on.
    let catalogue = state.catalogue.as_ref().map(|(r, _)| r);
    let Some(seen) = state.revision.as_ref().or(catalogue) else {
        return Err(CoreError::NotFound(format!("no record with id '{id}'")));
    };
    authorize(actor, action, seen)?;
    let (subject, slot) = match (action, &state.revision, catalogue) {
        (Action::Retract, _, Some(published)) => (published.clone(), Slot::Catalogue),
        (Action::Retract, Some(revision), None) => (revision.clone(), Slot::Revision),
        (_, Some(revision), _) => (revision.clone(), Slot::Revision),
        (_, None, Some(published)) => {
            return Err(CoreError::IllegalMove(super::status::IllegalMove {
                from: Some(published.meta().status),
                action,
            }))
        }
        (_, None, None) => unreachable!("one of them exists"),
    };
    if let Some(expected) = expected_version {
        if expected != subject.meta().version {
            return Err(CoreError::Conflict(format!(
                "record {id} is at version {}, not {expected}: reload it and try again",
                subject.meta().version
            )));
        }
    }
    let from = subject.meta().status;
    let to = next_status(Some(from), action).map_err(CoreError::IllegalMove)?;
    if action == Action::Submit {
        check_rules(store, &subject, now).await?;
    }
    let version = state.version + 1;
    let mut record = subject.clone();
    let meta = record.meta_mut();
    meta.status = to;
    meta.version = version;
    meta.updated_at = now;
    let (slot, clear_revision, changes, origin) = match action {
        Action::Publish => {
            if let Some((published, _)) = &state.catalogue {
                record.meta_mut().created_at = published.meta().created_at;
            }
            let before = state.catalogue.as_ref().map(|(r, _)| r);
            (
                Slot::Catalogue,
                true,
                diff(before, &record),
                Origin::Contribution,
            )
        }
        _ => (
            slot,
            false,
            Vec::new(),
            state
                .catalogue
                .as_ref()
                .filter(|_| slot == Slot::Catalogue)
                .map(|(_, o)| *o)
                .unwrap_or(Origin::Contribution),
        ),
    };
    let write = RecordWrite {
        history: HistoryEntry {
            record_id: id.clone(),
            version,
            at: now,
            organisation: actor.organisation_name().to_owned(),
            role: actor.role,
            action,
            from_status: Some(from),
            to_status: to,
            reason: reason.map(str::to_owned),
            changes,
        },
        expected_version: Some(state.version),
        slot,
        clear_revision,
        origin,
        record: record.clone(),
    };
    store.write_records(&[write]).await?;
    Ok(record)
}

fn authorize(actor: &Actor, action: Action, record: &Record) -> CoreResult<()> {
    let allowed = match action {
        Action::Submit | Action::Withdraw => actor.speaks_for(&record.countries()),
        Action::Publish | Action::Reject | Action::Retract => {
            matches!(actor.role, Role::Moderator | Role::Admin | Role::System)
        }
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    Err(match actor.role {
        Role::Public => CoreError::Unauthenticated(format!(
            "to {} a record, send a key: Authorization: Bearer tipx_…",
            action.code().to_lowercase()
        )),
        _ => CoreError::Forbidden(format!(
            "a {} key may not {} record {}{}",
            actor.role.code().to_lowercase(),
            action.code().to_lowercase(),
            record.id(),
            if actor.role == Role::Contributor {
                " (a contributor acts for its own countries and cannot publish)"
            } else {
                ""
            }
        )),
    })
}
