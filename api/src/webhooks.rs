//! The webhook dispatcher: turns the store's public change log into deliveries, and sends them.
//!
//! One node dispatches at a time (the store's `webhooks` lock; another takes over when it
//! dies). Each round it reads the change log after its position, adds a delivery for every
//! webhook whose kinds and filter match a change (with the position, in one transaction: a
//! change is never queued twice nor skipped), then POSTs the deliveries that are due, signed
//! with each webhook's secret, and records what came of each attempt: delivered on 2xx,
//! otherwise tried again after a doubling wait, and marked failed after the last attempt. The
//! log holds only committed changes, so a receiver never hears of a change that was rolled
//! back.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use serde_json::json;

use tipx_schema::core::feed::{events, FeedEvent};
use tipx_schema::core::privacy::SmallCounts;
use tipx_schema::core::webhooks::{
    check_url, give_up, is_private_address, record_attempt, signature, AttemptOutcome, Delivery,
    NewDelivery, RetryPolicy, Webhook, SIGNATURE_HEADER,
};
use tipx_schema::store::{HeldLock, Store};
use tipx_schema::vocab::Vocabulary;

use crate::config::WebhookSettings;
use crate::export::record_json;

/// The lock the dispatching node holds.
pub const WEBHOOKS_LOCK: &str = "webhooks";
/// How often the dispatcher looks for new changes and due retries when idle.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Change-log entries read per round.
const LOG_BATCH: usize = 500;
/// Deliveries sent per round, and at most this many at once.
const SEND_BATCH: usize = 64;
const SEND_CONCURRENCY: usize = 8;
/// The longest error text kept in a delivery's log.
const MAX_ERROR_CHARS: usize = 300;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Sends deliveries.
pub struct Dispatcher {
    store: Arc<dyn Store>,
    client: reqwest::Client,
    retry: RetryPolicy,
    allow_private: bool,
    privacy: SmallCounts,
}

impl Dispatcher {
    pub fn new(
        store: Arc<dyn Store>,
        settings: &WebhookSettings,
        privacy: SmallCounts,
    ) -> anyhow::Result<Dispatcher> {
        let mut client = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
            .connect_timeout(Duration::from_secs(settings.timeout_secs.clamp(1, 10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("tipx/", env!("CARGO_PKG_VERSION"), " webhooks"));
        if !settings.allow_private_targets {
            client = client.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Dispatcher {
            store,
            client: client.build()?,
            retry: RetryPolicy {
                base: chrono::Duration::milliseconds(settings.retry_base_ms as i64),
                max_attempts: settings.max_attempts.max(1),
            },
            allow_private: settings.allow_private_targets,
            privacy,
        })
    }

    /// One round: queues deliveries for new changes, then sends the due ones. Returns whether
    /// there was anything to do (the caller polls again at once when there was).
    pub async fn round(&self) -> anyhow::Result<bool> {
        let queued = self.queue_new_changes().await?;
        let sent = self.send_due().await?;
        Ok(queued || sent)
    }

    /// Reads the change log after the dispatcher's position and queues a delivery for every
    /// matching webhook. Returns whether it read a full batch (more may be waiting).
    async fn queue_new_changes(&self) -> anyhow::Result<bool> {
        let hooks = self.store.list_webhooks(None).await?;
        let Some(oldest) = hooks.iter().map(|h| h.after_seq).min() else {
            // No webhook: nothing to follow (a new one starts from the log's head).
            return Ok(false);
        };
        let position = self.store.webhook_position().await?.unwrap_or(0);
        let start = position.max(oldest);
        let changes = self.store.changes_since(start, LOG_BATCH).await?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            return Ok(false);
        };
        let full = changes.len() == LOG_BATCH;
        let revoked = self.revoked_keys().await?;
        let live: Vec<&Webhook> = hooks
            .iter()
            .filter(|h| !revoked.contains(&h.key_id))
            .collect();
        let now = Utc::now();
        let mut new = Vec::new();
        for event in events(self.store.as_ref(), changes).await? {
            for hook in &live {
                if event.change.seq > hook.after_seq && event.matches(&hook.kinds, &hook.filter) {
                    new.push(NewDelivery {
                        webhook_id: hook.id.clone(),
                        seq: event.change.seq,
                        record_id: event.change.record_id.clone(),
                        kind: event.change.kind,
                        change: event.change.change,
                        payload: self.payload(hook, &event),
                        created_at: now,
                    });
                }
            }
        }
        if !new.is_empty() {
            tracing::debug!(
                deliveries = new.len(),
                position = last,
                "webhook deliveries queued"
            );
        }
        self.store.enqueue_deliveries(&new, last).await?;
        Ok(full)
    }

    /// The JSON body of a delivery: the change, and the record as the public now sees it
    /// (the export's row; null after a retraction).
    fn payload(&self, hook: &Webhook, event: &FeedEvent) -> String {
        let c = &event.change;
        json!({
            "webhookId": hook.id,
            "cursor": c.seq.to_string(),
            "change": c.change.code(),
            "recordId": c.record_id.as_str(),
            "kind": c.kind.code(),
            "version": c.version,
            "at": c.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "record": event.public_record().map(|r| record_json(r, self.privacy)),
        })
        .to_string()
    }

    async fn revoked_keys(&self) -> anyhow::Result<HashSet<String>> {
        Ok(self
            .store
            .list_keys()
            .await?
            .into_iter()
            .filter(|k| k.revoked_at.is_some())
            .map(|k| k.id)
            .collect())
    }

    /// Sends the deliveries that are due. Returns whether there were any.
    async fn send_due(&self) -> anyhow::Result<bool> {
        let due = self.store.due_deliveries(Utc::now(), SEND_BATCH).await?;
        if due.is_empty() {
            return Ok(false);
        }
        let revoked = self.revoked_keys().await?;
        let results: Vec<anyhow::Result<()>> = futures::stream::iter(due)
            .map(|(mut delivery, hook)| {
                let revoked = revoked.contains(&hook.key_id);
                async move {
                    if revoked {
                        give_up(
                            &mut delivery,
                            "the key that registered the webhook was revoked",
                        );
                    } else {
                        let outcome = self.attempt(&delivery, &hook).await;
                        record_attempt(&mut delivery, outcome, &self.retry, Utc::now());
                    }
                    tracing::debug!(
                        delivery = delivery.id,
                        webhook = %hook.id,
                        status = delivery.status.code(),
                        attempts = delivery.attempts,
                        error = delivery.last_error.as_deref().unwrap_or(""),
                        "webhook delivery attempted"
                    );
                    match self.store.update_delivery(&delivery).await {
                        // The webhook was deleted meanwhile: its log went with it.
                        Err(tipx_schema::error::StoreError::NotFound(_)) => Ok(()),
                        other => other.map_err(anyhow::Error::from),
                    }
                }
            })
            .buffer_unordered(SEND_CONCURRENCY)
            .collect()
            .await;
        results.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
        Ok(true)
    }

    /// POSTs one delivery.
    async fn attempt(&self, delivery: &Delivery, hook: &Webhook) -> AttemptOutcome {
        // Checked again at every attempt: the operator may have closed private targets since.
        if let Err(err) = check_url(&hook.url, self.allow_private) {
            return AttemptOutcome::NoAnswer(format!("not sent: {err}"));
        }
        let timestamp = Utc::now().timestamp();
        let request = self
            .client
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                SIGNATURE_HEADER,
                signature(&hook.secret, timestamp, delivery.payload.as_bytes()),
            )
            .header("Tipx-Delivery-Id", delivery.id.to_string())
            .header("Tipx-Webhook-Id", &hook.id)
            .header("Tipx-Change", delivery.change.code())
            .body(delivery.payload.clone());
        match request.send().await {
            Ok(response) => AttemptOutcome::Answered(response.status().as_u16()),
            Err(err) => AttemptOutcome::NoAnswer(describe(&err)),
        }
    }
}

/// A transport error in words, with its causes, kept short.
fn describe(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "no answer in time"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = what.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(MAX_ERROR_CHARS).collect()
}

/// Resolves names to public addresses only, so that a webhook cannot reach the servers
/// beside tipx (a cloud metadata service, a database) through a name that points at them.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_private_address(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!(
                    "{host} has no public address (private targets are not allowed: webhooks.allow_private_targets)"
                )
                .into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Runs until the task is aborted: takes the webhooks lock (waiting while another node holds
/// it), then dispatches, polling every [`POLL_INTERVAL`] when idle and backing off while the
/// store fails.
pub async fn run(dispatcher: Dispatcher) {
    let mut lease: Option<Box<dyn HeldLock>> = None;
    let mut backoff = Duration::from_millis(250);
    loop {
        let held = match &lease {
            Some(l) => l.still_held().await,
            None => false,
        };
        if !held {
            if lease.take().is_some() {
                tracing::warn!("lost the webhooks lock; another node may dispatch now");
            }
            match dispatcher.store.lock(WEBHOOKS_LOCK).await {
                Ok(l) => {
                    tracing::debug!("this node dispatches webhooks");
                    lease = Some(l);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "cannot take the webhooks lock; will retry");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            }
        }
        match dispatcher.round().await {
            Ok(true) => backoff = Duration::from_millis(250),
            Ok(false) => {
                backoff = Duration::from_millis(250);
                tokio::time::sleep(POLL_INTERVAL).await;
            }
            Err(err) => {
                tracing::warn!(error = %format!("{err:#}"), retry_in_ms = backoff.as_millis() as u64, "webhook dispatch failed; will retry");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}
