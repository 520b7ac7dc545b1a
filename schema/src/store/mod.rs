//! The store ports: where records, history, countries and treaty data live.
//!
//! The store is split into small ports, each with one job: [`ReferenceData`] (countries,
//! regions, instruments, treaty status), [`RecordsRead`], [`RecordsWrite`] (a record, its
//! history entry and its outbox row in one transaction), [`Outbox`] (what the search index still
//! has to apply), [`Changes`] (the public change log), [`Audit`] (history), [`Keys`],
//! [`Bookkeeping`], [`Locks`] (one seed import, one outbox drainer and one webhook dispatcher
//! across nodes), [`Nodes`] (who serves), [`Transfer`] (whole-store copies) and [`Webhooks`]
//! (registrations and their delivery log). [`Store`] is all of them together,
//! which is what an implementation provides; use-case functions in `core` ask only for the ports
//! they need. Adapters only store: versions, dates, statuses and history are decided by the core
//! before a write reaches them.
//!
//! Methods are batch-shaped (`&[key]` in, many rows out) so that the GraphQL layer's DataLoaders
//! can collect every key a query needs and ask once. The SQLite and PostgreSQL implementations
//! live in `api/`, and `tests/store_contract.rs` holds both to the same behaviour.

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use crate::core::history::HistoryEntry;
use crate::core::keys::ApiKey;
use crate::core::webhooks::{Delivery, NewDelivery, Webhook};
use crate::error::StoreResult;
use crate::ids::{CountryCode, M49Code, RecordId};
use crate::model::{Country, Instrument, Ratification, Record, Region};
use crate::vocab::*;

/// Which published records to list. Within one facet the values are alternatives (OR); across
/// facets all must hold (AND). An empty list places no condition.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RecordFilter {
    pub countries: Vec<CountryCode>,
    /// M49 codes at any level: region, sub-region or intermediate region.
    pub regions: Vec<M49Code>,
    pub forms: Vec<TraffickingForm>,
    pub sectors: Vec<Sector>,
    pub target_groups: Vec<TargetGroup>,
    pub pillars: Vec<Pillar>,
    pub sdg_targets: Vec<SdgTarget>,
    /// Records overlapping this year range (inclusive). Records with no known year are left out
    /// when either bound is set.
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// With a country or region condition: also list global practices.
    pub include_global: bool,
}

impl RecordFilter {
    /// The facet conditions, as the stores file facets (`record_facets`): per facet, the codes
    /// of which one must match; facets without a condition are left out.
    pub fn facet_conditions(&self) -> Vec<(&'static str, Vec<&'static str>)> {
        let all: [(&'static str, Vec<&'static str>); 5] = [
            ("form", self.forms.iter().map(|v| v.code()).collect()),
            ("sector", self.sectors.iter().map(|v| v.code()).collect()),
            (
                "target_group",
                self.target_groups.iter().map(|v| v.code()).collect(),
            ),
            ("pillar", self.pillars.iter().map(|v| v.code()).collect()),
            ("sdg", self.sdg_targets.iter().map(|v| v.code()).collect()),
        ];
        all.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    }
}

impl RecordFilter {
    /// Whether a record matches, decided in memory exactly as the stores decide it in SQL
    /// (for the change feeds). `areas` are the M49 areas (region, sub-region, intermediate
    /// region) of the record's countries.
    pub fn matches(&self, record: &Record, areas: &[M49Code]) -> bool {
        let global = self.include_global && record.is_global();
        let in_countries = || {
            record
                .countries()
                .iter()
                .any(|c| self.countries.contains(c))
        };
        if !(self.countries.is_empty() || global || in_countries()) {
            return false;
        }
        let in_regions = || areas.iter().any(|a| self.regions.contains(a));
        if !(self.regions.is_empty() || global || in_regions()) {
            return false;
        }
        let pairs = record.facets().pairs();
        for (facet, codes) in self.facet_conditions() {
            if !pairs.iter().any(|(f, v)| *f == facet && codes.contains(v)) {
                return false;
            }
        }
        if self.year_from.is_some() || self.year_to.is_some() {
            let Some((start, end)) = record.years() else {
                return false;
            };
            if let Some(from) = self.year_from {
                if end.is_some_and(|end| end < from) {
                    return false;
                }
            }
            if let Some(to) = self.year_to {
                if start > to {
                    return false;
                }
            }
        }
        true
    }
}

/// Forward pagination: at most `first` records after the record `after`, in id order.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRequest {
    pub first: usize,
    pub after: Option<RecordId>,
}

/// One page of records and the total number matching the filter.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordPage {
    pub records: Vec<Record>,
    pub has_next_page: bool,
    pub total_count: u64,
}

/// What a seed import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Where a record's current content came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The seed files.
    Seed,
    /// A contributor, through the API.
    Contribution,
}

impl Origin {
    pub fn code(self) -> &'static str {
        match self {
            Origin::Seed => "seed",
            Origin::Contribution => "contribution",
        }
    }

    pub fn from_code(code: &str) -> Option<Origin> {
        [Origin::Seed, Origin::Contribution]
            .into_iter()
            .find(|o| o.code() == code)
    }
}

/// Where a write goes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The catalogue: what the public reads (when published) and the search index follows.
    Catalogue,
    /// Work in progress: a draft or submission, new or revising a catalogue record. At most
    /// one per record id; never public, never indexed.
    Revision,
}

/// One record to write, as the core decided it: the record with its bookkeeping set, where it
/// goes, the version the change was based on, and the history entry explaining it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordWrite {
    pub record: Record,
    pub slot: Slot,
    /// The record's latest stored version (catalogue or revision, whichever is newer) this
    /// write is based on; `None` when the record must not exist yet in either. A store holding
    /// another version refuses the whole batch with `StoreError::Conflict`.
    pub expected_version: Option<i32>,
    /// After writing, remove the record's revision (it was published into the catalogue).
    pub clear_revision: bool,
    pub origin: Origin,
    pub history: HistoryEntry,
}

/// Which revisions to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevisionFilter {
    /// Revisions about any of these countries; `None` for every country.
    pub countries: Option<Vec<CountryCode>>,
    /// Revisions in any of these statuses; empty for all.
    pub statuses: Vec<RecordStatus>,
    pub kinds: Vec<RecordKind>,
}

/// One page of revisions, oldest change first.
#[derive(Clone, Debug, PartialEq)]
pub struct RevisionPage {
    pub records: Vec<Record>,
    pub has_next_page: bool,
    pub total_count: u64,
}

/// A record whose search document must be refreshed (or removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub record_id: RecordId,
}

/// How far the search index lags behind the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxStats {
    pub pending: u64,
    /// Age of the oldest pending entry, in seconds.
    pub oldest_age_secs: Option<u64>,
}

/// Reference data and records loaded from seed files, already validated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeedData {
    pub regions: Vec<Region>,
    pub countries: Vec<Country>,
    pub instruments: Vec<Instrument>,
    pub ratifications: Vec<Ratification>,
    pub records: Vec<Record>,
}

/// Countries, M49 regions, instruments and treaty status: the seed's reference data.
#[async_trait]
pub trait ReferenceData: Send + Sync {
    /// Countries by alpha-2 code; unknown codes are simply absent from the answer.
    async fn countries(&self, codes: &[CountryCode]) -> StoreResult<Vec<Country>>;

    /// Countries whose alpha-3 code is one of these.
    async fn countries_by_alpha3(&self, codes: &[String]) -> StoreResult<Vec<Country>>;

    /// All countries, optionally only those in one M49 area (any level), ordered by name.
    async fn list_countries(&self, region: Option<&M49Code>) -> StoreResult<Vec<Country>>;

    /// Every M49 area.
    async fn regions(&self) -> StoreResult<Vec<Region>>;

    /// Every instrument.
    async fn instruments(&self) -> StoreResult<Vec<Instrument>>;

    /// The recorded treaty standing of these countries.
    async fn ratifications(&self, countries: &[CountryCode]) -> StoreResult<Vec<Ratification>>;
}

/// Reading records.
#[async_trait]
pub trait RecordsRead: Send + Sync {
    /// Published records by id (any kind); unknown or unpublished ids are absent.
    async fn records(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>>;

    /// One page of published records of a kind.
    async fn list_records(
        &self,
        kind: RecordKind,
        filter: &RecordFilter,
        page: &PageRequest,
    ) -> StoreResult<RecordPage>;

    /// The earliest year (a law's enactment, a case's decision, a practice's start) among the
    /// published records of `kind` about each country that has one: `(country, year)`.
    async fn first_years(&self, kind: RecordKind) -> StoreResult<Vec<(CountryCode, i32)>>;

    /// Published record counts per kind for these countries: `(country, kind, count)`.
    async fn record_counts(
        &self,
        countries: &[CountryCode],
    ) -> StoreResult<Vec<(CountryCode, RecordKind, u64)>>;

    /// Records by id whatever their status, with where their content came from (for the core,
    /// which must see every version it changes, and for the indexer, which must also remove
    /// unpublished records from the search index).
    async fn records_any_status(&self, ids: &[RecordId]) -> StoreResult<Vec<(Record, Origin)>>;

    /// Revisions (drafts and submissions) by id.
    async fn revisions(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>>;

    /// Revisions matching the filter, oldest change first (by `updatedAt`, then id): at most
    /// `first` after position `offset`.
    async fn list_revisions(
        &self,
        filter: &RevisionFilter,
        first: usize,
        offset: usize,
    ) -> StoreResult<RevisionPage>;
}

/// Writing records: each write, its history entry and an outbox row for the search index go
/// in one transaction, so no change can miss its history or the index.
#[async_trait]
pub trait RecordsWrite: Send + Sync {
    /// Writes every record of the batch, or none: a write whose `expected_version` is not the
    /// stored one fails the whole batch with `StoreError::Conflict`.
    async fn write_records(&self, writes: &[RecordWrite]) -> StoreResult<()>;

    /// The seed import in one transaction: replaces the reference data (regions, countries,
    /// instruments, ratifications) with the seed's, whole, and applies `writes` as
    /// [`RecordsWrite::write_records`] does. `seed.records` is not read: the core decides what
    /// to write.
    async fn import_seed(&self, seed: &SeedData, writes: &[RecordWrite]) -> StoreResult<()>;
}

/// What the search index still has to apply.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// The oldest pending outbox entries.
    async fn outbox_pending(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>>;

    /// Removes entries the indexer has applied.
    async fn outbox_ack(&self, seqs: &[i64]) -> StoreResult<()>;

    async fn outbox_stats(&self) -> StoreResult<OutboxStats>;

    /// Enqueues every record, for a full refresh of the index.
    async fn outbox_enqueue_all(&self) -> StoreResult<u64>;
}

/// History: append-only, written with the change it explains.
#[async_trait]
pub trait Audit: Send + Sync {
    /// The history of these records, oldest first within each record.
    async fn history(&self, ids: &[RecordId]) -> StoreResult<Vec<HistoryEntry>>;
}

/// API keys. Secrets are never stored, only their hashes.
#[async_trait]
pub trait Keys: Send + Sync {
    /// Stores a new key with the hash of its secret.
    async fn insert_key(&self, key: &ApiKey, secret_hash: &str) -> StoreResult<()>;
    /// The key whose secret has this hash, revoked or not.
    async fn key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>>;
    /// Every key, newest first.
    async fn list_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// Marks a key revoked; `NotFound` for an unknown id.
    async fn revoke_key(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Replaces a key's secret; `NotFound` for an unknown id.
    async fn replace_key_secret(
        &self,
        id: &str,
        secret_hash: &str,
        prefix: &str,
    ) -> StoreResult<()>;
}

/// A small key-value area for bookkeeping (e.g. the fingerprint of the last seed imported).
#[async_trait]
pub trait Bookkeeping: Send + Sync {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
    /// The next number of a named sequence (1, 2, …), never given twice.
    async fn next_in_sequence(&self, name: &str) -> StoreResult<u64>;
}

/// A lock held across every node sharing the store, released when dropped, and lost when the
/// node holding it dies (its database connection or its process goes away).
#[async_trait]
pub trait HeldLock: Send + Sync {
    /// Whether the lock is still held (a dropped database connection loses it).
    async fn still_held(&self) -> bool;
}

/// Named locks across nodes: one seed import at a time, one node draining the outbox.
#[async_trait]
pub trait Locks: Send + Sync {
    /// Waits until the named lock is free, then holds it.
    async fn lock(&self, name: &str) -> StoreResult<Box<dyn HeldLock>>;
    /// Holds the named lock if it is free; `None` when another holder has it.
    async fn try_lock(&self, name: &str) -> StoreResult<Option<Box<dyn HeldLock>>>;
}

/// One API node of a deployment, as it last reported itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeInfo {
    /// Random, new at every start.
    pub id: String,
    /// The address it listens on, as it sees it.
    pub addr: String,
    /// Its search backend (`embedded` or `meilisearch`).
    pub search: String,
    pub version: String,
    pub started_at: DateTime<Utc>,
    /// Whether it holds the outbox lock (applies changes to the search index).
    pub drains_outbox: bool,
}

/// A node with how long ago it last reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveNode {
    pub node: NodeInfo,
    pub seen_secs_ago: u64,
}

/// The nodes of the deployment: each reports every few seconds.
#[async_trait]
pub trait Nodes: Send + Sync {
    /// Records (or refreshes) a node's report, stamped with the store's clock.
    async fn node_heartbeat(&self, node: &NodeInfo) -> StoreResult<()>;
    /// Nodes that reported within `within_secs`, oldest start first; older reports are removed.
    async fn live_nodes(&self, within_secs: u64) -> StoreResult<Vec<LiveNode>>;
    /// Removes a node's report (it is shutting down).
    async fn node_leave(&self, id: &str) -> StoreResult<()>;
}

/// Everything a store holds but the outbox (derived: a restored store queues every record for
/// the search index), for moving a deployment from one store to another.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoreDump {
    /// Regions, countries, instruments and ratifications (`records` empty).
    pub reference: SeedData,
    /// Catalogue records with their origin.
    pub catalogue: Vec<(Record, Origin)>,
    /// Drafts and submissions with their origin.
    pub revisions: Vec<(Record, Origin)>,
    /// Every history entry, in the order they were written.
    pub history: Vec<HistoryEntry>,
    /// Every key with its secret's hash.
    pub keys: Vec<(ApiKey, String)>,
    /// The bookkeeping area (seed fingerprint, sequences); not the webhook dispatcher's
    /// position, which belongs to the source's change log.
    pub meta: Vec<(String, String)>,
    /// Every webhook with its secret, positioned at the start of the change log (the log does
    /// not travel: the new store's starts empty, and every change made there is delivered).
    /// Delivery logs stay behind.
    pub webhooks: Vec<Webhook>,
}

/// Whole-store copies (`tipx copy`).
#[async_trait]
pub trait Transfer: Send + Sync {
    /// Reads everything, in one consistent snapshot.
    async fn dump(&self) -> StoreResult<StoreDump>;
    /// Writes a dump into this store, in one transaction, and queues every catalogue record
    /// for the search index. Refuses (`Conflict`) a store that already holds records or keys.
    async fn restore(&self, dump: &StoreDump) -> StoreResult<()>;
}

/// The public change log: one entry per change to what the public sees (a record published,
/// a published record updated or retracted), appended in the change's transaction, in commit
/// order, never edited. Change feeds (subscriptions, webhooks) read it from any node; the
/// export's ETags come from it.
#[async_trait]
pub trait Changes: Send + Sync {
    /// Entries after `after` (a `seq`; 0 for the start), oldest first, at most `limit`.
    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<RecordChange>>;

    /// The newest entry's `seq` for a kind (every kind when `None`); 0 when there is none.
    async fn changes_head(&self, kind: Option<RecordKind>) -> StoreResult<i64>;
}

/// What happened to a record, as the public sees it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeKind {
    /// Public for the first time (or again, after a retraction).
    Published,
    /// A published record changed.
    Updated,
    /// A published record withdrawn from public view.
    Retracted,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Published => "PUBLISHED",
            ChangeKind::Updated => "UPDATED",
            ChangeKind::Retracted => "RETRACTED",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeKind> {
        [
            ChangeKind::Published,
            ChangeKind::Updated,
            ChangeKind::Retracted,
        ]
        .into_iter()
        .find(|c| c.code() == code)
    }

    /// The change a catalogue write makes, from the stored status before it (`None`: no record
    /// yet) to the written one; `None` when the public sees no change.
    pub fn of_write(before: Option<RecordStatus>, after: RecordStatus) -> Option<ChangeKind> {
        let was = before == Some(RecordStatus::Published);
        match (was, after == RecordStatus::Published) {
            (false, true) => Some(ChangeKind::Published),
            (true, true) => Some(ChangeKind::Updated),
            (true, false) => Some(ChangeKind::Retracted),
            (false, false) => None,
        }
    }
}

/// One entry of the change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// Increases with every entry, in commit order.
    pub seq: i64,
    pub record_id: RecordId,
    pub kind: RecordKind,
    pub change: ChangeKind,
    /// The record's version after the change.
    pub version: i32,
    pub at: DateTime<Utc>,
}

/// Webhooks and their deliveries. The dispatcher (one node at a time, under a lock) turns
/// change-log entries into deliveries and keeps its position in the log with them.
#[async_trait]
pub trait Webhooks: Send + Sync {
    async fn insert_webhook(&self, hook: &Webhook) -> StoreResult<()>;
    /// Webhooks, oldest first: one key's, or every one for `None`.
    async fn list_webhooks(&self, key_id: Option<&str>) -> StoreResult<Vec<Webhook>>;
    /// Removes a webhook and its deliveries; `NotFound` for an unknown id.
    async fn delete_webhook(&self, id: &str) -> StoreResult<()>;
    /// Adds deliveries (one per webhook and change-log entry: a pair already there is left
    /// alone; a webhook deleted meanwhile gets none) and stores the dispatcher's position in
    /// the change log, in one transaction.
    async fn enqueue_deliveries(&self, new: &[NewDelivery], position: i64) -> StoreResult<()>;
    /// The dispatcher's position in the change log; `None` before its first run.
    async fn webhook_position(&self) -> StoreResult<Option<i64>>;
    /// Pending deliveries due at `now` (their next attempt is not later), oldest first, with
    /// their webhook.
    async fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> StoreResult<Vec<(Delivery, Webhook)>>;
    /// Stores a delivery's state after an attempt (not its payload, which never changes).
    async fn update_delivery(&self, delivery: &Delivery) -> StoreResult<()>;
    /// A webhook's deliveries, newest first: at most `limit`, numbered below `before`.
    async fn deliveries(
        &self,
        webhook_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>>;
}

/// Every port together: what a store implementation provides.
#[async_trait]
pub trait Store:
    ReferenceData
    + RecordsRead
    + RecordsWrite
    + Outbox
    + Changes
    + Audit
    + Keys
    + Bookkeeping
    + Locks
    + Nodes
    + Transfer
    + Webhooks
    + 'static
{
    /// A short name of the implementation, for `/health` and logs.
    fn backend_name(&self) -> &'static str;

    /// Checks the store answers.
    async fn ping(&self) -> StoreResult<()>;
}
