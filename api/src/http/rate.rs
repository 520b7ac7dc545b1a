//! Rate limits on `/graphql`: token buckets (GCRA, the `governor` crate) per key, or per client
//! address for requests without a key; writes (mutations) have their own, smaller bucket per
//! key; failed key attempts a still smaller one per address, which, once empty, refuses that
//! address's keyed requests until it refills, before any key is looked up.
//!
//! A refused request gets `429` with `Retry-After` (seconds) and the `RateLimit-Policy` /
//! `RateLimit` headers of the IETF draft, and the code `RATE_LIMITED`. Every answer counted by
//! a bucket carries `RateLimit` too, so a partner sees how much it has left.
//!
//! The buckets are in memory, per node: behind a load balancer that spreads one client over N
//! nodes, the client gets up to N times the limit. That keeps nodes free of shared state; put
//! a limit at the load balancer when that matters.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use warp::http::{HeaderMap, HeaderValue};

use crate::config::RateLimitSettings;

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Which bucket a request is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    Reads,
    Writes,
    FailedKeys,
}

impl Bucket {
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Reads => "reads",
            Bucket::Writes => "writes",
            Bucket::FailedKeys => "failed_keys",
        }
    }
}

/// A request over its limit: how long until it may try again.
#[derive(Clone, Copy, Debug)]
pub struct Refused {
    pub bucket: Bucket,
    pub limit: u32,
    pub retry_after: Duration,
}

/// What a counted request may still do in its bucket's window.
#[derive(Clone, Copy, Debug)]
pub struct Allowed {
    pub limit: u32,
    pub remaining: u32,
}

struct One {
    limiter: Limiter,
    per_minute: u32,
}

impl One {
    fn new(per_minute: u32, burst: u32) -> Option<One> {
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new(burst.max(1))?;
        Some(One {
            limiter: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
                .with_middleware::<StateInformationMiddleware>(),
            per_minute,
        })
    }

    fn check(&self, bucket: Bucket, key: &str) -> Result<Allowed, Refused> {
        match self.limiter.check_key(&key.to_owned()) {
            Ok(snapshot) => Ok(Allowed {
                limit: self.per_minute,
                remaining: snapshot.remaining_burst_capacity(),
            }),
            Err(not_until) => Err(Refused {
                bucket,
                limit: self.per_minute,
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            }),
        }
    }
}

/// Every bucket of a node, and the addresses refused for too many failed keys.
pub struct RateLimits {
    reads: Option<One>,
    writes: Option<One>,
    failed_keys: Option<One>,
    blocked: std::sync::Mutex<std::collections::HashMap<IpAddr, Instant>>,
    trusted_header: Option<String>,
    refused: [AtomicU64; 3],
}

impl RateLimits {
    /// The node's limits; `None` when they are switched off.
    pub fn new(settings: &RateLimitSettings) -> Option<Arc<RateLimits>> {
        if !settings.enabled {
            return None;
        }
        Some(Arc::new(RateLimits {
            reads: One::new(settings.reads_per_minute, settings.burst),
            writes: One::new(
                settings.writes_per_minute,
                settings.writes_per_minute.min(settings.burst),
            ),
            failed_keys: One::new(
                settings.failed_keys_per_minute,
                settings.failed_keys_per_minute,
            ),
            blocked: Default::default(),
            trusted_header: Some(settings.client_ip_header.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty()),
            refused: Default::default(),
        }))
    }

    /// The client's address: the trusted proxy header's first address when one is configured
    /// and present, else the connection's.
    pub fn client(&self, remote: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        if let Some(name) = &self.trusted_header {
            let from_header = headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if from_header.is_some() {
                return from_header;
            }
        }
        remote.map(|a| a.ip())
    }

    fn count_refusal(&self, refused: Refused) -> Refused {
        let i = match refused.bucket {
            Bucket::Reads => 0,
            Bucket::Writes => 1,
            Bucket::FailedKeys => 2,
        };
        self.refused[i].fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            bucket = refused.bucket.name(),
            retry_after_secs = refused.retry_after.as_secs_f64(),
            "request refused: rate limit"
        );
        refused
    }

    /// Whether `client` is refused for failed keys right now (nothing is counted).
    pub fn blocked(&self, client: Option<IpAddr>) -> Option<Refused> {
        let client = client?;
        let limit = self.failed_keys.as_ref()?.per_minute;
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        let until = *blocked.get(&client)?;
        let now = Instant::now();
        if until <= now {
            blocked.remove(&client);
            return None;
        }
        Some(self.count_refusal(Refused {
            bucket: Bucket::FailedKeys,
            limit,
            retry_after: until - now,
        }))
    }

    /// Counts a failed key from `client`; past the limit, the address is refused until the
    /// bucket refills.
    pub fn failed_key(&self, client: Option<IpAddr>) {
        let (Some(client), Some(one)) = (client, &self.failed_keys) else {
            return;
        };
        if let Err(refused) = one.check(Bucket::FailedKeys, &client.to_string()) {
            let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
            blocked.insert(client, Instant::now() + refused.retry_after);
        }
    }

    /// Counts a request: by its key, or by its client address without one; a write also in
    /// the key's write bucket.
    pub fn check(
        &self,
        key_id: Option<&str>,
        client: Option<IpAddr>,
        write: bool,
    ) -> Result<Option<Allowed>, Refused> {
        let who = match (key_id, client) {
            (Some(id), _) => format!("key:{id}"),
            (None, Some(ip)) => format!("ip:{ip}"),
            (None, None) => return Ok(None),
        };
        let reads = match &self.reads {
            Some(one) => Some(
                one.check(Bucket::Reads, &who)
                    .map_err(|r| self.count_refusal(r))?,
            ),
            None => None,
        };
        if write {
            if let Some(one) = &self.writes {
                return one
                    .check(Bucket::Writes, &who)
                    .map(Some)
                    .map_err(|r| self.count_refusal(r));
            }
        }
        Ok(reads)
    }

    /// Refusals so far per bucket, for `/metrics`.
    pub fn refusals(&self) -> [(&'static str, u64); 3] {
        [
            ("reads", self.refused[0].load(Ordering::Relaxed)),
            ("writes", self.refused[1].load(Ordering::Relaxed)),
            ("failed_keys", self.refused[2].load(Ordering::Relaxed)),
        ]
    }

    /// Forgets buckets that are full again and addresses no longer refused, so memory follows
    /// the clients of the last minutes, not every client ever seen.
    pub fn forget_idle(&self) {
        for one in [&self.reads, &self.writes, &self.failed_keys]
            .into_iter()
            .flatten()
        {
            one.limiter.retain_recent();
            one.limiter.shrink_to_fit();
        }
        let now = Instant::now();
        self.blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, until| *until > now);
    }
}

/// `RateLimit-Policy` and `RateLimit` headers (IETF draft "RateLimit header fields for HTTP").
pub fn set_headers(headers: &mut HeaderMap, limit: u32, remaining: u32, reset: Duration) {
    let policy = format!("{limit};w=60");
    let state = format!(
        "limit={limit}, remaining={remaining}, reset={}",
        reset.as_secs()
    );
    for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// The headers of a refused request: `Retry-After` in whole seconds (at least 1).
pub fn set_refused_headers(headers: &mut HeaderMap, refused: &Refused) {
    let secs = refused.retry_after.as_secs() + u64::from(refused.retry_after.subsec_nanos() > 0);
    let secs = secs.max(1);
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        headers.insert(warp::http::header::RETRY_AFTER, v);
    }
    set_headers(headers, refused.limit, 0, Duration::from_secs(secs));
}
