//! Moving a record through the status machine: submit, withdraw, publish, reject, retract.
//! Who may do what is decided here:
//!
//! | action | who |
//! |---|---|
//! | submit, withdraw | a contributor for the record's countries; moderators, admins |
//! | publish, reject, retract | moderators, admins |
//!
//! Reject and retract need a reason. Every move is written with its history entry and an
//! outbox row (so search follows the status) in one transaction, and is refused when the
//! record changed since the version the caller saw.

use chrono::{DateTime, Utc};

use super::actor::{Actor, Role};
use super::error::{CoreError, CoreResult};
use super::history::HistoryEntry;
use super::status::{next_status, Action};
use crate::ids::RecordId;
use crate::model::Record;
use crate::store::{RecordWrite, Store};

/// The longest reason accepted.
pub const MAX_REASON_CHARS: usize = 1_000;

/// Applies a status move to a record and returns the record as written.
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
    if matches!(action, Action::Create | Action::Update | Action::Import) {
        return Err(CoreError::Forbidden(format!(
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
    let Some((old, origin)) = store
        .records_any_status(std::slice::from_ref(id))
        .await?
        .into_iter()
        .next()
    else {
        return Err(CoreError::NotFound(format!("no record with id '{id}'")));
    };
    authorize(actor, action, &old)?;
    if let Some(expected) = expected_version {
        if expected != old.meta().version {
            return Err(CoreError::Conflict(format!(
                "record {id} is at version {}, not {expected}: reload it and try again",
                old.meta().version
            )));
        }
    }
    let from = old.meta().status;
    let to = next_status(Some(from), action).map_err(CoreError::IllegalMove)?;
    let mut record = old.clone();
    let meta = record.meta_mut();
    meta.status = to;
    meta.version += 1;
    meta.updated_at = now;
    let write = RecordWrite {
        history: HistoryEntry {
            record_id: id.clone(),
            version: record.meta().version,
            at: now,
            organisation: actor.organisation_name().to_owned(),
            role: actor.role,
            action,
            from_status: Some(from),
            to_status: to,
            reason: reason.map(str::to_owned),
            changes: Vec::new(),
        },
        expected_version: Some(old.meta().version),
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
        Action::Create | Action::Update | Action::Import => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(CoreError::Forbidden(format!(
            "a {} key may not {} record {}",
            actor.role.code().to_lowercase(),
            action.code().to_lowercase(),
            record.id()
        )))
    }
}
