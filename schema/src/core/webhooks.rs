//! Webhooks: a partner (or an admin) registers a URL with kinds and a filter, and tipx POSTs
//! every matching change of the public change log to it, signed with the webhook's secret.
//!
//! Here are the rules: who may register, list and delete webhooks, what a URL may be, how a
//! delivery is signed and when a failed one is tried again. The server's dispatcher
//! (`api/src/webhooks.rs`) does the IO: it turns change-log entries into deliveries and sends
//! them.
//!
//! A delivery is signed like this (documented for partners in `docs/webhooks.md`):
//! `Tipx-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The receiver
//! recomputes the MAC over the exact body bytes and refuses a timestamp older than a few
//! minutes, so a captured delivery cannot be replayed later.

use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::actor::{Actor, Role};
use super::error::{CoreError, CoreResult};
use crate::ids::RecordId;
use crate::store::{ChangeKind, Changes, RecordFilter, Webhooks};
use crate::vocab::{RecordKind, Vocabulary};

/// What every webhook secret starts with.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";
/// The most webhooks one key may have.
pub const MAX_WEBHOOKS_PER_KEY: usize = 10;
/// The longest URL.
pub const MAX_URL_CHARS: usize = 2_048;
/// The most deliveries one listing returns.
pub const MAX_DELIVERIES_PAGE: usize = 100;
/// The longest wait between two attempts, whatever the backoff says.
pub const MAX_RETRY_WAIT: Duration = Duration::hours(1);
/// The signature header.
pub const SIGNATURE_HEADER: &str = "Tipx-Signature";

/// A registered webhook, with the secret it signs with (never listed through the API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// `whk_` and eight hex digits.
    pub id: String,
    /// The key that registered it; its owner lists and deletes it.
    pub key_id: String,
    /// The key's organisation, for admins' listings.
    pub organisation: String,
    pub url: String,
    /// `whsec_…`: kept, since every delivery is signed with it.
    pub secret: String,
    /// The kinds of records followed; empty for all.
    pub kinds: Vec<RecordKind>,
    pub filter: RecordFilter,
    /// The change-log position when it was registered: changes after it are delivered.
    pub after_seq: i64,
    pub created_at: DateTime<Utc>,
}

/// Where a delivery stands.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Not delivered yet: waiting for its first attempt or for a retry.
    #[default]
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after the last attempt (or the webhook's key was revoked).
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Failed => "FAILED",
        }
    }

    pub fn from_code(code: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One change to send to one webhook, before the store numbers it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewDelivery {
    pub webhook_id: String,
    /// The change-log entry it carries.
    pub seq: i64,
    pub record_id: RecordId,
    pub kind: RecordKind,
    pub change: ChangeKind,
    /// The JSON body, fixed when the change is read (retries send the same bytes).
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

/// A delivery and its log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Numbered by the store, increasing.
    #[serde(skip)]
    pub id: i64,
    pub webhook_id: String,
    pub seq: i64,
    pub record_id: RecordId,
    pub kind: RecordKind,
    pub change: ChangeKind,
    #[serde(skip)]
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status the receiver last answered, if it answered.
    pub last_response_status: Option<u16>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl Delivery {
    /// A new delivery, due at once.
    pub fn new(id: i64, new: NewDelivery) -> Delivery {
        Delivery {
            id,
            webhook_id: new.webhook_id,
            seq: new.seq,
            record_id: new.record_id,
            kind: new.kind,
            change: new.change,
            payload: new.payload,
            created_at: new.created_at,
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: Some(new.created_at),
            last_attempt_at: None,
            last_response_status: None,
            last_error: None,
            delivered_at: None,
        }
    }
}

/// What came of one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver answered this status (2xx is a success).
    Answered(u16),
    /// No answer: connection refused, timeout, a refused address …
    NoAnswer(String),
}

/// How retries are spaced and when to give up.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles after each one, up to [`MAX_RETRY_WAIT`].
    pub base: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// The wait after `failures` failed attempts (1 for the first failure).
    pub fn wait_after(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let millis = self
            .base
            .num_milliseconds()
            .max(1)
            .saturating_mul(1_i64 << doublings);
        Duration::milliseconds(millis).min(MAX_RETRY_WAIT)
    }
}

/// Records an attempt on a delivery: delivered on 2xx; otherwise retried after the policy's
/// wait, or failed when this was the last attempt.
pub fn record_attempt(
    delivery: &mut Delivery,
    outcome: AttemptOutcome,
    policy: &RetryPolicy,
    now: DateTime<Utc>,
) {
    delivery.attempts += 1;
    delivery.last_attempt_at = Some(now);
    let error = match outcome {
        AttemptOutcome::Answered(status) if (200..300).contains(&status) => {
            delivery.last_response_status = Some(status);
            delivery.last_error = None;
            delivery.status = DeliveryStatus::Delivered;
            delivery.delivered_at = Some(now);
            delivery.next_attempt_at = None;
            return;
        }
        AttemptOutcome::Answered(status) => {
            delivery.last_response_status = Some(status);
            format!("the receiver answered HTTP {status}")
        }
        AttemptOutcome::NoAnswer(why) => {
            delivery.last_response_status = None;
            why
        }
    };
    delivery.last_error = Some(error);
    if delivery.attempts >= policy.max_attempts {
        delivery.status = DeliveryStatus::Failed;
        delivery.next_attempt_at = None;
    } else {
        delivery.next_attempt_at = Some(now + policy.wait_after(delivery.attempts));
    }
}

/// Gives a delivery up without an attempt (its webhook's key was revoked).
pub fn give_up(delivery: &mut Delivery, why: &str) {
    delivery.status = DeliveryStatus::Failed;
    delivery.next_attempt_at = None;
    delivery.last_error = Some(why.to_owned());
}

/// The `Tipx-Signature` header value for a body sent at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", mac_hex(secret, timestamp, body))
}

fn mac_hex(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a signature is refused, by [`verify_signature`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureError {
    Malformed,
    /// The timestamp is further from now than the tolerance.
    Expired,
    Mismatch,
}

/// Checks a `Tipx-Signature` header as a receiver would (the Rust twin of the documented
/// examples): the MAC matches and the timestamp is within `tolerance_secs` of `now`.
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut macs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => macs.push(v),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if macs.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance_secs {
        return Err(SignatureError::Expired);
    }
    let expected = mac_hex(secret, timestamp, body);
    // Compared in constant time.
    let same = |mac: &str| {
        mac.len() == expected.len()
            && mac
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    };
    if macs.iter().any(|m| same(m)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Whether an address is one a webhook may not reach (unless the operator allows it): the
/// loopback, private, link-local, shared and unspecified ranges, and their IPv6 kin.
pub fn is_private_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                // Benchmarking, 198.18.0.0/15; reserved, 240.0.0.0/4.
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_address(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                // Unique local fc00::/7, link-local fe80::/10.
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Checks a webhook URL: http or https, a host, no user name or password (they would be
/// stored and shown), no fragment, at most [`MAX_URL_CHARS`]; a host that is a private address
/// or `localhost` only when `allow_private` (names are checked again when a delivery resolves
/// them). Returns the URL as it will be called.
pub fn check_url(raw: &str, allow_private: bool) -> CoreResult<String> {
    let bad = |why: &str| CoreError::BadInput(format!("url: {why}"));
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(bad(&format!("at most {MAX_URL_CHARS} characters")));
    }
    let url = url::Url::parse(raw).map_err(|e| bad(&format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(bad("use https:// (or http://)"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "no user name or password in the URL: deliveries are signed, so the receiver can check them",
        ));
    }
    if url.fragment().is_some() {
        return Err(bad("no #fragment"));
    }
    let private = match url.host() {
        None => return Err(bad("a host is needed")),
        Some(url::Host::Ipv4(ip)) => is_private_address(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private_address(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if private && !allow_private {
        return Err(bad(
            "a private, loopback or link-local address: webhooks call public addresses",
        ));
    }
    Ok(url.to_string())
}

/// What a new webhook is for.
#[derive(Clone, Debug)]
pub struct NewWebhook {
    pub url: String,
    pub kinds: Vec<RecordKind>,
    pub filter: RecordFilter,
}

/// The operator's settings that the rules need.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// Allow private, loopback and link-local targets (tests, a closed network).
    pub allow_private_targets: bool,
}

fn require_webhook_role(actor: &Actor) -> CoreResult<&str> {
    match actor.role {
        Role::Partner | Role::Admin => actor
            .key_id
            .as_deref()
            .ok_or_else(|| CoreError::Forbidden("webhooks are registered with a key".into())),
        Role::Public => Err(CoreError::Unauthenticated(
            "webhooks need a partner or admin key: Authorization: Bearer tipx_…".into(),
        )),
        _ => Err(CoreError::Forbidden(format!(
            "a {} key may not manage webhooks: partner and admin keys may",
            actor.role.code().to_lowercase()
        ))),
    }
}

/// Registers a webhook. `random` is 36 bytes from the operating system (32 for the secret, 4
/// for the id). Changes committed after this call are delivered.
pub async fn create_webhook(
    store: &dyn Webhooks,
    changes: &dyn Changes,
    actor: &Actor,
    new: NewWebhook,
    policy: WebhookPolicy,
    random: [u8; 36],
    now: DateTime<Utc>,
) -> CoreResult<(Webhook, String)> {
    let key_id = require_webhook_role(actor)?.to_owned();
    let url = check_url(&new.url, policy.allow_private_targets)?;
    let mine = store.list_webhooks(Some(&key_id)).await?;
    if mine.len() >= MAX_WEBHOOKS_PER_KEY {
        return Err(CoreError::BadInput(format!(
            "a key may have at most {MAX_WEBHOOKS_PER_KEY} webhooks: delete one first"
        )));
    }
    let mut kinds = new.kinds;
    kinds.sort_by_key(|k| k.code());
    kinds.dedup();
    let secret = format!(
        "{WEBHOOK_SECRET_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(&random[..32])
    );
    let hook = Webhook {
        id: format!(
            "whk_{:02x}{:02x}{:02x}{:02x}",
            random[32], random[33], random[34], random[35]
        ),
        key_id,
        organisation: actor.organisation_name().to_owned(),
        url,
        secret: secret.clone(),
        kinds,
        filter: new.filter,
        after_seq: changes.changes_head(None).await?,
        created_at: now,
    };
    store.insert_webhook(&hook).await?;
    Ok((hook, secret))
}

/// The webhooks an actor may see: a partner its own key's, an admin every one.
pub async fn list_webhooks(store: &dyn Webhooks, actor: &Actor) -> CoreResult<Vec<Webhook>> {
    let key_id = require_webhook_role(actor)?;
    let scope = (actor.role != Role::Admin).then_some(key_id);
    Ok(store.list_webhooks(scope).await?)
}

/// One webhook the actor may see; `NOT_FOUND` for another key's (not `FORBIDDEN`: its
/// existence is not the partner's business).
pub async fn webhook(store: &dyn Webhooks, actor: &Actor, id: &str) -> CoreResult<Webhook> {
    list_webhooks(store, actor)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| CoreError::NotFound(format!("no webhook with id '{id}'")))
}

/// Deletes a webhook and its delivery log; pending deliveries are not sent.
pub async fn delete_webhook(store: &dyn Webhooks, actor: &Actor, id: &str) -> CoreResult<Webhook> {
    let hook = webhook(store, actor, id).await?;
    store.delete_webhook(&hook.id).await?;
    Ok(hook)
}

/// A webhook's deliveries, newest first: at most `first` (up to [`MAX_DELIVERIES_PAGE`])
/// numbered below `before`.
pub async fn deliveries(
    store: &dyn Webhooks,
    hook: &Webhook,
    first: usize,
    before: Option<i64>,
) -> CoreResult<Vec<Delivery>> {
    if first > MAX_DELIVERIES_PAGE {
        return Err(CoreError::BadInput(format!(
            "first must be between 0 and {MAX_DELIVERIES_PAGE} (got {first})"
        )));
    }
    Ok(store.deliveries(&hook.id, before, first).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_or_old_timestamp_does_not() {
        let body = br#"{"change":"PUBLISHED"}"#;
        let header = signature("whsec_abc", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(
            verify_signature("whsec_abc", &header, body, 1_700_000_100, 300),
            Ok(())
        );
        assert_eq!(
            verify_signature("whsec_abc", &header, b"{}", 1_700_000_100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature("whsec_other", &header, body, 1_700_000_100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature("whsec_abc", &header, body, 1_700_000_301, 300),
            Err(SignatureError::Expired)
        );
        assert_eq!(
            verify_signature("whsec_abc", "v1=00", body, 1_700_000_000, 300),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn the_mac_is_the_one_python_computes() {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test',
        //   b'1700000000.{\"change\":\"PUBLISHED\"}', hashlib.sha256).hexdigest())"
        assert_eq!(
            signature("whsec_test", 1_700_000_000, br#"{"change":"PUBLISHED"}"#),
            "t=1700000000,v1=2314bb70e94621aeb1a7aaff08f24e61578a86a14c6c3b83bbbccbbacc43878b"
        );
    }

    #[test]
    fn retries_double_up_to_an_hour_and_stop_at_the_limit() {
        let policy = RetryPolicy {
            base: Duration::seconds(10),
            max_attempts: 3,
        };
        assert_eq!(policy.wait_after(1), Duration::seconds(10));
        assert_eq!(policy.wait_after(2), Duration::seconds(20));
        assert_eq!(policy.wait_after(3), Duration::seconds(40));
        assert_eq!(policy.wait_after(40), MAX_RETRY_WAIT);
        let now = Utc::now();
        let mut d = Delivery::new(
            1,
            NewDelivery {
                webhook_id: "whk_00000001".into(),
                seq: 7,
                record_id: RecordId::parse("practice-ng-example").unwrap(),
                kind: RecordKind::Practice,
                change: ChangeKind::Published,
                payload: "{}".into(),
                created_at: now,
            },
        );
        record_attempt(&mut d, AttemptOutcome::Answered(500), &policy, now);
        assert_eq!(d.status, DeliveryStatus::Pending);
        assert_eq!(d.next_attempt_at, Some(now + Duration::seconds(10)));
        assert_eq!(d.last_response_status, Some(500));
        record_attempt(
            &mut d,
            AttemptOutcome::NoAnswer("timed out".into()),
            &policy,
            now,
        );
        assert_eq!(d.status, DeliveryStatus::Pending);
        assert_eq!(d.last_response_status, None);
        record_attempt(&mut d, AttemptOutcome::Answered(503), &policy, now);
        assert_eq!(d.status, DeliveryStatus::Failed);
        assert_eq!(d.attempts, 3);
        assert_eq!(d.next_attempt_at, None);
        let mut ok = d.clone();
        ok.status = DeliveryStatus::Pending;
        record_attempt(&mut ok, AttemptOutcome::Answered(204), &policy, now);
        assert_eq!(ok.status, DeliveryStatus::Delivered);
        assert_eq!(ok.last_error, None);
    }

    #[test]
    fn urls_are_checked() {
        assert_eq!(
            check_url(" https://partner.example.org/hooks/tipx ", false).unwrap(),
            "https://partner.example.org/hooks/tipx"
        );
        for bad in [
            "ftp://partner.example.org/",
            "https://user:pw@partner.example.org/",
            "https://partner.example.org/#x",
            "not a url",
            "http://127.0.0.1:9000/",
            "http://localhost/",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:192.168.0.1]/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad} accepted");
        }
        assert!(check_url("http://127.0.0.1:9000/", true).is_ok());
        let long = format!("https://partner.example.org/{}", "a".repeat(MAX_URL_CHARS));
        assert!(check_url(&long, false).is_err());
    }
}
