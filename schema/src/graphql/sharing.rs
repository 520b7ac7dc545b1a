//! Sharing: who is asking (`viewer`), drafts and the review queue, the mutations that move a
//! record from a draft to publication, and history. Every resolver here only translates: the
//! rules live in `core` (editing, review, catalogue).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Union, ID};
use chrono::{DateTime, Utc};

use super::inputs::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::record_inputs::{CaseInput, LawInput, PracticeInput};
use super::store_of;
use super::types::{ConnectionTotals, RecordConnection};
use crate::core::history::{FieldChange, HistoryEntry};
use crate::core::{editing, review, Action, Actor, CoreError, Role};
use crate::error::{gql_error, ErrorCode};
use crate::ids::{CountryCode, GlobalId, RecordId};
use crate::model::*;
use crate::store::RevisionFilter;
use crate::vocab::*;

/// The actor of the request (set by the HTTP layer from the `Authorization` header).
pub(crate) fn actor<'a>(ctx: &Context<'a>) -> &'a Actor {
    static PUBLIC: std::sync::OnceLock<Actor> = std::sync::OnceLock::new();
    ctx.data_opt::<Actor>()
        .unwrap_or_else(|| PUBLIC.get_or_init(Actor::public))
}

fn core_err(err: CoreError) -> async_graphql::Error {
    err.into_gql()
}

/// Any of the three record kinds.
#[derive(Union, Clone)]
pub enum AnyRecord {
    Law(Law),
    Practice(Practice),
    Case(Case),
}

impl From<Record> for AnyRecord {
    fn from(record: Record) -> AnyRecord {
        match record {
            Record::Law(r) => AnyRecord::Law(r),
            Record::Practice(r) => AnyRecord::Practice(r),
            Record::Case(r) => AnyRecord::Case(r),
        }
    }
}

/// What a key may do.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Role")]
pub enum RoleGql {
    /// No key: published records only.
    #[graphql(name = "PUBLIC")]
    Public,
    /// Drafts and submissions for its own countries.
    #[graphql(name = "CONTRIBUTOR")]
    Contributor,
    /// A partner system: reads like the public and registers webhooks.
    #[graphql(name = "PARTNER")]
    Partner,
    /// Reviews every country: publishes, rejects, retracts.
    #[graphql(name = "MODERATOR")]
    Moderator,
    /// A moderator who also manages keys.
    #[graphql(name = "ADMIN")]
    Admin,
    /// tipx itself (the seed import).
    #[graphql(name = "SYSTEM")]
    System,
}

impl From<Role> for RoleGql {
    fn from(role: Role) -> Self {
        match role {
            Role::Public => RoleGql::Public,
            Role::Contributor => RoleGql::Contributor,
            Role::Partner => RoleGql::Partner,
            Role::Moderator => RoleGql::Moderator,
            Role::Admin => RoleGql::Admin,
            Role::System => RoleGql::System,
        }
    }
}

/// What was done to a record.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum HistoryAction {
    /// A new draft.
    #[graphql(name = "CREATE")]
    Create,
    /// A draft edited.
    #[graphql(name = "UPDATE")]
    Update,
    /// Sent for review.
    #[graphql(name = "SUBMIT")]
    Submit,
    /// Taken back from review by its contributor.
    #[graphql(name = "WITHDRAW")]
    Withdraw,
    /// Published by a moderator.
    #[graphql(name = "PUBLISH")]
    Publish,
    /// Sent back to the contributor with a reason.
    #[graphql(name = "REJECT")]
    Reject,
    /// Withdrawn from public view with a reason.
    #[graphql(name = "RETRACT")]
    Retract,
    /// Written by the seed import.
    #[graphql(name = "IMPORT")]
    Import,
    /// A change to a published record started.
    #[graphql(name = "REVISE")]
    Revise,
}

impl From<Action> for HistoryAction {
    fn from(action: Action) -> Self {
        match action {
            Action::Create => HistoryAction::Create,
            Action::Update => HistoryAction::Update,
            Action::Submit => HistoryAction::Submit,
            Action::Withdraw => HistoryAction::Withdraw,
            Action::Publish => HistoryAction::Publish,
            Action::Reject => HistoryAction::Reject,
            Action::Retract => HistoryAction::Retract,
            Action::Import => HistoryAction::Import,
            Action::Revise => HistoryAction::Revise,
        }
    }
}

/// Who is asking: the key's role, organisation and countries (never a secret).
#[derive(SimpleObject)]
pub struct Viewer {
    /// PUBLIC without a key.
    pub role: RoleGql,
    /// The organisation the key acts for.
    pub organisation: Option<String>,
    /// The countries a contributor key speaks for (empty for other roles: all countries).
    pub countries: Vec<String>,
    /// The key's id (e.g. `key_3f9a1c2b`), as `tipx keys list` shows it.
    pub key_id: Option<String>,
}

/// One field's value before and after a change, each as JSON text (null when absent).
#[derive(SimpleObject)]
pub struct FieldChangeGql {
    /// The field, as records name it in JSON (e.g. `summary`, `countries`).
    pub field: String,
    /// The value before, as JSON text.
    pub before: Option<String>,
    /// The value after, as JSON text.
    pub after: Option<String>,
}

impl From<&FieldChange> for FieldChangeGql {
    fn from(c: &FieldChange) -> Self {
        FieldChangeGql {
            field: c.field.clone(),
            before: c.before.as_ref().map(|v| v.to_string()),
            after: c.after.as_ref().map(|v| v.to_string()),
        }
    }
}

/// One change of a record: who (an organisation, never a person), when, which status move,
/// why, and what changed.
#[derive(SimpleObject)]
#[graphql(name = "HistoryEntry")]
pub struct HistoryEntryGql {
    /// The record's version after the change.
    pub version: i32,
    /// When the change was made.
    pub at: DateTime<Utc>,
    /// The organisation that made it (never a person's name).
    pub organisation: String,
    /// The role of the key that made it.
    pub role: RoleGql,
    /// What was done.
    pub action: HistoryAction,
    /// The status before (null for a new record).
    pub from_status: Option<RecordStatus>,
    /// The status after.
    pub to_status: RecordStatus,
    /// Why: required to reject or retract; the seed import names its origin.
    pub reason: Option<String>,
    /// The fields that changed, with values before and after.
    pub changes: Vec<FieldChangeGql>,
}

impl From<&HistoryEntry> for HistoryEntryGql {
    fn from(h: &HistoryEntry) -> Self {
        HistoryEntryGql {
            version: h.version,
            at: h.at,
            organisation: h.organisation.clone(),
            role: h.role.into(),
            action: h.action.into(),
            from_status: h.from_status,
            to_status: h.to_status,
            reason: h.reason.clone(),
            changes: h.changes.iter().map(Into::into).collect(),
        }
    }
}

/// Which drafts to list.
#[derive(InputObject, Default)]
pub struct DraftFilterInput {
    /// DRAFT and/or SUBMITTED; both when empty.
    #[graphql(default)]
    pub statuses: Vec<RecordStatus>,
    /// Laws, practices and/or cases; all when empty.
    #[graphql(default)]
    pub kinds: Vec<RecordKind>,
    /// ISO alpha-2 codes (within a contributor's own countries).
    #[graphql(default)]
    pub countries: Vec<String>,
}

/// Accepts a global id or a record id.
fn record_id(raw: &str) -> async_graphql::Result<RecordId> {
    match GlobalId::decode(raw) {
        Ok(GlobalId::Record(_, id)) => Ok(id),
        Ok(_) => Err(gql_error(
            ErrorCode::BadUserInput,
            format!(
                "'{}' is not the id of a record",
                crate::ids::truncate(raw, 80)
            ),
        )),
        Err(_) => RecordId::parse(raw).map_err(|e| gql_error(ErrorCode::BadUserInput, e)),
    }
}

fn invalid(fields: Vec<crate::core::rules::FieldError>) -> async_graphql::Error {
    CoreError::Invalid(fields).into_gql()
}

fn position_cursor(position: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("position:{position}"))
}

fn decode_position(raw: &str) -> async_graphql::Result<usize> {
    use base64::Engine;
    let bad = || {
        gql_error(
            ErrorCode::BadUserInput,
            format!(
                "'{}' is not a cursor this API gave out",
                crate::ids::truncate(raw, 80)
            ),
        )
    };
    if raw.len() > 100 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| bad())?;
    String::from_utf8(bytes)
        .ok()
        .and_then(|s| s.strip_prefix("position:").and_then(|n| n.parse().ok()))
        .ok_or_else(bad)
}

/// Drafts and submissions, oldest change first, as a connection. Cursors are positions in
/// that order: a draft that changes while you page moves to the end.
async fn draft_connection(
    ctx: &Context<'_>,
    mut filter: RevisionFilter,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<RecordConnection<AnyRecord>> {
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
    let offset = after
        .as_deref()
        .map(decode_position)
        .transpose()?
        .unwrap_or(0);
    let actor = actor(ctx);
    match actor.role {
        Role::Public => {
            return Err(gql_error(
                ErrorCode::Unauthenticated,
                "drafts are listed for keys only: send Authorization: Bearer tipx_…",
            ))
        }
        Role::Contributor => {
            // A contributor sees its own countries' drafts only.
            let own = &actor.countries;
            filter.countries = Some(match filter.countries.take() {
                Some(asked) => asked.into_iter().filter(|c| own.contains(c)).collect(),
                None => own.clone(),
            });
        }
        Role::Partner => {
            return Err(gql_error(
                ErrorCode::Forbidden,
                "a partner key reads published records and follows changes; drafts are for contributors and moderators",
            ))
        }
        Role::Moderator | Role::Admin | Role::System => {}
    }
    let page = store_of(ctx)
        .list_revisions(&filter, first, offset)
        .await
        .map_err(|e| e.into_gql())?;
    let mut connection = Connection::with_additional_fields(
        offset > 0,
        page.has_next_page,
        ConnectionTotals {
            total_count: page.total_count,
        },
    );
    for (i, record) in page.records.into_iter().enumerate() {
        connection
            .edges
            .push(Edge::new(position_cursor(offset + i + 1), record.into()));
    }
    Ok(connection)
}

fn parse_countries(raw: &[String]) -> async_graphql::Result<Option<Vec<CountryCode>>> {
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > super::MAX_FILTER_VALUES {
        return Err(gql_error(
            ErrorCode::BadUserInput,
            format!("at most {} countries", super::MAX_FILTER_VALUES),
        ));
    }
    raw.iter()
        .map(|c| CountryCode::parse(c).map_err(|e| gql_error(ErrorCode::BadUserInput, e)))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Queries about sharing: who is asking, drafts, the review queue.
#[derive(Default)]
pub struct SharingQuery;

#[Object]
impl SharingQuery {
    /// Who the request acts as: PUBLIC without a key, else the key's role, organisation and
    /// countries.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        let actor = actor(ctx);
        Viewer {
            role: actor.role.into(),
            organisation: actor.organisation.clone(),
            countries: actor.countries.iter().map(|c| c.to_string()).collect(),
            key_id: actor.key_id.clone(),
        }
    }

    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    /// Drafts and submissions the key may see: a contributor's own countries', or every
    /// country's for moderators and admins. Oldest change first.
    async fn my_drafts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DraftFilterInput,
        #[graphql(desc = "At most this many (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<AnyRecord>> {
        let filter = RevisionFilter {
            countries: parse_countries(&filter.countries)?,
            statuses: filter
                .statuses
                .into_iter()
                .filter(|s| matches!(s, RecordStatus::Draft | RecordStatus::Submitted))
                .collect(),
            kinds: filter.kinds,
        };
        draft_connection(ctx, filter, first, after).await
    }

    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    /// Submissions waiting for review, oldest first (moderators and admins).
    async fn review_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] countries: Vec<String>,
        #[graphql(default)] kinds: Vec<RecordKind>,
        #[graphql(desc = "At most this many (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<AnyRecord>> {
        let actor = actor(ctx);
        if !matches!(actor.role, Role::Moderator | Role::Admin | Role::System) {
            return Err(gql_error(
                match actor.role {
                    Role::Public => ErrorCode::Unauthenticated,
                    _ => ErrorCode::Forbidden,
                },
                "the review queue is for moderator and admin keys",
            ));
        }
        let filter = RevisionFilter {
            countries: parse_countries(&countries)?,
            statuses: vec![RecordStatus::Submitted],
            kinds,
        };
        draft_connection(ctx, filter, first, after).await
    }

    /// A draft or submission by id, when the key may see it (its contributor's countries, or
    /// any for moderators and admins).
    async fn draft(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<AnyRecord> {
        let id = record_id(&id)?;
        let actor = actor(ctx);
        let found = store_of(ctx)
            .revisions(std::slice::from_ref(&id))
            .await
            .map_err(|e| e.into_gql())?
            .into_iter()
            .next();
        match found {
            Some(record) if actor.sees_unpublished() || actor.speaks_for(&record.countries()) => {
                Ok(record.into())
            }
            _ => Err(gql_error(
                ErrorCode::NotFound,
                format!("no draft '{id}' that this key may see"),
            )),
        }
    }
}

/// The mutation root: records, keys for admins, webhooks for partners and admins.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    RecordMutation,
    KeysMutation,
    super::webhooks::WebhooksMutation,
);

/// The record mutations (see the `#[Object]` impl).
#[derive(Default)]
pub struct RecordMutation;

async fn create(ctx: &Context<'_>, content: Record) -> async_graphql::Result<AnyRecord> {
    editing::create_draft(store_of(ctx).as_ref(), actor(ctx), content, Utc::now())
        .await
        .map(Into::into)
        .map_err(core_err)
}

async fn update(
    ctx: &Context<'_>,
    id: ID,
    expected_version: i32,
    content: Record,
) -> async_graphql::Result<AnyRecord> {
    let id = record_id(&id)?;
    editing::update_draft(
        store_of(ctx).as_ref(),
        actor(ctx),
        &id,
        expected_version,
        content,
        Utc::now(),
    )
    .await
    .map(Into::into)
    .map_err(core_err)
}

async fn moved(
    ctx: &Context<'_>,
    id: ID,
    action: Action,
    expected_version: Option<i32>,
    reason: Option<String>,
) -> async_graphql::Result<AnyRecord> {
    let id = record_id(&id)?;
    review::transition(
        store_of(ctx).as_ref(),
        actor(ctx),
        &id,
        action,
        reason.as_deref(),
        expected_version,
        Utc::now(),
    )
    .await
    .map(Into::into)
    .map_err(core_err)
}

/// Writing records: drafts, review, publication. Every mutation needs a key
/// (`Authorization: Bearer tipx_…`); a refused one changes nothing.
#[Object]
impl RecordMutation {
    /// Creates a draft law for one of the key's countries. Every broken rule comes back at
    /// once in `extensions.fields`.
    async fn create_law(
        &self,
        ctx: &Context<'_>,
        input: LawInput,
    ) -> async_graphql::Result<AnyRecord> {
        create(ctx, input.into_record().map_err(invalid)?).await
    }

    /// Creates a draft practice for the key's countries.
    async fn create_practice(
        &self,
        ctx: &Context<'_>,
        input: PracticeInput,
    ) -> async_graphql::Result<AnyRecord> {
        create(ctx, input.into_record().map_err(invalid)?).await
    }

    /// Creates a draft case for the key's countries (aggregate outcomes only).
    async fn create_case(
        &self,
        ctx: &Context<'_>,
        input: CaseInput,
    ) -> async_graphql::Result<AnyRecord> {
        create(ctx, input.into_record().map_err(invalid)?).await
    }

    /// Replaces a draft law's content. `expectedVersion` is the version you edited: if the
    /// draft changed since, the answer is `CONFLICT` and nothing is overwritten.
    async fn update_law(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: LawInput,
    ) -> async_graphql::Result<AnyRecord> {
        update(
            ctx,
            id,
            expected_version,
            input.into_record().map_err(invalid)?,
        )
        .await
    }

    /// Replaces a draft practice's content (see `updateLaw`).
    async fn update_practice(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: PracticeInput,
    ) -> async_graphql::Result<AnyRecord> {
        update(
            ctx,
            id,
            expected_version,
            input.into_record().map_err(invalid)?,
        )
        .await
    }

    /// Replaces a draft case's content (see `updateLaw`).
    async fn update_case(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: CaseInput,
    ) -> async_graphql::Result<AnyRecord> {
        update(
            ctx,
            id,
            expected_version,
            input.into_record().map_err(invalid)?,
        )
        .await
    }

    /// Starts a change to a published record: a draft copy to edit and submit; the published
    /// version stays visible until the change is published.
    async fn propose_change(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<AnyRecord> {
        let id = record_id(&id)?;
        editing::propose_change(store_of(ctx).as_ref(), actor(ctx), &id, Utc::now())
            .await
            .map(Into::into)
            .map_err(core_err)
    }

    /// Sends a draft for review (DRAFT → SUBMITTED).
    async fn submit(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<AnyRecord> {
        moved(ctx, id, Action::Submit, expected_version, None).await
    }

    /// Takes a submission back to edit it (SUBMITTED → DRAFT).
    async fn withdraw(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<AnyRecord> {
        moved(ctx, id, Action::Withdraw, expected_version, None).await
    }

    /// Publishes a submission (moderators): it enters search, country profiles and widgets.
    async fn publish(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<AnyRecord> {
        moved(ctx, id, Action::Publish, expected_version, None).await
    }

    /// Sends a submission back to its contributor with a reason (moderators).
    async fn reject(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<AnyRecord> {
        moved(ctx, id, Action::Reject, expected_version, Some(reason)).await
    }

    /// Withdraws a published record from public view with a reason (moderators).
    async fn retract(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
        expected_version: Option<i32>,
    ) -> async_graphql::Result<AnyRecord> {
        moved(ctx, id, Action::Retract, expected_version, Some(reason)).await
    }
}

/// Where key secrets' randomness comes from: the operating system, given by the server (this
/// crate does no IO).
pub trait Entropy: Send + Sync {
    /// 36 random bytes, or `None` when the generator fails.
    fn bytes(&self) -> Option<[u8; 36]>;
}

pub(crate) fn random_bytes(ctx: &Context<'_>) -> async_graphql::Result<[u8; 36]> {
    ctx.data::<std::sync::Arc<dyn Entropy>>()
        .ok()
        .and_then(|e| e.bytes())
        .ok_or_else(|| {
            tracing::error!("no random bytes for a key secret");
            gql_error(ErrorCode::Internal, "internal error")
        })
}

/// An API key as admins see it: never its secret.
#[derive(SimpleObject)]
#[graphql(name = "ApiKey")]
pub struct ApiKeyGql {
    /// `key_` and eight hex digits.
    pub id: String,
    /// The secret's first characters, to recognise it.
    pub prefix: String,
    /// What the key may do.
    pub role: RoleGql,
    /// The organisation the key acts for.
    pub organisation: String,
    /// The countries a contributor key speaks for.
    pub countries: Vec<String>,
    /// When the key was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; null while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<crate::core::keys::ApiKey> for ApiKeyGql {
    fn from(k: crate::core::keys::ApiKey) -> Self {
        ApiKeyGql {
            id: k.id,
            prefix: k.prefix,
            role: k.role.into(),
            organisation: k.organisation,
            countries: k.countries.iter().map(|c| c.to_string()).collect(),
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A key with its secret, shown this once.
#[derive(SimpleObject)]
pub struct NewApiKey {
    /// The key, as listings show it.
    pub key: ApiKeyGql,
    /// `tipx_…`: give it to the key holder on a safe channel; it is never shown again.
    pub secret: String,
}

/// The roles a key can have.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyRole {
    /// Drafts and submissions for its own countries.
    #[graphql(name = "CONTRIBUTOR")]
    Contributor,
    /// A partner system: reads like the public and registers webhooks.
    #[graphql(name = "PARTNER")]
    Partner,
    /// Reviews every country.
    #[graphql(name = "MODERATOR")]
    Moderator,
    /// A moderator who also manages keys.
    #[graphql(name = "ADMIN")]
    Admin,
}

/// Keys, for admins (the same as `tipx keys` on the server).
#[derive(Default)]
pub struct KeysQuery;

#[Object]
impl KeysQuery {
    /// Every key, newest first (admins only); never a secret.
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKeyGql>> {
        crate::core::keys::list_keys(store_of(ctx).as_ref(), actor(ctx))
            .await
            .map(|keys| keys.into_iter().map(Into::into).collect())
            .map_err(core_err)
    }
}

/// Key management, for admins.
#[derive(Default)]
pub struct KeysMutation;

#[Object]
impl KeysMutation {
    /// Creates a key (admins only). A contributor key needs its countries.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        role: KeyRole,
        organisation: String,
        #[graphql(default)] countries: Vec<String>,
    ) -> async_graphql::Result<NewApiKey> {
        let countries = parse_countries(&countries)?.unwrap_or_default();
        let role = match role {
            KeyRole::Contributor => Role::Contributor,
            KeyRole::Partner => Role::Partner,
            KeyRole::Moderator => Role::Moderator,
            KeyRole::Admin => Role::Admin,
        };
        let store = store_of(ctx).as_ref();
        let (key, secret) = crate::core::keys::create_key(
            store,
            store,
            actor(ctx),
            crate::core::keys::NewKey {
                role,
                organisation,
                countries,
            },
            random_bytes(ctx)?,
            Utc::now(),
        )
        .await
        .map_err(core_err)?;
        Ok(NewApiKey {
            key: key.into(),
            secret: secret.0,
        })
    }

    /// Revokes a key (admins only): refused from the next request on.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        id: String,
    ) -> async_graphql::Result<ApiKeyGql> {
        crate::core::keys::revoke_key(store_of(ctx).as_ref(), actor(ctx), &id, Utc::now())
            .await
            .map(Into::into)
            .map_err(core_err)
    }

    /// Gives a key a new secret (admins only); the old one stops working at once.
    async fn rotate_api_key(
        &self,
        ctx: &Context<'_>,
        id: String,
    ) -> async_graphql::Result<NewApiKey> {
        let random = random_bytes(ctx)?;
        let mut secret_bytes = [0u8; 32];
        secret_bytes.copy_from_slice(&random[..32]);
        let (key, secret) =
            crate::core::keys::rotate_key(store_of(ctx).as_ref(), actor(ctx), &id, secret_bytes)
                .await
                .map_err(core_err)?;
        Ok(NewApiKey {
            key: key.into(),
            secret: secret.0,
        })
    }
}
