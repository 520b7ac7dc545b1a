//! The `Store` trait: where records, countries and treaty data live.
//!
//! Methods are batch-shaped (`&[key]` in, many rows out) so that the GraphQL layer's DataLoaders
//! can collect every key a query needs and ask once. The SQLite implementation lives in `api/`;
//! a PostgreSQL one can join it behind the same trait.

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::ids::{CountryCode, M49Code, RecordId};
use crate::model::{Country, Instrument, Ratification, Record, Region};
use crate::vocab::*;

/// Which published records to list. Within one facet the values are alternatives (OR); across
/// facets all must hold (AND). An empty list places no condition.
#[derive(Clone, Debug, Default, PartialEq)]
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

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A short name of the implementation, for `/health` and logs.
    fn backend_name(&self) -> &'static str;

    /// Checks the store answers.
    async fn ping(&self) -> StoreResult<()>;

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

    /// Published records by id (any kind); unknown or unpublished ids are absent.
    async fn records(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>>;

    /// One page of published records of a kind.
    async fn list_records(
        &self,
        kind: RecordKind,
        filter: &RecordFilter,
        page: &PageRequest,
    ) -> StoreResult<RecordPage>;

    /// Published record counts per kind for these countries: `(country, kind, count)`.
    async fn record_counts(
        &self,
        countries: &[CountryCode],
    ) -> StoreResult<Vec<(CountryCode, RecordKind, u64)>>;

    /// Inserts or updates seed data by id. Idempotent: importing the same data twice changes
    /// nothing the second time. Records that are not in the seed are left alone.
    async fn import_seed(&self, seed: &SeedData) -> StoreResult<ImportReport>;

    /// Sets a record's status (e.g. retracts it), bumping its version. Enqueues it for the
    /// search index in the same transaction.
    async fn set_status(&self, id: &RecordId, status: RecordStatus) -> StoreResult<()>;

    /// Records by id whatever their status (for the indexer, which must also remove
    /// unpublished ones from the search index).
    async fn records_any_status(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>>;

    /// The oldest pending outbox entries. Every write of a record adds one, in the same
    /// transaction as the write, so no change can miss the search index.
    async fn outbox_pending(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>>;

    /// Removes entries the indexer has applied.
    async fn outbox_ack(&self, seqs: &[i64]) -> StoreResult<()>;

    async fn outbox_stats(&self) -> StoreResult<OutboxStats>;

    /// Enqueues every record, for a full refresh of the index.
    async fn outbox_enqueue_all(&self) -> StoreResult<u64>;

    /// A small key-value area for bookkeeping (e.g. the fingerprint of the last seed imported).
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
}
