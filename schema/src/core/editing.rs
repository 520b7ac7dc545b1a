//! Writing drafts: create one, edit it, or start a change to a published record (the published
//! version stays visible while the change is reviewed). Every draft gets exactly the checks a
//! seed record gets (`rules`), plus the do-no-harm guard on personal data, all reported at
//! once; a refused draft is not stored.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};

use super::actor::Actor;
use super::error::{CoreError, CoreResult};
use super::history::{diff, HistoryEntry};
use super::rules::{check_personal_data, check_record, RuleContext};
use super::status::{next_status, Action};
use crate::ids::RecordId;
use crate::model::{Record, RecordMeta};
use crate::store::{Origin, RecordWrite, Slot, Store};
use crate::vocab::{RecordKind, RecordStatus, Vocabulary};

/// A record's state in the store: its catalogue row (with where its content came from), its
/// revision, and the latest version of either.
#[derive(Clone, Debug)]
pub struct Latest {
    pub catalogue: Option<(Record, Origin)>,
    pub revision: Option<Record>,
    /// 0 when the record does not exist.
    pub version: i32,
}

/// Reads a record's catalogue row and revision.
pub async fn latest(store: &dyn Store, id: &RecordId) -> CoreResult<Latest> {
    let ids = std::slice::from_ref(id);
    let catalogue = store.records_any_status(ids).await?.into_iter().next();
    let revision = store.revisions(ids).await?.into_iter().next();
    let version = catalogue
        .as_ref()
        .map(|(r, _)| r.meta().version)
        .max(revision.as_ref().map(|r| r.meta().version))
        .unwrap_or(0);
    Ok(Latest {
        catalogue,
        revision,
        version,
    })
}

/// Every rule a contribution must keep, against the store's reference data: all broken rules
/// at once as [`CoreError::Invalid`].
pub async fn check_rules(store: &dyn Store, record: &Record, now: DateTime<Utc>) -> CoreResult<()> {
    let codes = record.countries();
    let countries: HashSet<_> = store
        .countries(&codes)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let named_laws = match record {
        Record::Case(c) => c.laws_applied.clone(),
        _ => Vec::new(),
    };
    let laws: HashSet<RecordId> = store
        .records(&named_laws)
        .await?
        .into_iter()
        .filter(|r| r.kind() == RecordKind::Law)
        .map(|r| r.id().clone())
        .collect();
    let ctx = RuleContext {
        countries: &countries,
        laws: &laws,
        current_year: now.year(),
    };
    // The seed's contact-details rule quotes what it found, for maintainers; a contribution
    // gets the personal-data guard instead, which covers it and never echoes the text back.
    let mut errors: Vec<_> = check_record(record, &ctx)
        .into_iter()
        .filter(|e| e.rule != "CONTACT_DETAILS")
        .collect();
    errors.extend(check_personal_data(record));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Invalid(errors))
    }
}

fn authorize(actor: &Actor, record: &Record) -> CoreResult<()> {
    if actor.speaks_for(&record.countries()) {
        return Ok(());
    }
    Err(match actor.role {
        super::Role::Public => {
            CoreError::Unauthenticated("to write, send a key: Authorization: Bearer tipx_…".into())
        }
        super::Role::Partner => CoreError::Forbidden(
            "a partner key reads published records and follows changes; it does not write records"
                .into(),
        ),
        _ => CoreError::Forbidden(format!(
            "this key speaks for {}; the record is about {}",
            if actor.countries.is_empty() {
                "no country".to_owned()
            } else {
                actor
                    .countries
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            if record.countries().is_empty() {
                "no country (a global record: moderators write those)".to_owned()
            } else {
                record
                    .countries()
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )),
    })
}

fn with_id(mut record: Record, id: RecordId) -> Record {
    match &mut record {
        Record::Law(r) => r.id = id,
        Record::Practice(r) => r.id = id,
        Record::Case(r) => r.id = id,
    }
    record
}

/// Creates a draft from `content` (its id and bookkeeping are ignored: the id is given here,
/// e.g. `PRC0001`). Returns the stored draft.
pub async fn create_draft(
    store: &dyn Store,
    actor: &Actor,
    content: Record,
    now: DateTime<Utc>,
) -> CoreResult<Record> {
    authorize(actor, &content)?;
    check_rules(store, &content, now).await?;
    let kind = content.kind();
    let n = store.next_in_sequence(kind.code()).await?;
    let prefix = match kind {
        RecordKind::Law => "LW",
        RecordKind::Practice => "PR",
        RecordKind::Case => "CA",
    };
    let id = RecordId::parse(&format!("{prefix}C{n:04}")).map_err(CoreError::BadInput)?;
    let status = next_status(None, Action::Create).map_err(CoreError::IllegalMove)?;
    let mut record = with_id(content, id.clone());
    *record.meta_mut() = RecordMeta {
        status,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    write_revision(store, actor, &record, None, Action::Create, None, None).await?;
    Ok(record)
}

/// Replaces a draft's content. `expected_version` is the version the editor started from: a
/// draft changed since is a `CONFLICT`, never overwritten.
pub async fn update_draft(
    store: &dyn Store,
    actor: &Actor,
    id: &RecordId,
    expected_version: i32,
    content: Record,
    now: DateTime<Utc>,
) -> CoreResult<Record> {
    let state = latest(store, id).await?;
    let Some(old) = state.revision.clone() else {
        return Err(match state.catalogue {
            Some((published, _)) => {
                authorize(actor, &published)?;
                CoreError::IllegalMove(super::status::IllegalMove {
                    from: Some(published.meta().status),
                    action: Action::Update,
                })
            }
            None => CoreError::NotFound(format!("no record with id '{id}'")),
        });
    };
    if old.kind() != content.kind() {
        return Err(CoreError::BadInput(format!(
            "record {id} is a {}, not a {}",
            old.kind().code().to_lowercase(),
            content.kind().code().to_lowercase()
        )));
    }
    // The contributor must speak for the countries before and after the change.
    authorize(actor, &old)?;
    authorize(actor, &content)?;
    if expected_version != old.meta().version {
        return Err(CoreError::Conflict(format!(
            "record {id} is at version {}, not {expected_version}: reload it and try again",
            old.meta().version
        )));
    }
    let status =
        next_status(Some(old.meta().status), Action::Update).map_err(CoreError::IllegalMove)?;
    check_rules(store, &content, now).await?;
    next_revision(
        store,
        actor,
        with_id(content, id.clone()),
        &state,
        (&old, Action::Update, status),
        now,
    )
    .await
}

/// Starts a change to a published record: a draft copy, at the next version, that goes through
/// review while the published version stays visible.
pub async fn propose_change(
    store: &dyn Store,
    actor: &Actor,
    id: &RecordId,
    now: DateTime<Utc>,
) -> CoreResult<Record> {
    let state = latest(store, id).await?;
    let Some((published, _)) = state.catalogue.clone() else {
        return Err(match &state.revision {
            Some(revision) => {
                authorize(actor, revision)?;
                CoreError::IllegalMove(super::status::IllegalMove {
                    from: Some(revision.meta().status),
                    action: Action::Revise,
                })
            }
            None => CoreError::NotFound(format!("no record with id '{id}'")),
        });
    };
    authorize(actor, &published)?;
    let status = next_status(Some(published.meta().status), Action::Revise)
        .map_err(CoreError::IllegalMove)?;
    if let Some(revision) = &state.revision {
        return Err(CoreError::Conflict(format!(
            "record {id} already has a change in review (version {}, {}): edit that one",
            revision.meta().version,
            revision.meta().status.code()
        )));
    }
    next_revision(
        store,
        actor,
        published.clone(),
        &state,
        (&published, Action::Revise, status),
        now,
    )
    .await
}

/// Writes `record` as the next version of a revision that follows `from` (the revision or
/// published record it came from) by `action`, into `status`.
async fn next_revision(
    store: &dyn Store,
    actor: &Actor,
    mut record: Record,
    state: &Latest,
    (from, action, status): (&Record, Action, RecordStatus),
    now: DateTime<Utc>,
) -> CoreResult<Record> {
    *record.meta_mut() = RecordMeta {
        status,
        created_at: from.meta().created_at,
        updated_at: now,
        version: state.version + 1,
    };
    let before = (action == Action::Update).then_some(from);
    write_revision(
        store,
        actor,
        &record,
        before,
        action,
        Some(from.meta().status),
        Some(state.version),
    )
    .await?;
    Ok(record)
}

async fn write_revision(
    store: &dyn Store,
    actor: &Actor,
    record: &Record,
    before: Option<&Record>,
    action: Action,
    from_status: Option<RecordStatus>,
    expected_version: Option<i32>,
) -> CoreResult<()> {
    let changes = match action {
        Action::Revise => Vec::new(),
        _ => diff(before, record),
    };
    let write = RecordWrite {
        history: HistoryEntry {
            record_id: record.id().clone(),
            version: record.meta().version,
            at: record.meta().updated_at,
            organisation: actor.organisation_name().to_owned(),
            role: actor.role,
            action,
            from_status,
            to_status: record.meta().status,
            reason: None,
            changes,
        },
        record: record.clone(),
        slot: Slot::Revision,
        expected_version,
        clear_revision: false,
        origin: Origin::Contribution,
    };
    store.write_records(&[write]).await?;
    Ok(())
}
