//! A store wrapper that counts calls per method, served at `/metrics`.
//!
//! The counts make the DataLoader guarantee observable from outside: a page of 100 practices
//! with their countries must cost a constant number of store calls, and a test checks it
//! through the same endpoint an operator's Prometheus would scrape.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;

use tipx_schema::core::history::HistoryEntry;
use tipx_schema::core::keys::ApiKey;
use tipx_schema::core::webhooks::{Delivery, NewDelivery, Webhook};
use tipx_schema::error::StoreResult;
use tipx_schema::ids::{CountryCode, M49Code, RecordId};
use tipx_schema::model::{Country, Instrument, Ratification, Record, Region};
use tipx_schema::store::Webhooks;
use tipx_schema::store::{
    Audit, Bookkeeping, Keys, Origin, Outbox, OutboxEntry, OutboxStats, PageRequest, RecordFilter,
    RecordPage, RecordWrite, RecordsRead, RecordsWrite, ReferenceData, RevisionFilter,
    RevisionPage, SeedData, Store,
};
use tipx_schema::store::{
    Changes, HeldLock, LiveNode, Locks, NodeInfo, Nodes, RecordChange, StoreDump, Transfer,
};
use tipx_schema::vocab::RecordKind;

macro_rules! methods {
    ($($name:ident),+ $(,)?) => {
        /// Call counters, one per store method.
        #[derive(Default)]
        pub struct StoreCalls {
            $(pub $name: AtomicU64,)+
        }

        impl StoreCalls {
            /// `(method, calls)` pairs in declaration order.
            pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
                vec![$((stringify!($name), self.$name.load(Ordering::Relaxed)),)+]
            }
        }
    };
}

methods!(
    ping,
    countries,
    countries_by_alpha3,
    list_countries,
    regions,
    instruments,
    ratifications,
    records,
    list_records,
    record_counts,
    first_years,
    records_any_status,
    revisions,
    list_revisions,
    write_records,
    import_seed,
    history,
    insert_key,
    key_by_hash,
    list_keys,
    revoke_key,
    replace_key_secret,
    outbox_pending,
    outbox_ack,
    outbox_stats,
    changes_since,
    changes_head,
    outbox_enqueue_all,
    get_meta,
    set_meta,
    next_in_sequence,
    lock,
    try_lock,
    node_heartbeat,
    live_nodes,
    node_leave,
    dump,
    restore,
    insert_webhook,
    list_webhooks,
    delete_webhook,
    enqueue_deliveries,
    webhook_position,
    due_deliveries,
    update_delivery,
    deliveries,
);

/// Wraps a store and counts its calls.
pub struct CountingStore {
    inner: Box<dyn Store>,
    calls: Arc<StoreCalls>,
}

impl CountingStore {
    pub fn new(inner: impl Store) -> Self {
        CountingStore {
            inner: Box::new(inner),
            calls: Arc::default(),
        }
    }

    pub fn calls(&self) -> Arc<StoreCalls> {
        self.calls.clone()
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

#[async_trait]
impl Store for CountingStore {
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }
    async fn ping(&self) -> StoreResult<()> {
        bump(&self.calls.ping);
        self.inner.ping().await
    }
}

#[async_trait]
impl ReferenceData for CountingStore {
    async fn countries(&self, codes: &[CountryCode]) -> StoreResult<Vec<Country>> {
        bump(&self.calls.countries);
        self.inner.countries(codes).await
    }
    async fn countries_by_alpha3(&self, codes: &[String]) -> StoreResult<Vec<Country>> {
        bump(&self.calls.countries_by_alpha3);
        self.inner.countries_by_alpha3(codes).await
    }
    async fn list_countries(&self, region: Option<&M49Code>) -> StoreResult<Vec<Country>> {
        bump(&self.calls.list_countries);
        self.inner.list_countries(region).await
    }
    async fn regions(&self) -> StoreResult<Vec<Region>> {
        bump(&self.calls.regions);
        self.inner.regions().await
    }
    async fn instruments(&self) -> StoreResult<Vec<Instrument>> {
        bump(&self.calls.instruments);
        self.inner.instruments().await
    }
    async fn ratifications(&self, countries: &[CountryCode]) -> StoreResult<Vec<Ratification>> {
        bump(&self.calls.ratifications);
        self.inner.ratifications(countries).await
    }
}

#[async_trait]
impl RecordsRead for CountingStore {
    async fn records(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>> {
        bump(&self.calls.records);
        self.inner.records(ids).await
    }
    async fn list_records(
        &self,
        kind: RecordKind,
        filter: &RecordFilter,
        page: &PageRequest,
    ) -> StoreResult<RecordPage> {
        bump(&self.calls.list_records);
        self.inner.list_records(kind, filter, page).await
    }
    async fn first_years(&self, kind: RecordKind) -> StoreResult<Vec<(CountryCode, i32)>> {
        bump(&self.calls.first_years);
        self.inner.first_years(kind).await
    }
    async fn record_counts(
        &self,
        countries: &[CountryCode],
    ) -> StoreResult<Vec<(CountryCode, RecordKind, u64)>> {
        bump(&self.calls.record_counts);
        self.inner.record_counts(countries).await
    }
    async fn records_any_status(&self, ids: &[RecordId]) -> StoreResult<Vec<(Record, Origin)>> {
        bump(&self.calls.records_any_status);
        self.inner.records_any_status(ids).await
    }
    async fn revisions(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>> {
        bump(&self.calls.revisions);
        self.inner.revisions(ids).await
    }
    async fn list_revisions(
        &self,
        filter: &RevisionFilter,
        first: usize,
        offset: usize,
    ) -> StoreResult<RevisionPage> {
        bump(&self.calls.list_revisions);
        self.inner.list_revisions(filter, first, offset).await
    }
}

#[async_trait]
impl RecordsWrite for CountingStore {
    async fn write_records(&self, writes: &[RecordWrite]) -> StoreResult<()> {
        bump(&self.calls.write_records);
        self.inner.write_records(writes).await
    }
    async fn import_seed(&self, seed: &SeedData, writes: &[RecordWrite]) -> StoreResult<()> {
        bump(&self.calls.import_seed);
        self.inner.import_seed(seed, writes).await
    }
}

#[async_trait]
impl Audit for CountingStore {
    async fn history(&self, ids: &[RecordId]) -> StoreResult<Vec<HistoryEntry>> {
        bump(&self.calls.history);
        self.inner.history(ids).await
    }
}

#[async_trait]
impl Outbox for CountingStore {
    async fn outbox_pending(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        bump(&self.calls.outbox_pending);
        self.inner.outbox_pending(limit).await
    }
    async fn outbox_ack(&self, seqs: &[i64]) -> StoreResult<()> {
        bump(&self.calls.outbox_ack);
        self.inner.outbox_ack(seqs).await
    }
    async fn outbox_stats(&self) -> StoreResult<OutboxStats> {
        bump(&self.calls.outbox_stats);
        self.inner.outbox_stats().await
    }
    async fn outbox_enqueue_all(&self) -> StoreResult<u64> {
        bump(&self.calls.outbox_enqueue_all);
        self.inner.outbox_enqueue_all().await
    }
}

#[async_trait]
impl Changes for CountingStore {
    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<RecordChange>> {
        bump(&self.calls.changes_since);
        self.inner.changes_since(after, limit).await
    }
    async fn changes_head(&self, kind: Option<RecordKind>) -> StoreResult<i64> {
        bump(&self.calls.changes_head);
        self.inner.changes_head(kind).await
    }
}

#[async_trait]
impl Keys for CountingStore {
    async fn insert_key(&self, key: &ApiKey, secret_hash: &str) -> StoreResult<()> {
        bump(&self.calls.insert_key);
        self.inner.insert_key(key, secret_hash).await
    }
    async fn key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
        bump(&self.calls.key_by_hash);
        self.inner.key_by_hash(secret_hash).await
    }
    async fn list_keys(&self) -> StoreResult<Vec<ApiKey>> {
        bump(&self.calls.list_keys);
        self.inner.list_keys().await
    }
    async fn revoke_key(&self, id: &str, at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        bump(&self.calls.revoke_key);
        self.inner.revoke_key(id, at).await
    }
    async fn replace_key_secret(
        &self,
        id: &str,
        secret_hash: &str,
        prefix: &str,
    ) -> StoreResult<()> {
        bump(&self.calls.replace_key_secret);
        self.inner.replace_key_secret(id, secret_hash, prefix).await
    }
}

#[async_trait]
impl Bookkeeping for CountingStore {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        bump(&self.calls.get_meta);
        self.inner.get_meta(key).await
    }
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        bump(&self.calls.set_meta);
        self.inner.set_meta(key, value).await
    }
    async fn next_in_sequence(&self, name: &str) -> StoreResult<u64> {
        bump(&self.calls.next_in_sequence);
        self.inner.next_in_sequence(name).await
    }
}

#[async_trait]
impl Locks for CountingStore {
    async fn lock(&self, name: &str) -> StoreResult<Box<dyn HeldLock>> {
        bump(&self.calls.lock);
        self.inner.lock(name).await
    }
    async fn try_lock(&self, name: &str) -> StoreResult<Option<Box<dyn HeldLock>>> {
        bump(&self.calls.try_lock);
        self.inner.try_lock(name).await
    }
}

#[async_trait]
impl Nodes for CountingStore {
    async fn node_heartbeat(&self, node: &NodeInfo) -> StoreResult<()> {
        bump(&self.calls.node_heartbeat);
        self.inner.node_heartbeat(node).await
    }
    async fn live_nodes(&self, within_secs: u64) -> StoreResult<Vec<LiveNode>> {
        bump(&self.calls.live_nodes);
        self.inner.live_nodes(within_secs).await
    }
    async fn node_leave(&self, id: &str) -> StoreResult<()> {
        bump(&self.calls.node_leave);
        self.inner.node_leave(id).await
    }
}

#[async_trait]
impl Transfer for CountingStore {
    async fn dump(&self) -> StoreResult<StoreDump> {
        bump(&self.calls.dump);
        self.inner.dump().await
    }
    async fn restore(&self, dump: &StoreDump) -> StoreResult<()> {
        bump(&self.calls.restore);
        self.inner.restore(dump).await
    }
}

#[async_trait]
impl Webhooks for CountingStore {
    async fn insert_webhook(&self, hook: &Webhook) -> StoreResult<()> {
        bump(&self.calls.insert_webhook);
        self.inner.insert_webhook(hook).await
    }
    async fn list_webhooks(&self, key_id: Option<&str>) -> StoreResult<Vec<Webhook>> {
        bump(&self.calls.list_webhooks);
        self.inner.list_webhooks(key_id).await
    }
    async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        bump(&self.calls.delete_webhook);
        self.inner.delete_webhook(id).await
    }
    async fn enqueue_deliveries(&self, new: &[NewDelivery], position: i64) -> StoreResult<()> {
        bump(&self.calls.enqueue_deliveries);
        self.inner.enqueue_deliveries(new, position).await
    }
    async fn webhook_position(&self) -> StoreResult<Option<i64>> {
        bump(&self.calls.webhook_position);
        self.inner.webhook_position().await
    }
    async fn due_deliveries(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> StoreResult<Vec<(Delivery, Webhook)>> {
        bump(&self.calls.due_deliveries);
        self.inner.due_deliveries(now, limit).await
    }
    async fn update_delivery(&self, delivery: &Delivery) -> StoreResult<()> {
        bump(&self.calls.update_delivery);
        self.inner.update_delivery(delivery).await
    }
    async fn deliveries(
        &self,
        webhook_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>> {
        bump(&self.calls.deliveries);
        self.inner.deliveries(webhook_id, before, limit).await
    }
}
