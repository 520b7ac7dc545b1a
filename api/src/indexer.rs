//! The indexer: drains the store's outbox into the search backend.
//!
//! Every write of a record adds an outbox row in the same transaction, so a change can never
//! miss the index: if the backend is down, rows wait and the indexer retries with backoff
//! until it answers again. The index is derived data; `tipx reindex` rebuilds it from the store.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use tipx_schema::ids::{CountryCode, RecordId};
use tipx_schema::model::Record;
use tipx_schema::search::{Progress, SearchBackend, SearchDoc};
use tipx_schema::store::{HeldLock, PageRequest, RecordFilter, Store};
use tipx_schema::vocab::{RecordKind, RecordStatus, Vocabulary};

/// Outbox entries applied per batch: one store read, one write to the backend.
const BATCH: usize = 2_000;
/// Per batch while catching up with a large backlog: fewer, larger writes, which a server
/// such as Meilisearch indexes in fewer passes.
const BULK_BATCH: usize = 20_000;
/// How often the draining node looks for changes written by other nodes (its own writes wake
/// it at once).
const IDLE_POLL: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Builds search documents for records, loading their countries in one call.
pub async fn documents(store: &dyn Store, records: &[Record]) -> anyhow::Result<Vec<SearchDoc>> {
    let mut codes: Vec<CountryCode> = records.iter().flat_map(Record::countries).collect();
    codes.sort();
    codes.dedup();
    let countries = store.countries(&codes).await?;
    Ok(records
        .iter()
        .map(|r| SearchDoc::from_record(r, &countries))
        .collect())
}

/// Applies one batch of the outbox. Returns how many entries it applied (0 when empty).
pub async fn drain_once(store: &dyn Store, search: &dyn SearchBackend) -> anyhow::Result<usize> {
    drain_batch(store, search, BATCH).await
}

/// Applies up to `limit` outbox entries in one batch.
async fn drain_batch(
    store: &dyn Store,
    search: &dyn SearchBackend,
    limit: usize,
) -> anyhow::Result<usize> {
    let entries = store.outbox_pending(limit).await?;
    if entries.is_empty() {
        return Ok(0);
    }
    let ids: Vec<RecordId> = entries
        .iter()
        .map(|e| e.record_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let records = store.records_any_status(&ids).await?;
    let published: Vec<Record> = records
        .into_iter()
        .map(|(record, _)| record)
        .filter(|r| r.meta().status == RecordStatus::Published)
        .collect();
    let keep: HashSet<&RecordId> = published.iter().map(Record::id).collect();
    let removed: Vec<String> = ids
        .iter()
        .filter(|id| !keep.contains(id))
        .map(|id| id.to_string())
        .collect();
    let docs = documents(store, &published).await?;
    if !docs.is_empty() {
        search.upsert(&docs).await?;
    }
    if !removed.is_empty() {
        search.delete(&removed).await?;
    }
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    store.outbox_ack(&seqs).await?;
    tracing::debug!(
        upserted = docs.len(),
        removed = removed.len(),
        "outbox batch indexed"
    );
    Ok(entries.len())
}

/// A backlog this large (a full index at start, a bulk import) is reported as catching up:
/// in the log with progress, and in `/health`.
pub const CATCHING_UP_PENDING: u64 = 1_000;
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// Progress through a large backlog, for the log.
struct Backlog {
    started: Instant,
    total: u64,
    applied: u64,
    last_report: Instant,
}

impl Backlog {
    /// Starts following a backlog when the outbox holds a large one after a batch.
    async fn start(store: &dyn Store, applied: usize) -> Option<Backlog> {
        let pending = store.outbox_stats().await.ok()?.pending;
        if pending < CATCHING_UP_PENDING {
            return None;
        }
        let total = pending + applied as u64;
        tracing::info!(
            pending = total,
            "search index catching up: {total} changes to apply"
        );
        let now = Instant::now();
        Some(Backlog {
            started: now,
            total,
            applied: applied as u64,
            last_report: now,
        })
    }

    fn applied(&mut self, n: usize) {
        self.applied += n as u64;
        if self.last_report.elapsed() >= PROGRESS_EVERY {
            self.last_report = Instant::now();
            let rate = self.applied as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            tracing::info!(
                applied = self.applied,
                total = self.total,
                per_second = rate as u64,
                "search index catching up: {} of {} ({:.0}%)",
                self.applied,
                self.total,
                100.0 * self.applied as f64 / self.total.max(1) as f64
            );
        }
    }

    fn done(self) {
        tracing::info!(
            applied = self.applied,
            seconds = self.started.elapsed().as_secs_f64(),
            "search index caught up: {} changes in {:.1} s",
            self.applied,
            self.started.elapsed().as_secs_f64()
        );
    }
}

/// The lock a node holds while it drains the outbox: with several nodes on one store, one
/// applies changes at a time, in order; when it dies, its lock goes with it and another takes
/// over.
pub const OUTBOX_LOCK: &str = "outbox";
/// A node lets the lock go after this long with nothing to apply, so that `tipx reindex`,
/// or another node, can take it.
const RELEASE_WHEN_IDLE: Duration = Duration::from_secs(10);

/// Runs until the process ends: takes the outbox lock, drains the outbox, waits for a wake-up
/// or a poll interval, backs off exponentially while the backend fails. A large backlog is
/// reported with progress. `draining` says whether this node holds the lock.
pub async fn run(
    store: Arc<dyn Store>,
    search: Arc<dyn SearchBackend>,
    wake: Arc<Notify>,
    draining: Arc<AtomicBool>,
) {
    let mut backoff = Duration::from_millis(250);
    let mut backlog: Option<Backlog> = None;
    let mut unsettled = false;
    let mut lease: Option<Box<dyn HeldLock>> = None;
    let mut idle_since = Instant::now();
    loop {
        let held = match &lease {
            Some(l) => l.still_held().await,
            None => false,
        };
        if !held {
            if lease.take().is_some() {
                tracing::warn!(
                    "lost the outbox lock (database connection closed); another node may drain now"
                );
            }
            draining.store(false, Ordering::Relaxed);
            // Waits while another node drains (on its own connection, so it costs nothing);
            // PostgreSQL hands the lock over the moment that node lets go or dies.
            match store.lock(OUTBOX_LOCK).await {
                Ok(l) => {
                    tracing::debug!("this node applies the outbox to the search index");
                    lease = Some(l);
                    idle_since = Instant::now();
                }
                Err(err) => {
                    tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "cannot take the outbox lock; will retry");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            }
        }
        draining.store(true, Ordering::Relaxed);
        let limit = if backlog.is_some() { BULK_BATCH } else { BATCH };
        match drain_batch(store.as_ref(), search.as_ref(), limit).await {
            Ok(0) => {
                backoff = Duration::from_millis(250);
                if unsettled {
                    // Every change is in: let the backend tidy up before the next writes.
                    match search.settle().await {
                        Ok(()) => unsettled = false,
                        Err(e) => tracing::warn!(error = %e, "tidying the search index failed"),
                    }
                }
                if let Some(b) = backlog.take() {
                    b.done();
                }
                if !unsettled && idle_since.elapsed() >= RELEASE_WHEN_IDLE {
                    lease = None;
                    draining.store(false, Ordering::Relaxed);
                }
                let _ = tokio::time::timeout(IDLE_POLL, wake.notified()).await;
            }
            Ok(n) => {
                backoff = Duration::from_millis(250);
                unsettled = true;
                idle_since = Instant::now();
                match backlog.as_mut() {
                    Some(b) => b.applied(n),
                    None => backlog = Backlog::start(store.as_ref(), n).await,
                }
            }
            Err(err) => {
                tracing::warn!(error = %format!("{err:#}"), retry_in_ms = backoff.as_millis() as u64, backend = search.name(), "indexing failed; will retry");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// How many published records there are.
pub async fn published_count(store: &dyn Store) -> anyhow::Result<u64> {
    let mut total = 0;
    for kind in RecordKind::all() {
        total += store
            .list_records(
                *kind,
                &RecordFilter::default(),
                &PageRequest {
                    first: 0,
                    after: None,
                },
            )
            .await?
            .total_count;
    }
    Ok(total)
}

/// Every published record, page by page.
pub async fn all_published(store: &dyn Store) -> anyhow::Result<Vec<Record>> {
    let mut out = Vec::new();
    for kind in RecordKind::all() {
        let mut after = None;
        loop {
            let page = store
                .list_records(
                    *kind,
                    &RecordFilter::default(),
                    &PageRequest {
                        first: 1_000,
                        after: after.clone(),
                    },
                )
                .await?;
            after = page.records.last().map(|r| r.id().clone());
            out.extend(page.records);
            if !page.has_next_page {
                break;
            }
        }
    }
    Ok(out)
}

/// Rebuilds the whole index from the store (built aside, then swapped in). Outbox entries
/// present before the rebuild started are covered by it and acknowledged.
pub async fn rebuild(
    store: &dyn Store,
    search: &dyn SearchBackend,
    progress: Progress<'_>,
) -> anyhow::Result<usize> {
    // No node may apply changes meanwhile: they would be acknowledged below unapplied.
    let lock = match store.try_lock(OUTBOX_LOCK).await? {
        Some(lock) => lock,
        None => {
            tracing::info!("waiting for the node that drains the outbox to let it go (at most a few seconds once it is idle)");
            store.lock(OUTBOX_LOCK).await?
        }
    };
    let pending = store.outbox_pending(usize::MAX >> 1).await?;
    let records = all_published(store).await?;
    let docs = documents(store, &records).await?;
    let n = docs.len();
    search.rebuild(docs, progress).await?;
    store
        .outbox_ack(&pending.iter().map(|e| e.seq).collect::<Vec<_>>())
        .await?;
    drop(lock);
    Ok(n)
}
