//! The PostgreSQL store: the same ports and the same tables as SQLite, for deployments with
//! several API nodes on one database.
//!
//! Connections come from a pool (deadpool-postgres over tokio-postgres). Migrations are SQL
//! files in `api/migrations/postgres/`, applied at start under an advisory lock, so nodes
//! starting together migrate once. Writes of records take a transaction-level advisory lock
//! per record id (in id order, so two batches cannot deadlock; a batch of more than 64 records
//! takes one lock on every record instead), then check the versions they expect: two nodes changing one record at once give one success and one `Conflict`. Batches
//! are written with one statement per table (`UNNEST` of arrays), so a seed import of 100,000
//! records is a few hundred statements, not a million. Named locks ([`Locks`]) are session
//! advisory locks on a connection of their own: when a node dies, its connection closes and
//! PostgreSQL releases them.

use std::collections::HashSet;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row};

use tipx_schema::core::history::HistoryEntry;
use tipx_schema::core::keys::ApiKey;
use tipx_schema::core::webhooks::{Delivery, NewDelivery, Webhook};
use tipx_schema::error::{StoreError, StoreResult};
use tipx_schema::ids::{CountryCode, M49Code, RecordId};
use tipx_schema::model::{Country, Instrument, Ratification, Record, Region};
use tipx_schema::store::{
    Audit, Bookkeeping, ChangeKind, Changes, HeldLock, Keys, LiveNode, Locks, NodeInfo, Nodes,
    Origin, Outbox, OutboxEntry, OutboxStats, PageRequest, RecordChange, RecordFilter, RecordPage,
    RecordWrite, RecordsRead, RecordsWrite, ReferenceData, RevisionFilter, RevisionPage, SeedData,
    Slot, Store, StoreDump, Transfer, Webhooks,
};
use tipx_schema::vocab::{RecordKind, Vocabulary};

use super::migrations::{Migration, POSTGRES_MIGRATIONS};

/// Advisory lock classes (the first of the two-integer key), so ours never collide.
const LOCK_CLASS_RECORD: i32 = 0x7469_7001;
const LOCK_CLASS_NAMED: i32 = 0x7469_7002;
/// Every record at once (key 0): a large batch takes it exclusively instead of one lock per
/// record (a 100,000-record import would exhaust PostgreSQL's lock table); small batches take
/// it shared, then their records' locks.
const LOCK_CLASS_ALL_RECORDS: i32 = 0x7469_7003;
/// The public change log (key 0): a transaction that writes the catalogue takes it before any
/// record lock and keeps it to its commit, so change-log `seq`s are assigned in commit order
/// and a feed reading "after seq N" never skips a row that commits late.
const LOCK_CLASS_CHANGES: i32 = 0x7469_7004;
/// A batch larger than this locks every record at once.
const MAX_RECORD_LOCKS: usize = 64;
/// The named lock migrations run under.
const MIGRATIONS_LOCK: &str = "migrations";
/// Rows per statement when writing batches.
const CHUNK: usize = 2_000;

type Param = Box<dyn ToSql + Sync + Send>;

pub struct PgStore {
    pool: Pool,
    config: tokio_postgres::Config,
}

fn internal(err: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(err.to_string())
}

/// Maps a driver error: connection trouble is `Unavailable` (try again), a unique key taken by
/// a concurrent writer is a `Conflict`, anything else is internal.
fn pg_err(err: tokio_postgres::Error) -> StoreError {
    if let Some(code) = err.code() {
        let class = &code.code()[..2];
        if *code == SqlState::UNIQUE_VIOLATION {
            return StoreError::Conflict(format!(
                "a concurrent change took the same key; reload and try again ({err})"
            ));
        }
        if matches!(class, "08" | "53" | "57" | "40") {
            return StoreError::Unavailable(err.to_string());
        }
        return internal(format!("{err}: {}", code.code()));
    }
    if err.is_closed() || std::error::Error::source(&err).is_some_and(|s| s.is::<std::io::Error>())
    {
        return StoreError::Unavailable(err.to_string());
    }
    internal(err)
}

fn pool_err(err: deadpool_postgres::PoolError) -> StoreError {
    match err {
        deadpool_postgres::PoolError::Backend(e) => pg_err(e),
        other => StoreError::Unavailable(format!("no database connection: {other}")),
    }
}

fn from_json<T: serde::de::DeserializeOwned>(body: &str) -> StoreResult<T> {
    serde_json::from_str(body).map_err(|e| internal(format!("corrupt stored JSON: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(internal)
}

fn bodies<T: serde::de::DeserializeOwned>(rows: &[Row]) -> StoreResult<Vec<T>> {
    rows.iter()
        .map(|r| from_json(r.get::<_, &str>(0)))
        .collect()
}

/// Rows of (record body, origin).
fn with_origin(rows: &[Row]) -> StoreResult<Vec<(Record, Origin)>> {
    rows.iter()
        .map(|row| {
            let origin: &str = row.get(1);
            let origin = Origin::from_code(origin)
                .ok_or_else(|| internal(format!("unknown record origin '{origin}'")))?;
            Ok((from_json(row.get::<_, &str>(0))?, origin))
        })
        .collect()
}

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

fn codes<T: AsRef<str>>(items: &[T]) -> Vec<String> {
    items.iter().map(|i| i.as_ref().to_owned()).collect()
}

fn ids(items: &[RecordId]) -> Vec<String> {
    items.iter().map(|i| i.as_str().to_owned()).collect()
}

/// A stable 32-bit key for a lock name (FNV-1a), the same on every node and every build.
fn lock_key(name: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as i32
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), with a pool of at
    /// most `pool_size` connections, and applies the pending migrations.
    pub async fn connect(url: &str, pool_size: usize) -> StoreResult<PgStore> {
        let store = PgStore::connect_without_migrating(url, pool_size)?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without touching the schema (for `tipx migrate --check`).
    pub fn connect_without_migrating(url: &str, pool_size: usize) -> StoreResult<PgStore> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Unavailable(format!("the database URL is not valid: {e}")))?;
        if config.get_application_name().is_none() {
            config.application_name("tipx");
        }
        config.connect_timeout(Duration::from_secs(10));
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(2))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(internal)?;
        Ok(PgStore { pool, config })
    }

    /// Where the store is, without the password, for logs.
    pub fn describe(&self) -> String {
        let host = self
            .config
            .get_hosts()
            .first()
            .map(|h| match h {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .unwrap_or_default();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "postgres://{}@{host}:{port}/{}",
            self.config.get_user().unwrap_or(""),
            self.config.get_dbname().unwrap_or("")
        )
    }

    async fn client(&self) -> StoreResult<Object> {
        self.pool.get().await.map_err(pool_err)
    }

    /// A connection outside the pool, for session-level advisory locks: closing it (dropping
    /// it, or the process dying) releases them.
    async fn dedicated(&self) -> StoreResult<Client> {
        let (client, connection) = self.config.connect(NoTls).await.map_err(pg_err)?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "lock connection closed");
            }
        });
        Ok(client)
    }

    /// Which migrations have run and which would run, without running them.
    pub async fn migration_status(&self) -> StoreResult<Vec<(&'static Migration, bool)>> {
        let client = self.client().await?;
        let exists: bool = client
            .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
            .await
            .map_err(pg_err)?
            .get(0);
        let applied: HashSet<i32> = if exists {
            client
                .query("SELECT version FROM schema_migrations", &[])
                .await
                .map_err(pg_err)?
                .iter()
                .map(|r| r.get(0))
                .collect()
        } else {
            HashSet::new()
        };
        Ok(POSTGRES_MIGRATIONS
            .iter()
            .map(|m| (m, applied.contains(&m.version)))
            .collect())
    }

    /// Applies pending migrations, each in its own transaction, under an advisory lock so
    /// that of several nodes starting together one migrates and the others then find nothing
    /// to do.
    pub async fn migrate(&self) -> StoreResult<()> {
        let mut client = self.dedicated().await?;
        client
            .execute(
                "SELECT pg_advisory_lock($1, $2)",
                &[&LOCK_CLASS_NAMED, &lock_key(MIGRATIONS_LOCK)],
            )
            .await
            .map_err(pg_err)?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version INTEGER PRIMARY KEY,
                     name TEXT NOT NULL,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                 )",
            )
            .await
            .map_err(pg_err)?;
        let applied: HashSet<i32> = client
            .query("SELECT version FROM schema_migrations", &[])
            .await
            .map_err(pg_err)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let known: HashSet<i32> = POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect();
        if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
            return Err(StoreError::Internal(format!(
                "the database has migration {newer}, which this tipx does not know: it was \
                 migrated by a newer tipx; upgrade this one"
            )));
        }
        for migration in POSTGRES_MIGRATIONS {
            if applied.contains(&migration.version) {
                continue;
            }
            let tx = client.transaction().await.map_err(pg_err)?;
            tx.batch_execute(migration.sql).await.map_err(pg_err)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&migration.version, &migration.name],
            )
            .await
            .map_err(pg_err)?;
            tx.commit().await.map_err(pg_err)?;
            tracing::info!(
                migration = migration.version,
                name = migration.name,
                "database migrated"
            );
        }
        // Dropping the connection releases the lock.
        Ok(())
    }

    async fn query_bodies<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<Vec<T>> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(sql).await.map_err(pg_err)?;
        let rows = client.query(&stmt, params).await.map_err(pg_err)?;
        bodies(&rows)
    }
}

/// The WHERE clause (after `r.kind = $1 AND r.status = 'PUBLISHED'`) for a filter, with its
/// parameters appended to `params` (numbered after those already there).
fn filter_sql(filter: &RecordFilter, sql: &mut String, params: &mut Vec<Param>) {
    let global = if filter.include_global {
        " OR r.is_global"
    } else {
        ""
    };
    if !filter.countries.is_empty() {
        params.push(Box::new(codes(
            &filter
                .countries
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
        )));
        sql.push_str(&format!(
            " AND (EXISTS (SELECT 1 FROM record_countries rc WHERE rc.record_id = r.id AND rc.country = ANY(${})){global})",
            params.len()
        ));
    }
    if !filter.regions.is_empty() {
        params.push(Box::new(codes(
            &filter
                .regions
                .iter()
                .map(M49Code::as_str)
                .collect::<Vec<_>>(),
        )));
        let p = params.len();
        sql.push_str(&format!(
            " AND (EXISTS (SELECT 1 FROM record_countries rc JOIN countries c ON c.code = rc.country \
               WHERE rc.record_id = r.id AND (c.region = ANY(${p}) OR c.sub_region = ANY(${p}) OR c.intermediate_region = ANY(${p}))){global})"
        ));
    }
    for (facet, values) in filter.facet_conditions() {
        params.push(Box::new(codes(&values)));
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM record_facets f WHERE f.record_id = r.id AND f.facet = '{facet}' AND f.value = ANY(${}))",
            params.len()
        ));
    }
    if let Some(from) = filter.year_from {
        params.push(Box::new(from));
        sql.push_str(&format!(
            " AND r.year_start IS NOT NULL AND (r.year_end IS NULL OR r.year_end >= ${})",
            params.len()
        ));
    }
    if let Some(to) = filter.year_to {
        params.push(Box::new(to));
        sql.push_str(&format!(
            " AND r.year_start IS NOT NULL AND r.year_start <= ${}",
            params.len()
        ));
    }
}

/// Column arrays for one batch of record rows (catalogue or revisions).
#[derive(Default)]
struct RecordRows {
    ids: Vec<String>,
    kinds: Vec<String>,
    statuses: Vec<String>,
    versions: Vec<i32>,
    year_starts: Vec<Option<i32>>,
    year_ends: Vec<Option<i32>>,
    globals: Vec<bool>,
    origins: Vec<String>,
    updated: Vec<String>,
    bodies: Vec<String>,
    country_ids: Vec<String>,
    countries: Vec<String>,
    facet_ids: Vec<String>,
    facets: Vec<String>,
    facet_values: Vec<String>,
}

impl RecordRows {
    fn push(&mut self, record: &Record, origin: Origin) -> StoreResult<()> {
        let id = record.id().as_str().to_owned();
        let (start, end) = match record.years() {
            Some((start, end)) => (Some(start), end),
            None => (None, None),
        };
        self.kinds.push(record.kind().code().to_owned());
        self.statuses.push(record.meta().status.code().to_owned());
        self.versions.push(record.meta().version);
        self.year_starts.push(start);
        self.year_ends.push(end);
        self.globals.push(record.is_global());
        self.origins.push(origin.code().to_owned());
        self.updated.push(
            record
                .meta()
                .updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        );
        self.bodies.push(to_json(record)?);
        for country in record.countries() {
            self.country_ids.push(id.clone());
            self.countries.push(country.as_str().to_owned());
        }
        let values = record.facets().pairs();
        for (facet, value) in values {
            self.facet_ids.push(id.clone());
            self.facets.push(facet.to_owned());
            self.facet_values.push(value.to_owned());
        }
        self.ids.push(id);
        Ok(())
    }

    /// Upserts the rows into the catalogue with their side tables, and queues them for the
    /// search index.
    async fn write_catalogue(&self, tx: &deadpool_postgres::Transaction<'_>) -> StoreResult<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        // The change log first: it compares with the statuses stored before this write.
        tx.execute(
            "INSERT INTO record_changes (record_id, kind, change, version)
             SELECT t.id, t.kind,
                    CASE WHEN t.status <> 'PUBLISHED' THEN 'RETRACTED'
                         WHEN r.status = 'PUBLISHED' THEN 'UPDATED'
                         ELSE 'PUBLISHED' END,
                    t.version
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[]) WITH ORDINALITY AS t(id, kind, status, version, n)
             LEFT JOIN records r ON r.id = t.id
             WHERE t.status = 'PUBLISHED' OR r.status = 'PUBLISHED'
             ORDER BY t.n",
            &[&self.ids, &self.kinds, &self.statuses, &self.versions],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO records (id, kind, status, version, year_start, year_end, is_global, origin, body)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[], $5::int4[], $6::int4[], $7::bool[], $8::text[], $9::text[])
             ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, status = EXCLUDED.status,
                 version = EXCLUDED.version, year_start = EXCLUDED.year_start,
                 year_end = EXCLUDED.year_end, is_global = EXCLUDED.is_global,
                 origin = EXCLUDED.origin, body = EXCLUDED.body",
            &[
                &self.ids,
                &self.kinds,
                &self.statuses,
                &self.versions,
                &self.year_starts,
                &self.year_ends,
                &self.globals,
                &self.origins,
                &self.bodies,
            ],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "DELETE FROM record_countries WHERE record_id = ANY($1)",
            &[&self.ids],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "DELETE FROM record_facets WHERE record_id = ANY($1)",
            &[&self.ids],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO record_countries (record_id, country)
             SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            &[&self.country_ids, &self.countries],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO record_facets (record_id, facet, value)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            &[&self.facet_ids, &self.facets, &self.facet_values],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO outbox (record_id) SELECT id FROM UNNEST($1::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n",
            &[&self.ids],
        )
        .await
        .map_err(pg_err)?;
        Ok(())
    }

    /// Upserts the rows as revisions with their countries.
    async fn write_revisions(&self, tx: &deadpool_postgres::Transaction<'_>) -> StoreResult<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        tx.execute(
            "INSERT INTO revisions (id, kind, status, version, updated_at, origin, body)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[], $5::text[], $6::text[], $7::text[])
             ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, status = EXCLUDED.status,
                 version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                 origin = EXCLUDED.origin, body = EXCLUDED.body",
            &[
                &self.ids,
                &self.kinds,
                &self.statuses,
                &self.versions,
                &self.updated,
                &self.origins,
                &self.bodies,
            ],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "DELETE FROM revision_countries WHERE record_id = ANY($1)",
            &[&self.ids],
        )
        .await
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO revision_countries (record_id, country)
             SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            &[&self.country_ids, &self.countries],
        )
        .await
        .map_err(pg_err)?;
        Ok(())
    }
}

/// Appends history entries in order.
async fn write_history(
    tx: &deadpool_postgres::Transaction<'_>,
    entries: &[&HistoryEntry],
) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = entries
        .iter()
        .map(|h| h.record_id.as_str().to_owned())
        .collect();
    let versions: Vec<i32> = entries.iter().map(|h| h.version).collect();
    let bodies: Vec<String> = entries
        .iter()
        .map(|h| to_json(*h))
        .collect::<StoreResult<_>>()?;
    tx.execute(
        "INSERT INTO record_history (record_id, version, body)
         SELECT id, version, body FROM UNNEST($1::text[], $2::int4[], $3::text[]) WITH ORDINALITY AS t(id, version, body, n)
         ORDER BY n",
        &[&ids, &versions, &bodies],
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

/// Applies writes inside a transaction, a chunk at a time: lock the chunk's ids, check every
/// expected version, then write each table with one statement.
async fn apply_writes(
    tx: &deadpool_postgres::Transaction<'_>,
    writes: &[RecordWrite],
) -> StoreResult<()> {
    let all = writes.len() > MAX_RECORD_LOCKS;
    let sql = if all {
        "SELECT pg_advisory_xact_lock($1, 0)"
    } else {
        "SELECT pg_advisory_xact_lock_shared($1, 0)"
    };
    tx.execute(sql, &[&LOCK_CLASS_ALL_RECORDS])
        .await
        .map_err(pg_err)?;
    if writes.iter().any(|w| w.slot == Slot::Catalogue) {
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, 0)",
            &[&LOCK_CLASS_CHANGES],
        )
        .await
        .map_err(pg_err)?;
    }
    let mut rest = writes;
    while !rest.is_empty() {
        // A chunk never holds one id twice: the second write of an id expects the version
        // the first one wrote, so it goes into the next chunk.
        let mut seen = HashSet::new();
        let len = rest
            .iter()
            .take(CHUNK)
            .take_while(|w| seen.insert(w.record.id().as_str()))
            .count();
        let (chunk, tail) = rest.split_at(len);
        rest = tail;
        apply_chunk(tx, chunk, !all).await?;
    }
    Ok(())
}

async fn apply_chunk(
    tx: &deadpool_postgres::Transaction<'_>,
    chunk: &[RecordWrite],
    lock_each: bool,
) -> StoreResult<()> {
    let mut ids: Vec<String> = chunk
        .iter()
        .map(|w| w.record.id().as_str().to_owned())
        .collect();
    ids.sort();
    if lock_each {
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(id)) FROM UNNEST($2::text[]) AS t(id) ORDER BY id",
            &[&LOCK_CLASS_RECORD, &ids],
        )
        .await
        .map_err(pg_err)?;
    }
    let mut stored: std::collections::HashMap<String, i32> = std::collections::HashMap::new();
    for row in tx
        .query(
            "SELECT id, version FROM records WHERE id = ANY($1)
             UNION ALL SELECT id, version FROM revisions WHERE id = ANY($1)",
            &[&ids],
        )
        .await
        .map_err(pg_err)?
    {
        let id: String = row.get(0);
        let version: i32 = row.get(1);
        let entry = stored.entry(id).or_insert(version);
        *entry = (*entry).max(version);
    }
    for write in chunk {
        let id = write.record.id().as_str();
        let current = stored.get(id).copied();
        if current != write.expected_version {
            return Err(StoreError::Conflict(
                match (current, write.expected_version) {
                    (Some(v), Some(e)) => {
                        format!("record {id} is at version {v}, not {e}: reload it and try again")
                    }
                    (Some(_), None) => format!("record {id} already exists"),
                    (None, _) => format!("record {id} does not exist"),
                },
            ));
        }
    }
    let mut catalogue = RecordRows::default();
    let mut revisions = RecordRows::default();
    let mut cleared = Vec::new();
    for write in chunk {
        match write.slot {
            Slot::Catalogue => catalogue.push(&write.record, write.origin)?,
            Slot::Revision => revisions.push(&write.record, write.origin)?,
        }
        if write.clear_revision {
            cleared.push(write.record.id().as_str().to_owned());
        }
    }
    catalogue.write_catalogue(tx).await?;
    revisions.write_revisions(tx).await?;
    if !cleared.is_empty() {
        tx.execute("DELETE FROM revisions WHERE id = ANY($1)", &[&cleared])
            .await
            .map_err(pg_err)?;
    }
    let history: Vec<&HistoryEntry> = chunk.iter().map(|w| &w.history).collect();
    write_history(tx, &history).await
}

/// Replaces the reference tables whole.
async fn replace_reference(
    tx: &deadpool_postgres::Transaction<'_>,
    seed: &SeedData,
) -> StoreResult<()> {
    tx.batch_execute(
        "DELETE FROM regions; DELETE FROM countries; DELETE FROM instruments; DELETE FROM ratifications;",
    )
    .await
    .map_err(pg_err)?;
    let codes: Vec<String> = seed
        .regions
        .iter()
        .map(|r| r.code.as_str().to_owned())
        .collect();
    let bodies: Vec<String> = seed
        .regions
        .iter()
        .map(to_json)
        .collect::<StoreResult<_>>()?;
    tx.execute(
        "INSERT INTO regions (code, body) SELECT * FROM UNNEST($1::text[], $2::text[])",
        &[&codes, &bodies],
    )
    .await
    .map_err(pg_err)?;

    let c = &seed.countries;
    let opt = |f: fn(&Country) -> Option<&M49Code>| -> Vec<Option<String>> {
        c.iter()
            .map(|c| f(c).map(|m| m.as_str().to_owned()))
            .collect()
    };
    tx.execute(
        "INSERT INTO countries (code, alpha3, name, region, sub_region, intermediate_region, body)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])",
        &[
            &c.iter().map(|c| c.code.as_str().to_owned()).collect::<Vec<_>>(),
            &c.iter().map(|c| c.alpha3.clone()).collect::<Vec<_>>(),
            &c.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            &opt(|c| c.region.as_ref()),
            &opt(|c| c.sub_region.as_ref()),
            &opt(|c| c.intermediate_region.as_ref()),
            &c.iter().map(to_json).collect::<StoreResult<Vec<_>>>()?,
        ],
    )
    .await
    .map_err(pg_err)?;

    let i = &seed.instruments;
    tx.execute(
        "INSERT INTO instruments (id, position, body) SELECT * FROM UNNEST($1::text[], $2::int4[], $3::text[])",
        &[
            &i.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
            &(0..i.len() as i32).collect::<Vec<i32>>(),
            &i.iter().map(to_json).collect::<StoreResult<Vec<_>>>()?,
        ],
    )
    .await
    .map_err(pg_err)?;

    let r = &seed.ratifications;
    tx.execute(
        "INSERT INTO ratifications (instrument, country, body) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])",
        &[
            &r.iter().map(|r| r.instrument.clone()).collect::<Vec<_>>(),
            &r.iter().map(|r| r.country.as_str().to_owned()).collect::<Vec<_>>(),
            &r.iter().map(to_json).collect::<StoreResult<Vec<_>>>()?,
        ],
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

#[async_trait]
impl Store for PgStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.client()
            .await?
            .query_one("SELECT 1", &[])
            .await
            .map(|_| ())
            .map_err(pg_err)
    }
}

#[async_trait]
impl ReferenceData for PgStore {
    async fn countries(&self, codes: &[CountryCode]) -> StoreResult<Vec<Country>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let codes: Vec<String> = codes.iter().map(|c| c.as_str().to_owned()).collect();
        self.query_bodies("SELECT body FROM countries WHERE code = ANY($1)", &[&codes])
            .await
    }

    async fn countries_by_alpha3(&self, codes: &[String]) -> StoreResult<Vec<Country>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        self.query_bodies(
            "SELECT body FROM countries WHERE alpha3 = ANY($1)",
            &[&codes],
        )
        .await
    }

    async fn list_countries(&self, region: Option<&M49Code>) -> StoreResult<Vec<Country>> {
        match region {
            None => {
                self.query_bodies("SELECT body FROM countries ORDER BY name", &[])
                    .await
            }
            Some(code) => {
                self.query_bodies(
                    "SELECT body FROM countries WHERE region = $1 OR sub_region = $1 OR intermediate_region = $1 ORDER BY name",
                    &[&code.as_str()],
                )
                .await
            }
        }
    }

    async fn regions(&self) -> StoreResult<Vec<Region>> {
        self.query_bodies("SELECT body FROM regions ORDER BY code", &[])
            .await
    }

    async fn instruments(&self) -> StoreResult<Vec<Instrument>> {
        self.query_bodies("SELECT body FROM instruments ORDER BY position", &[])
            .await
    }

    async fn ratifications(&self, countries: &[CountryCode]) -> StoreResult<Vec<Ratification>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let codes: Vec<String> = countries.iter().map(|c| c.as_str().to_owned()).collect();
        self.query_bodies(
            "SELECT r.body FROM ratifications r LEFT JOIN instruments i ON i.id = r.instrument
             WHERE r.country = ANY($1) ORDER BY r.country, i.position NULLS FIRST",
            &[&codes],
        )
        .await
    }
}

#[async_trait]
impl RecordsRead for PgStore {
    async fn records(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.query_bodies(
            "SELECT body FROM records WHERE id = ANY($1) AND status = 'PUBLISHED'",
            &[&self::ids(ids)],
        )
        .await
    }

    async fn list_records(
        &self,
        kind: RecordKind,
        filter: &RecordFilter,
        page: &PageRequest,
    ) -> StoreResult<RecordPage> {
        let mut params: Vec<Param> = vec![Box::new(kind.code().to_owned())];
        let mut where_sql = String::from("r.kind = $1 AND r.status = 'PUBLISHED'");
        filter_sql(filter, &mut where_sql, &mut params);
        let count_sql = format!("SELECT COUNT(*) FROM records r WHERE {where_sql}");
        let mut page_sql = format!("SELECT r.body FROM records r WHERE {where_sql}");
        let count_len = params.len();
        if let Some(after) = &page.after {
            params.push(Box::new(after.as_str().to_owned()));
            page_sql.push_str(&format!(" AND r.id > ${}", params.len()));
        }
        params.push(Box::new(page.first as i64 + 1));
        page_sql.push_str(&format!(" ORDER BY r.id LIMIT ${}", params.len()));
        let client = self.client().await?;
        let all = refs(&params);
        let count_stmt = client.prepare_cached(&count_sql).await.map_err(pg_err)?;
        let page_stmt = client.prepare_cached(&page_sql).await.map_err(pg_err)?;
        // Both statements go out together on the one connection (pipelined).
        let (total, rows) = futures::try_join!(
            client.query_one(&count_stmt, &all[..count_len]),
            client.query(&page_stmt, &all),
        )
        .map_err(pg_err)?;
        let total: i64 = total.get(0);
        let mut records: Vec<Record> = bodies(&rows)?;
        let has_next_page = records.len() > page.first;
        records.truncate(page.first);
        Ok(RecordPage {
            records,
            has_next_page,
            total_count: total as u64,
        })
    }

    async fn first_years(&self, kind: RecordKind) -> StoreResult<Vec<(CountryCode, i32)>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT rc.country, MIN(r.year_start) FROM record_countries rc JOIN records r ON r.id = rc.record_id
                 WHERE r.status = 'PUBLISHED' AND r.kind = $1 AND r.year_start IS NOT NULL
                 GROUP BY rc.country ORDER BY rc.country",
            )
            .await
            .map_err(pg_err)?;
        let rows = client.query(&stmt, &[&kind.code()]).await.map_err(pg_err)?;
        rows.iter()
            .map(|row| {
                let country = CountryCode::parse(row.get::<_, &str>(0)).map_err(internal)?;
                Ok((country, row.get::<_, i32>(1)))
            })
            .collect()
    }

    async fn record_counts(
        &self,
        countries: &[CountryCode],
    ) -> StoreResult<Vec<(CountryCode, RecordKind, u64)>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let codes: Vec<String> = countries.iter().map(|c| c.as_str().to_owned()).collect();
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT rc.country, r.kind, COUNT(*) FROM record_countries rc JOIN records r ON r.id = rc.record_id
                 WHERE r.status = 'PUBLISHED' AND rc.country = ANY($1) GROUP BY rc.country, r.kind",
            )
            .await
            .map_err(pg_err)?;
        let rows = client.query(&stmt, &[&codes]).await.map_err(pg_err)?;
        rows.iter()
            .map(|row| {
                let country = CountryCode::parse(row.get::<_, &str>(0)).map_err(internal)?;
                let kind: &str = row.get(1);
                let kind = RecordKind::from_code(kind)
                    .ok_or_else(|| internal(format!("unknown record kind {kind} in store")))?;
                Ok((country, kind, row.get::<_, i64>(2) as u64))
            })
            .collect()
    }

    async fn records_any_status(&self, ids: &[RecordId]) -> StoreResult<Vec<(Record, Origin)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT body, origin FROM records WHERE id = ANY($1)")
            .await
            .map_err(pg_err)?;
        let rows = client
            .query(&stmt, &[&self::ids(ids)])
            .await
            .map_err(pg_err)?;
        with_origin(&rows)
    }

    async fn revisions(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.query_bodies(
            "SELECT body FROM revisions WHERE id = ANY($1)",
            &[&self::ids(ids)],
        )
        .await
    }

    async fn list_revisions(
        &self,
        filter: &RevisionFilter,
        first: usize,
        offset: usize,
    ) -> StoreResult<RevisionPage> {
        let mut where_sql = String::from("TRUE");
        let mut params: Vec<Param> = Vec::new();
        if let Some(countries) = &filter.countries {
            params.push(Box::new(
                countries
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect::<Vec<_>>(),
            ));
            where_sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM revision_countries rc WHERE rc.record_id = v.id AND rc.country = ANY(${}))",
                params.len()
            ));
        }
        if !filter.statuses.is_empty() {
            params.push(Box::new(codes(
                &filter.statuses.iter().map(|s| s.code()).collect::<Vec<_>>(),
            )));
            where_sql.push_str(&format!(" AND v.status = ANY(${})", params.len()));
        }
        if !filter.kinds.is_empty() {
            params.push(Box::new(codes(
                &filter.kinds.iter().map(|k| k.code()).collect::<Vec<_>>(),
            )));
            where_sql.push_str(&format!(" AND v.kind = ANY(${})", params.len()));
        }
        let count_len = params.len();
        params.push(Box::new(first as i64 + 1));
        params.push(Box::new(offset as i64));
        let count_sql = format!("SELECT COUNT(*) FROM revisions v WHERE {where_sql}");
        let page_sql = format!(
            "SELECT v.body FROM revisions v WHERE {where_sql} ORDER BY v.updated_at, v.id LIMIT ${} OFFSET ${}",
            count_len + 1,
            count_len + 2
        );
        let client = self.client().await?;
        let all = refs(&params);
        let (total, rows) = futures::try_join!(
            client.query_one(&count_sql, &all[..count_len]),
            client.query(&page_sql, &all),
        )
        .map_err(pg_err)?;
        let total: i64 = total.get(0);
        let mut records: Vec<Record> = bodies(&rows)?;
        let has_next_page = records.len() > first;
        records.truncate(first);
        Ok(RevisionPage {
            records,
            has_next_page,
            total_count: total as u64,
        })
    }
}

#[async_trait]
impl RecordsWrite for PgStore {
    async fn write_records(&self, writes: &[RecordWrite]) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        apply_writes(&tx, writes).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn import_seed(&self, seed: &SeedData, writes: &[RecordWrite]) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        replace_reference(&tx, seed).await?;
        apply_writes(&tx, writes).await?;
        tx.commit().await.map_err(pg_err)
    }
}

#[async_trait]
impl Changes for PgStore {
    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<RecordChange>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT seq, record_id, kind, change, version,
                        (EXTRACT(EPOCH FROM at) * 1000000)::bigint
                 FROM record_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &(limit as i64)],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|row| {
                let id: String = row.get(1);
                let kind: String = row.get(2);
                let change: String = row.get(3);
                Ok(RecordChange {
                    seq: row.get(0),
                    record_id: RecordId::parse(&id).map_err(internal)?,
                    kind: RecordKind::from_code(&kind)
                        .ok_or_else(|| internal(format!("unknown kind {kind}")))?,
                    change: ChangeKind::from_code(&change)
                        .ok_or_else(|| internal(format!("unknown change {change}")))?,
                    version: row.get(4),
                    at: chrono::DateTime::from_timestamp_micros(row.get(5))
                        .ok_or_else(|| internal("change time out of range"))?,
                })
            })
            .collect()
    }

    async fn changes_head(&self, kind: Option<RecordKind>) -> StoreResult<i64> {
        let client = self.client().await?;
        let row = match kind {
            Some(kind) => {
                client
                    .query_one(
                        "SELECT MAX(seq) FROM record_changes WHERE kind = $1",
                        &[&kind.code()],
                    )
                    .await
            }
            None => {
                client
                    .query_one("SELECT MAX(seq) FROM record_changes", &[])
                    .await
            }
        }
        .map_err(pg_err)?;
        Ok(row.get::<_, Option<i64>>(0).unwrap_or(0))
    }
}

#[async_trait]
impl Audit for PgStore {
    async fn history(&self, ids: &[RecordId]) -> StoreResult<Vec<HistoryEntry>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.query_bodies(
            "SELECT body FROM record_history WHERE record_id = ANY($1) ORDER BY record_id, seq",
            &[&self::ids(ids)],
        )
        .await
    }
}

#[async_trait]
impl Outbox for PgStore {
    async fn outbox_pending(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT seq, record_id FROM outbox ORDER BY seq LIMIT $1")
            .await
            .map_err(pg_err)?;
        let rows = client
            .query(&stmt, &[&(limit as i64)])
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|row| {
                Ok(OutboxEntry {
                    seq: row.get(0),
                    record_id: RecordId::parse(row.get::<_, &str>(1)).map_err(internal)?,
                })
            })
            .collect()
    }

    async fn outbox_ack(&self, seqs: &[i64]) -> StoreResult<()> {
        if seqs.is_empty() {
            return Ok(());
        }
        self.client()
            .await?
            .execute("DELETE FROM outbox WHERE seq = ANY($1)", &[&seqs])
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn outbox_stats(&self) -> StoreResult<OutboxStats> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT COUNT(*), EXTRACT(EPOCH FROM now() - MIN(created_at))::bigint FROM outbox",
                &[],
            )
            .await
            .map_err(pg_err)?;
        Ok(OutboxStats {
            pending: row.get::<_, i64>(0) as u64,
            oldest_age_secs: row.get::<_, Option<i64>>(1).map(|s| s.max(0) as u64),
        })
    }

    async fn outbox_enqueue_all(&self) -> StoreResult<u64> {
        self.client()
            .await?
            .execute(
                "INSERT INTO outbox (record_id) SELECT id FROM records ORDER BY id",
                &[],
            )
            .await
            .map_err(pg_err)
    }
}

#[async_trait]
impl Keys for PgStore {
    async fn insert_key(&self, key: &ApiKey, secret_hash: &str) -> StoreResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO api_keys (id, secret_hash, created_at, body) VALUES ($1, $2, $3, $4)",
                &[
                    &key.id,
                    &secret_hash,
                    &key.created_at.to_rfc3339(),
                    &to_json(key)?,
                ],
            )
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
        Ok(self
            .query_bodies(
                "SELECT body FROM api_keys WHERE secret_hash = $1",
                &[&secret_hash],
            )
            .await?
            .pop())
    }

    async fn list_keys(&self) -> StoreResult<Vec<ApiKey>> {
        self.query_bodies(
            "SELECT body FROM api_keys ORDER BY created_at DESC, id",
            &[],
        )
        .await
    }

    async fn revoke_key(&self, id: &str, at: chrono::DateTime<Utc>) -> StoreResult<()> {
        self.update_key(id, |key, _| key.revoked_at = Some(at))
            .await
    }

    async fn replace_key_secret(
        &self,
        id: &str,
        secret_hash: &str,
        prefix: &str,
    ) -> StoreResult<()> {
        self.update_key(id, |key, new_hash| {
            key.prefix = prefix.to_owned();
            *new_hash = Some(secret_hash.to_owned());
        })
        .await
    }
}

impl PgStore {
    /// Changes a stored key (and optionally its secret's hash) in one transaction.
    async fn update_key(
        &self,
        id: &str,
        change: impl FnOnce(&mut ApiKey, &mut Option<String>) + Send,
    ) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        let rows = tx
            .query("SELECT body FROM api_keys WHERE id = $1 FOR UPDATE", &[&id])
            .await
            .map_err(pg_err)?;
        let Some(mut key) = bodies::<ApiKey>(&rows)?.pop() else {
            return Err(StoreError::NotFound(format!("no key with id '{id}'")));
        };
        let mut new_hash = None;
        change(&mut key, &mut new_hash);
        tx.execute(
            "UPDATE api_keys SET body = $1, secret_hash = COALESCE($2, secret_hash) WHERE id = $3",
            &[&to_json(&key)?, &new_hash, &id],
        )
        .await
        .map_err(pg_err)?;
        tx.commit().await.map_err(pg_err)
    }
}

#[async_trait]
impl Bookkeeping for PgStore {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .client()
            .await?
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])
            .await
            .map_err(pg_err)?
            .map(|r| r.get(0)))
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&key, &value],
            )
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn next_in_sequence(&self, name: &str) -> StoreResult<u64> {
        let key = format!("sequence.{name}");
        let row = self
            .client()
            .await?
            .query_one(
                "INSERT INTO meta (key, value) VALUES ($1, '1')
                 ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text
                 RETURNING value",
                &[&key],
            )
            .await
            .map_err(pg_err)?;
        row.get::<_, &str>(0)
            .parse()
            .map_err(|e| internal(format!("sequence {name}: {e}")))
    }
}

/// A session advisory lock on a connection of its own.
struct PgLock {
    client: Client,
}

#[async_trait]
impl HeldLock for PgLock {
    async fn still_held(&self) -> bool {
        !self.client.is_closed() && self.client.simple_query("SELECT 1").await.is_ok()
    }
}

#[async_trait]
impl Locks for PgStore {
    async fn lock(&self, name: &str) -> StoreResult<Box<dyn HeldLock>> {
        let client = self.dedicated().await?;
        client
            .execute(
                "SELECT pg_advisory_lock($1, $2)",
                &[&LOCK_CLASS_NAMED, &lock_key(name)],
            )
            .await
            .map_err(pg_err)?;
        Ok(Box::new(PgLock { client }))
    }

    async fn try_lock(&self, name: &str) -> StoreResult<Option<Box<dyn HeldLock>>> {
        let client = self.dedicated().await?;
        let got: bool = client
            .query_one(
                "SELECT pg_try_advisory_lock($1, $2)",
                &[&LOCK_CLASS_NAMED, &lock_key(name)],
            )
            .await
            .map_err(pg_err)?
            .get(0);
        Ok(got.then(|| Box::new(PgLock { client }) as Box<dyn HeldLock>))
    }
}

#[async_trait]
impl Nodes for PgStore {
    async fn node_heartbeat(&self, node: &NodeInfo) -> StoreResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO nodes (id, body, seen_at) VALUES ($1, $2, now())
                 ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, seen_at = now()",
                &[&node.id, &to_json(node)?],
            )
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn live_nodes(&self, within_secs: u64) -> StoreResult<Vec<LiveNode>> {
        let client = self.client().await?;
        let within = within_secs as f64;
        client
            .execute(
                "DELETE FROM nodes WHERE seen_at < now() - make_interval(secs => $1)",
                &[&within],
            )
            .await
            .map_err(pg_err)?;
        let rows = client
            .query(
                "SELECT body, EXTRACT(EPOCH FROM now() - seen_at)::bigint FROM nodes",
                &[],
            )
            .await
            .map_err(pg_err)?;
        let mut nodes = rows
            .iter()
            .map(|row| {
                Ok(LiveNode {
                    node: from_json(row.get::<_, &str>(0))?,
                    seen_secs_ago: row.get::<_, i64>(1).max(0) as u64,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        nodes.sort_by(|a, b| (a.node.started_at, &a.node.id).cmp(&(b.node.started_at, &b.node.id)));
        Ok(nodes)
    }

    async fn node_leave(&self, id: &str) -> StoreResult<()> {
        self.client()
            .await?
            .execute("DELETE FROM nodes WHERE id = $1", &[&id])
            .await
            .map(|_| ())
            .map_err(pg_err)
    }
}

#[async_trait]
impl Transfer for PgStore {
    async fn dump(&self) -> StoreResult<StoreDump> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(pg_err)?;
        let q = |sql: &'static str| {
            let tx = &tx;
            async move { tx.query(sql, &[]).await.map_err(pg_err) }
        };
        let dump = StoreDump {
            reference: SeedData {
                regions: bodies(&q("SELECT body FROM regions ORDER BY code").await?)?,
                countries: bodies(&q("SELECT body FROM countries ORDER BY code").await?)?,
                instruments: bodies(&q("SELECT body FROM instruments ORDER BY position").await?)?,
                ratifications: bodies(
                    &q("SELECT body FROM ratifications ORDER BY instrument, country").await?,
                )?,
                records: Vec::new(),
            },
            catalogue: with_origin(&q("SELECT body, origin FROM records ORDER BY id").await?)?,
            revisions: with_origin(&q("SELECT body, origin FROM revisions ORDER BY id").await?)?,
            history: bodies(&q("SELECT body FROM record_history ORDER BY seq").await?)?,
            keys: q("SELECT body, secret_hash FROM api_keys ORDER BY id")
                .await?
                .iter()
                .map(|row| Ok((from_json(row.get::<_, &str>(0))?, row.get(1))))
                .collect::<StoreResult<_>>()?,
            meta: q("SELECT key, value FROM meta WHERE key <> 'webhooks.position' ORDER BY key")
                .await?
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect(),
            webhooks: bodies::<Webhook>(
                &q("SELECT body FROM webhooks ORDER BY created_at, id").await?,
            )?
            .into_iter()
            .map(|mut hook| {
                hook.after_seq = 0;
                hook
            })
            .collect(),
        };
        tx.commit().await.map_err(pg_err)?;
        Ok(dump)
    }

    async fn restore(&self, dump: &StoreDump) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        let held: i64 = tx
            .query_one(
                "SELECT (SELECT COUNT(*) FROM records) + (SELECT COUNT(*) FROM revisions) + (SELECT COUNT(*) FROM api_keys)",
                &[],
            )
            .await
            .map_err(pg_err)?
            .get(0);
        if held > 0 {
            return Err(StoreError::Conflict(format!(
                "the target store is not empty ({held} records, revisions or keys): copy into an empty one"
            )));
        }
        replace_reference(&tx, &dump.reference).await?;
        for chunk in dump.catalogue.chunks(CHUNK) {
            let mut rows = RecordRows::default();
            for (record, origin) in chunk {
                rows.push(record, *origin)?;
            }
            rows.write_catalogue(&tx).await?;
        }
        for chunk in dump.revisions.chunks(CHUNK) {
            let mut rows = RecordRows::default();
            for (record, origin) in chunk {
                rows.push(record, *origin)?;
            }
            rows.write_revisions(&tx).await?;
        }
        for chunk in dump.history.chunks(CHUNK) {
            write_history(&tx, &chunk.iter().collect::<Vec<_>>()).await?;
        }
        for (key, hash) in &dump.keys {
            tx.execute(
                "INSERT INTO api_keys (id, secret_hash, created_at, body) VALUES ($1, $2, $3, $4)",
                &[&key.id, hash, &key.created_at.to_rfc3339(), &to_json(key)?],
            )
            .await
            .map_err(pg_err)?;
        }
        for (key, value) in &dump.meta {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[key, value],
            )
            .await
            .map_err(pg_err)?;
        }
        for hook in &dump.webhooks {
            put_webhook(&tx, hook).await?;
        }
        tx.commit().await.map_err(pg_err)
    }
}

/// The meta key holding the webhook dispatcher's position in the change log.
const WEBHOOK_POSITION: &str = "webhooks.position";

/// Writes one webhook, on a connection or in a transaction.
async fn put_webhook(
    db: &impl deadpool_postgres::GenericClient,
    hook: &Webhook,
) -> StoreResult<()> {
    db.execute(
        "INSERT INTO webhooks (id, key_id, created_at, body) VALUES ($1, $2, $3, $4)",
        &[
            &hook.id,
            &hook.key_id,
            &hook.created_at.to_rfc3339(),
            &to_json(hook)?,
        ],
    )
    .await
    .map(|_| ())
    .map_err(pg_err)
}

/// A delivery from a row starting `(id, payload, body)`.
fn delivery_from(row: &Row) -> StoreResult<Delivery> {
    let mut delivery: Delivery = from_json(row.get::<_, &str>(2))?;
    delivery.id = row.get(0);
    delivery.payload = row.get(1);
    Ok(delivery)
}

fn millis(at: Option<chrono::DateTime<Utc>>) -> Option<i64> {
    at.map(|t| t.timestamp_millis())
}

#[async_trait]
impl Webhooks for PgStore {
    async fn insert_webhook(&self, hook: &Webhook) -> StoreResult<()> {
        let client = self.client().await?;
        put_webhook(&client, hook).await
    }

    async fn list_webhooks(&self, key_id: Option<&str>) -> StoreResult<Vec<Webhook>> {
        match key_id {
            Some(key) => {
                self.query_bodies(
                    "SELECT body FROM webhooks WHERE key_id = $1 ORDER BY created_at, id",
                    &[&key],
                )
                .await
            }
            None => {
                self.query_bodies("SELECT body FROM webhooks ORDER BY created_at, id", &[])
                    .await
            }
        }
    }

    async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        let n = self
            .client()
            .await?
            .execute("DELETE FROM webhooks WHERE id = $1", &[&id])
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no webhook with id '{id}'")));
        }
        Ok(())
    }

    async fn enqueue_deliveries(&self, new: &[NewDelivery], position: i64) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        let insert = tx
            .prepare_cached(
                "INSERT INTO webhook_deliveries
                    (webhook_id, seq, status, next_attempt_ms, payload, body)
                 SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = $1)
                 ON CONFLICT (webhook_id, seq) DO NOTHING",
            )
            .await
            .map_err(pg_err)?;
        for d in new {
            let delivery = Delivery::new(0, d.clone());
            tx.execute(
                &insert,
                &[
                    &delivery.webhook_id,
                    &delivery.seq,
                    &delivery.status.code(),
                    &millis(delivery.next_attempt_at),
                    &delivery.payload,
                    &to_json(&delivery)?,
                ],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&WEBHOOK_POSITION, &position.to_string()],
        )
        .await
        .map_err(pg_err)?;
        tx.commit().await.map_err(pg_err)
    }

    async fn webhook_position(&self) -> StoreResult<Option<i64>> {
        let value = self.get_meta(WEBHOOK_POSITION).await?;
        value
            .map(|v| v.parse::<i64>().map_err(internal))
            .transpose()
    }

    async fn due_deliveries(
        &self,
        now: chrono::DateTime<Utc>,
        limit: usize,
    ) -> StoreResult<Vec<(Delivery, Webhook)>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT d.id, d.payload, d.body, w.body FROM webhook_deliveries d
                 JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.status = 'PENDING' AND d.next_attempt_ms <= $1
                 ORDER BY d.next_attempt_ms, d.id LIMIT $2",
                &[&now.timestamp_millis(), &(limit as i64)],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|row| Ok((delivery_from(row)?, from_json(row.get::<_, &str>(3))?)))
            .collect()
    }

    async fn update_delivery(&self, delivery: &Delivery) -> StoreResult<()> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE webhook_deliveries SET status = $1, next_attempt_ms = $2, body = $3 WHERE id = $4",
                &[
                    &delivery.status.code(),
                    &millis(delivery.next_attempt_at),
                    &to_json(delivery)?,
                    &delivery.id,
                ],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "no delivery {} (its webhook was deleted)",
                delivery.id
            )));
        }
        Ok(())
    }

    async fn deliveries(
        &self,
        webhook_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, payload, body FROM webhook_deliveries
                 WHERE webhook_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                &[&webhook_id, &before.unwrap_or(i64::MAX), &(limit as i64)],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(delivery_from).collect()
    }
}
