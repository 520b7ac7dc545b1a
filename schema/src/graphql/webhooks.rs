//! Webhooks through the API: partner and admin keys register, list and delete them, and read
//! each one's delivery log. The rules are in `core::webhooks`.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::inputs::RecordFilterInput;
use super::sharing::{actor, random_bytes};
use super::store_of;
use super::subscription::ChangeKindGql;
use crate::core::webhooks::{self, Delivery, DeliveryStatus, NewWebhook, Webhook, WebhookPolicy};
use crate::error::{gql_error, ErrorCode};
use crate::vocab::*;

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "WebhookDeliveryStatus")]
pub enum DeliveryStatusGql {
    /// Waiting for its first attempt or for a retry (`nextAttemptAt`).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after the last attempt, or the key that registered the webhook was revoked.
    Failed,
}

impl From<DeliveryStatus> for DeliveryStatusGql {
    fn from(status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => DeliveryStatusGql::Pending,
            DeliveryStatus::Delivered => DeliveryStatusGql::Delivered,
            DeliveryStatus::Failed => DeliveryStatusGql::Failed,
        }
    }
}

/// The filter a webhook follows, as it was registered (empty lists: no condition).
#[derive(SimpleObject)]
pub struct WebhookFilter {
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    /// UN M49 area codes at any level.
    pub regions: Vec<String>,
    /// Forms of trafficking.
    pub forms: Vec<TraffickingForm>,
    /// Economic sectors.
    pub sectors: Vec<Sector>,
    /// Groups of people concerned.
    pub target_groups: Vec<TargetGroup>,
    /// 4P pillars.
    pub pillars: Vec<Pillar>,
    /// SDG targets.
    pub sdg_targets: Vec<SdgTarget>,
    /// Earliest year (inclusive).
    pub year_from: Option<i32>,
    /// Latest year (inclusive).
    pub year_to: Option<i32>,
    /// With countries or regions: also global practices.
    pub include_global: bool,
}

pub struct WebhookGql(Webhook);

/// A webhook: where tipx POSTs the changes it follows. Its secret is shown once, when it is
/// created.
#[Object(name = "Webhook")]
impl WebhookGql {
    /// `whk_` and eight hex digits; sent with every delivery as `Tipx-Webhook-Id`.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The record kinds followed; empty for all.
    async fn kinds(&self) -> &[RecordKind] {
        &self.0.kinds
    }

    /// Which records' changes are delivered.
    async fn filter(&self) -> WebhookFilter {
        let f = &self.0.filter;
        WebhookFilter {
            countries: f.countries.iter().map(|c| c.to_string()).collect(),
            regions: f.regions.iter().map(|r| r.to_string()).collect(),
            forms: f.forms.clone(),
            sectors: f.sectors.clone(),
            target_groups: f.target_groups.clone(),
            pillars: f.pillars.clone(),
            sdg_targets: f.sdg_targets.clone(),
            year_from: f.year_from,
            year_to: f.year_to,
            include_global: f.include_global,
        }
    }

    /// The organisation of the key that registered it.
    async fn organisation(&self) -> &str {
        &self.0.organisation
    }

    /// The id of the key that registered it.
    async fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The delivery log, newest first: at most `first` (up to 100) deliveries, before the
    /// delivery `before` (the `id` of the last one of the previous page).
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        before: Option<ID>,
    ) -> async_graphql::Result<Vec<WebhookDelivery>> {
        let before = before
            .map(|id| {
                id.parse::<i64>().map_err(|_| {
                    gql_error(
                        ErrorCode::BadUserInput,
                        format!("before: '{}' is not a delivery id", id.as_str()),
                    )
                })
            })
            .transpose()?;
        let first = usize::try_from(first).map_err(|_| {
            gql_error(
                ErrorCode::BadUserInput,
                format!(
                    "first must be between 0 and {} (got {first})",
                    webhooks::MAX_DELIVERIES_PAGE
                ),
            )
        })?;
        webhooks::deliveries(store_of(ctx).as_ref(), &self.0, first, before)
            .await
            .map(|list| list.into_iter().map(WebhookDelivery).collect())
            .map_err(|e| e.into_gql())
    }
}

pub struct WebhookDelivery(Delivery);

/// One change sent (or to be sent) to a webhook, with what came of it.
#[Object]
impl WebhookDelivery {
    /// Increasing; sent as `Tipx-Delivery-Id` (the same on every retry, so a receiver can drop
    /// a delivery it already processed).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The change-log cursor of the change (the subscription's `cursor`).
    async fn cursor(&self) -> String {
        self.0.seq.to_string()
    }

    /// What happened to the record.
    async fn change(&self) -> ChangeKindGql {
        self.0.change.into()
    }

    /// The record's id.
    async fn record_id(&self) -> ID {
        ID(self.0.record_id.to_string())
    }

    /// The record's kind.
    async fn kind(&self) -> RecordKind {
        self.0.kind
    }

    /// Where the delivery stands.
    async fn status(&self) -> DeliveryStatusGql {
        self.0.status.into()
    }

    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts as i32
    }

    /// When the change was queued for this webhook.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last tried.
    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_attempt_at
    }

    /// When it is tried next (pending deliveries only).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt_at
    }

    /// The HTTP status the receiver last answered.
    async fn last_response_status(&self) -> Option<i32> {
        self.0.last_response_status.map(i32::from)
    }

    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When the receiver accepted it (2xx).
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }

    /// The JSON body, exactly as sent.
    async fn payload(&self) -> &str {
        &self.0.payload
    }
}

/// A new webhook.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// `https://…` (or `http://…`), at most 2048 characters; no user name or password.
    pub url: String,
    /// The record kinds to follow; empty or absent for all.
    #[graphql(default)]
    pub kinds: Vec<RecordKind>,
    /// Which records' changes to deliver; absent for all.
    pub filter: Option<RecordFilterInput>,
}

/// A webhook with its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct NewWebhookPayload {
    /// The webhook, as listings show it.
    pub webhook: WebhookGql,
    /// `whsec_…`: verifies the `Tipx-Signature` header of every delivery; never shown again.
    pub secret: String,
}

/// Webhooks, for partner and admin keys.
#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// The key's webhooks (an admin's: every webhook), oldest first.
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<WebhookGql>> {
        webhooks::list_webhooks(store_of(ctx).as_ref(), actor(ctx))
            .await
            .map(|list| list.into_iter().map(WebhookGql).collect())
            .map_err(|e| e.into_gql())
    }

    /// One webhook with its delivery log.
    async fn webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<WebhookGql> {
        webhooks::webhook(store_of(ctx).as_ref(), actor(ctx), id.as_str())
            .await
            .map(WebhookGql)
            .map_err(|e| e.into_gql())
    }
}

/// Registering and deleting webhooks.
#[derive(Default)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Registers a webhook (partner and admin keys; at most 10 per key): every change
    /// committed from now on to a published record matching `kinds` and `filter` is POSTed to
    /// `url`, signed (see the README). The secret is in the answer, this once.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookInput,
    ) -> async_graphql::Result<NewWebhookPayload> {
        let filter = match &input.filter {
            Some(filter) => filter.to_feed_filter(ctx, &input.kinds).await?,
            None => Default::default(),
        };
        let policy = ctx.data_opt::<WebhookPolicy>().copied().unwrap_or_default();
        let store = store_of(ctx).as_ref();
        let (webhook, secret) = webhooks::create_webhook(
            store,
            store,
            actor(ctx),
            NewWebhook {
                url: input.url,
                kinds: input.kinds,
                filter,
            },
            policy,
            random_bytes(ctx)?,
            Utc::now(),
        )
        .await
        .map_err(|e| e.into_gql())?;
        Ok(NewWebhookPayload {
            webhook: WebhookGql(webhook),
            secret,
        })
    }

    /// Deletes a webhook and its delivery log; pending deliveries are not sent.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<WebhookGql> {
        webhooks::delete_webhook(store_of(ctx).as_ref(), actor(ctx), id.as_str())
            .await
            .map(WebhookGql)
            .map_err(|e| e.into_gql())
    }
}
