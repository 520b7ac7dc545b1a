//! The embedded store: one SQLite file in WAL mode under the data folder.
//!
//! Records are kept as JSON bodies (the domain structs, serialised) with the columns and side
//! tables that filters need: countries per record and facet values per record. SQLite calls
//! block, so each runs on tokio's blocking pool with a connection from a small pool.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::Utc;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

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
use tipx_schema::vocab::{RecordKind, RecordStatus, Vocabulary};

use super::migrations::{Migration, SQLITE_MIGRATIONS};

const MAX_IDLE_CONNECTIONS: usize = 8;

pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

fn internal(err: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(err.to_string())
}

fn sql_err(err: rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
        {
            StoreError::Unavailable(err.to_string())
        }
        other => internal(other),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) `tipx.sqlite3` in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create data folder {}: {e}",
                data_dir.display()
            ))
        })?;
        // SQLite says only "unable to open database file" when it cannot make its journal
        // files; a small probe names the real cause (a read-only disk, a permission).
        let probe = data_dir.join(".tipx-write-probe");
        std::fs::write(&probe, b"")
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|e| {
                StoreError::Unavailable(format!(
                    "cannot write in data folder {}: {e}",
                    data_dir.display()
                ))
            })?;
        let path = data_dir.join("tipx.sqlite3");
        let inner = Inner {
            path,
            idle: Mutex::new(Vec::new()),
        };
        let mut conn = inner.connect()?;
        migrate(&mut conn)?;
        inner.give_back(conn);
        Ok(SqliteStore {
            inner: Arc::new(inner),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` with a pooled connection on the blocking pool.
    async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.take()?;
            let result = f(&mut conn);
            inner.give_back(conn);
            result
        })
        .await
        .map_err(internal)?
    }
}

impl Inner {
    fn connect(&self) -> StoreResult<Connection> {
        let conn = Connection::open(&self.path).map_err(|e| {
            StoreError::Unavailable(format!("cannot open {}: {e}", self.path.display()))
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql_err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(sql_err)?;
        // Writes repeat a few dozen statements (thousands of times in an import): keep them
        // all prepared.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn take(&self) -> StoreResult<Connection> {
        let pooled = self.idle.lock().map_err(internal)?.pop();
        match pooled {
            Some(conn) => Ok(conn),
            None => self.connect(),
        }
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE_CONNECTIONS {
                idle.push(conn);
            }
        }
    }
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let done: usize = conn
        .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map_err(sql_err)? as usize;
    if done > SQLITE_MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "the database schema (version {done}) is newer than this tipx (version {}): upgrade tipx",
            SQLITE_MIGRATIONS.len()
        )));
    }
    for migration in SQLITE_MIGRATIONS.iter().skip(done) {
        let tx = write_transaction(conn)?;
        tx.execute_batch(migration.sql).map_err(sql_err)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", migration.version))
            .map_err(sql_err)?;
        tx.commit().map_err(sql_err)?;
        tracing::info!(
            migration = migration.version,
            name = migration.name,
            "database migrated"
        );
    }
    Ok(())
}

/// Which migrations have run on the database in `data_dir` and which would run, without
/// running them (nothing has run when there is no database yet).
pub fn sqlite_migration_status(data_dir: &Path) -> StoreResult<Vec<(&'static Migration, bool)>> {
    let path = data_dir.join("tipx.sqlite3");
    let done = if path.exists() {
        let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| {
            StoreError::Unavailable(format!("cannot open {}: {e}", path.display()))
        })?;
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(sql_err)?
    } else {
        0
    };
    Ok(SQLITE_MIGRATIONS
        .iter()
        .map(|m| (m, i64::from(m.version) <= done))
        .collect())
}

/// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A deferred one that
/// reads first and writes later cannot wait for another writer (SQLite answers "database is
/// locked" at once instead of honouring the busy timeout), which two connections of the pool,
/// or `tipx keys` next to a running server, would hit.
fn write_transaction(conn: &mut Connection) -> StoreResult<Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sql_err)
}

fn from_json<T: serde::de::DeserializeOwned>(body: &str) -> StoreResult<T> {
    serde_json::from_str(body).map_err(|e| internal(format!("corrupt stored JSON: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(internal)
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

fn query_bodies<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    args: Vec<SqlValue>,
) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(sql_err)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| r.get::<_, String>(0))
        .map_err(sql_err)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(from_json(&row.map_err(sql_err)?)?);
    }
    Ok(out)
}

fn text_args<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Vec<SqlValue> {
    items
        .into_iter()
        .map(|s| SqlValue::Text(s.into()))
        .collect()
}

/// The WHERE clause (after `r.kind = ? AND r.status = 'PUBLISHED'`) for a filter.
fn filter_sql(filter: &RecordFilter, sql: &mut String, args: &mut Vec<SqlValue>) {
    let global = if filter.include_global {
        " OR r.is_global = 1"
    } else {
        ""
    };
    if !filter.countries.is_empty() {
        sql.push_str(&format!(
            " AND (EXISTS (SELECT 1 FROM record_countries rc WHERE rc.record_id = r.id AND rc.country IN ({})){global})",
            placeholders(filter.countries.len())
        ));
        args.extend(text_args(
            filter.countries.iter().map(|c| c.as_str().to_owned()),
        ));
    }
    if !filter.regions.is_empty() {
        let p = placeholders(filter.regions.len());
        sql.push_str(&format!(
            " AND (EXISTS (SELECT 1 FROM record_countries rc JOIN countries c ON c.code = rc.country \
               WHERE rc.record_id = r.id AND (c.region IN ({p}) OR c.sub_region IN ({p}) OR c.intermediate_region IN ({p}))){global})"
        ));
        for _ in 0..3 {
            args.extend(text_args(
                filter.regions.iter().map(|r| r.as_str().to_owned()),
            ));
        }
    }
    for (facet, values) in filter.facet_conditions() {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM record_facets f WHERE f.record_id = r.id AND f.facet = '{facet}' AND f.value IN ({}))",
            placeholders(values.len())
        ));
        args.extend(text_args(values));
    }
    if let Some(from) = filter.year_from {
        sql.push_str(" AND r.year_start IS NOT NULL AND (r.year_end IS NULL OR r.year_end >= ?)");
        args.push(SqlValue::Integer(from.into()));
    }
    if let Some(to) = filter.year_to {
        sql.push_str(" AND r.year_start IS NOT NULL AND r.year_start <= ?");
        args.push(SqlValue::Integer(to.into()));
    }
}

fn enqueue(tx: &Transaction<'_>, id: &str) -> StoreResult<()> {
    exec(
        tx,
        "INSERT INTO outbox (record_id, created_at) VALUES (?, ?)",
        params![
            id,
            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ],
    )
    .map_err(sql_err)?;
    Ok(())
}

/// Appends to the public change log when this catalogue write changes what the public sees.
/// SQLite has one writer at a time, so `seq` follows commit order.
fn log_change(tx: &Transaction<'_>, record: &Record) -> StoreResult<()> {
    let before: Option<String> = tx
        .query_row(
            "SELECT status FROM records WHERE id = ?",
            [record.id().as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql_err)?;
    let before = before.as_deref().and_then(RecordStatus::from_code);
    if let Some(change) = ChangeKind::of_write(before, record.meta().status) {
        exec(
            tx,
            "INSERT INTO record_changes (record_id, kind, change, version, at) VALUES (?, ?, ?, ?, ?)",
            params![
                record.id().as_str(),
                record.kind().code(),
                change.code(),
                record.meta().version,
                Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            ],
        )
        .map_err(sql_err)?;
    }
    Ok(())
}

/// Writes a record and its filter side tables (replacing what was there), and enqueues it for
/// the search index in the same transaction.
fn write_record(tx: &Transaction<'_>, record: &Record, origin: &str) -> StoreResult<()> {
    let id = record.id().as_str();
    enqueue(tx, id)?;
    log_change(tx, record)?;
    let (year_start, year_end) = match record.years() {
        Some((start, end)) => (Some(start), end),
        None => (None, None),
    };
    exec(
        tx,
        "INSERT INTO records (id, kind, status, year_start, year_end, is_global, origin, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET kind = ?2, status = ?3, year_start = ?4, year_end = ?5,
             is_global = ?6, origin = ?7, body = ?8",
        params![
            id,
            record.kind().code(),
            record.meta().status.code(),
            year_start,
            year_end,
            record.is_global(),
            origin,
            to_json(record)?
        ],
    )
    .map_err(sql_err)?;
    exec(tx, "DELETE FROM record_countries WHERE record_id = ?", [id]).map_err(sql_err)?;
    exec(tx, "DELETE FROM record_facets WHERE record_id = ?", [id]).map_err(sql_err)?;
    for country in record.countries() {
        exec(
            tx,
            "INSERT OR IGNORE INTO record_countries (record_id, country) VALUES (?, ?)",
            [id, country.as_str()],
        )
        .map_err(sql_err)?;
    }
    let values = record.facets().pairs();
    for (facet, value) in values {
        exec(
            tx,
            "INSERT OR IGNORE INTO record_facets (record_id, facet, value) VALUES (?, ?, ?)",
            [id, facet, value],
        )
        .map_err(sql_err)?;
    }
    Ok(())
}

/// Replaces the reference tables whole with the seed's.
fn replace_reference(tx: &Transaction<'_>, seed: &SeedData) -> StoreResult<()> {
    tx.execute_batch("DELETE FROM regions; DELETE FROM countries; DELETE FROM instruments; DELETE FROM ratifications;")
        .map_err(sql_err)?;
    for r in &seed.regions {
        exec(
            tx,
            "INSERT INTO regions (code, body) VALUES (?, ?)",
            params![r.code.as_str(), to_json(r)?],
        )
        .map_err(sql_err)?;
    }
    for c in &seed.countries {
        exec(
            tx,
            "INSERT INTO countries (code, alpha3, name, region, sub_region, intermediate_region, body)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            params![
                c.code.as_str(),
                c.alpha3,
                c.name,
                c.region.as_ref().map(M49Code::as_str),
                c.sub_region.as_ref().map(M49Code::as_str),
                c.intermediate_region.as_ref().map(M49Code::as_str),
                to_json(c)?
            ],
        )
        .map_err(sql_err)?;
    }
    for (position, i) in seed.instruments.iter().enumerate() {
        exec(
            tx,
            "INSERT INTO instruments (id, position, body) VALUES (?, ?, ?)",
            params![i.id, position as i64, to_json(i)?],
        )
        .map_err(sql_err)?;
    }
    for r in &seed.ratifications {
        exec(
            tx,
            "INSERT INTO ratifications (instrument, country, body) VALUES (?, ?, ?)",
            params![r.instrument, r.country.as_str(), to_json(r)?],
        )
        .map_err(sql_err)?;
    }
    Ok(())
}

/// Runs a statement through the connection's cache of prepared statements.
fn exec<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// The latest stored version of a record: its catalogue row or its revision, whichever is newer.
fn stored_version(tx: &Transaction<'_>, id: &str) -> StoreResult<Option<i32>> {
    let catalogue: Option<String> = tx
        .prepare_cached("SELECT body FROM records WHERE id = ?")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .optional()
        .map_err(sql_err)?;
    let catalogue = match catalogue {
        Some(body) => Some(from_json::<Record>(&body)?.meta().version),
        None => None,
    };
    let revision: Option<i32> = tx
        .prepare_cached("SELECT version FROM revisions WHERE id = ?")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .optional()
        .map_err(sql_err)?;
    Ok(catalogue.max(revision))
}

/// Writes a revision row and its countries (replacing what was there).
fn write_revision(tx: &Transaction<'_>, record: &Record, origin: &str) -> StoreResult<()> {
    let id = record.id().as_str();
    exec(
        tx,
        "INSERT INTO revisions (id, kind, status, version, updated_at, origin, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET kind = ?2, status = ?3, version = ?4, updated_at = ?5,
             origin = ?6, body = ?7",
        params![
            id,
            record.kind().code(),
            record.meta().status.code(),
            record.meta().version,
            record
                .meta()
                .updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            origin,
            to_json(record)?
        ],
    )
    .map_err(sql_err)?;
    exec(
        tx,
        "DELETE FROM revision_countries WHERE record_id = ?",
        [id],
    )
    .map_err(sql_err)?;
    for country in record.countries() {
        exec(
            tx,
            "INSERT OR IGNORE INTO revision_countries (record_id, country) VALUES (?, ?)",
            [id, country.as_str()],
        )
        .map_err(sql_err)?;
    }
    Ok(())
}

/// Applies writes inside a transaction: each one checks the stored version it expects, then
/// writes the record where it goes (a catalogue write also queues it for the search index),
/// and its history entry.
fn apply_writes(tx: &Transaction<'_>, writes: &[RecordWrite]) -> StoreResult<()> {
    for write in writes {
        let id = write.record.id().as_str();
        let stored = stored_version(tx, id)?;
        if stored != write.expected_version {
            return Err(StoreError::Conflict(
                match (stored, write.expected_version) {
                    (Some(v), Some(e)) => {
                        format!("record {id} is at version {v}, not {e}: reload it and try again")
                    }
                    (Some(_), None) => format!("record {id} already exists"),
                    (None, _) => format!("record {id} does not exist"),
                },
            ));
        }
        match write.slot {
            Slot::Catalogue => write_record(tx, &write.record, write.origin.code())?,
            Slot::Revision => write_revision(tx, &write.record, write.origin.code())?,
        }
        if write.clear_revision {
            exec(tx, "DELETE FROM revisions WHERE id = ?", [id]).map_err(sql_err)?;
        }
        exec(
            tx,
            "INSERT INTO record_history (record_id, version, body) VALUES (?, ?, ?)",
            params![id, write.history.version, to_json(&write.history)?],
        )
        .map_err(sql_err)?;
    }
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.run(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(sql_err))
            .await
    }
}

#[async_trait]
impl ReferenceData for SqliteStore {
    async fn countries(&self, codes: &[CountryCode]) -> StoreResult<Vec<Country>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(codes.iter().map(|c| c.as_str().to_owned()));
        let sql = format!(
            "SELECT body FROM countries WHERE code IN ({})",
            placeholders(codes.len())
        );
        self.run(move |c| query_bodies(c, &sql, args)).await
    }

    async fn countries_by_alpha3(&self, codes: &[String]) -> StoreResult<Vec<Country>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(codes.iter().cloned());
        let sql = format!(
            "SELECT body FROM countries WHERE alpha3 IN ({})",
            placeholders(codes.len())
        );
        self.run(move |c| query_bodies(c, &sql, args)).await
    }

    async fn list_countries(&self, region: Option<&M49Code>) -> StoreResult<Vec<Country>> {
        let region = region.map(|r| r.as_str().to_owned());
        self.run(move |c| match region {
            None => query_bodies(c, "SELECT body FROM countries ORDER BY name", Vec::new()),
            Some(code) => query_bodies(
                c,
                "SELECT body FROM countries WHERE region = ?1 OR sub_region = ?1 OR intermediate_region = ?1 ORDER BY name",
                vec![SqlValue::Text(code)],
            ),
        })
        .await
    }

    async fn regions(&self) -> StoreResult<Vec<Region>> {
        self.run(|c| query_bodies(c, "SELECT body FROM regions ORDER BY code", Vec::new()))
            .await
    }

    async fn instruments(&self) -> StoreResult<Vec<Instrument>> {
        self.run(|c| {
            query_bodies(
                c,
                "SELECT body FROM instruments ORDER BY position",
                Vec::new(),
            )
        })
        .await
    }

    async fn ratifications(&self, countries: &[CountryCode]) -> StoreResult<Vec<Ratification>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(countries.iter().map(|c| c.as_str().to_owned()));
        let sql = format!(
            "SELECT r.body FROM ratifications r LEFT JOIN instruments i ON i.id = r.instrument
             WHERE r.country IN ({}) ORDER BY r.country, i.position",
            placeholders(countries.len())
        );
        self.run(move |c| query_bodies(c, &sql, args)).await
    }
}

#[async_trait]
impl RecordsRead for SqliteStore {
    async fn records(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(ids.iter().map(|i| i.as_str().to_owned()));
        let sql = format!(
            "SELECT body FROM records WHERE status = 'PUBLISHED' AND id IN ({})",
            placeholders(ids.len())
        );
        self.run(move |c| query_bodies(c, &sql, args)).await
    }

    async fn list_records(
        &self,
        kind: RecordKind,
        filter: &RecordFilter,
        page: &PageRequest,
    ) -> StoreResult<RecordPage> {
        let mut where_sql = String::from("r.kind = ? AND r.status = 'PUBLISHED'");
        let mut args = vec![SqlValue::Text(kind.code().to_owned())];
        filter_sql(filter, &mut where_sql, &mut args);
        let count_sql = format!("SELECT COUNT(*) FROM records r WHERE {where_sql}");
        let count_args = args.clone();
        let mut page_sql = format!("SELECT r.body FROM records r WHERE {where_sql}");
        if let Some(after) = &page.after {
            page_sql.push_str(" AND r.id > ?");
            args.push(SqlValue::Text(after.as_str().to_owned()));
        }
        page_sql.push_str(" ORDER BY r.id LIMIT ?");
        args.push(SqlValue::Integer(page.first as i64 + 1));
        let first = page.first;
        self.run(move |c| {
            let total: i64 = c
                .prepare_cached(&count_sql)
                .and_then(|mut s| s.query_row(params_from_iter(count_args), |r| r.get(0)))
                .map_err(sql_err)?;
            let mut records: Vec<Record> = query_bodies(c, &page_sql, args)?;
            let has_next_page = records.len() > first;
            records.truncate(first);
            Ok(RecordPage {
                records,
                has_next_page,
                total_count: total as u64,
            })
        })
        .await
    }

    async fn first_years(&self, kind: RecordKind) -> StoreResult<Vec<(CountryCode, i32)>> {
        let kind = kind.code().to_owned();
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT rc.country, MIN(r.year_start) FROM record_countries rc JOIN records r ON r.id = rc.record_id
                     WHERE r.status = 'PUBLISHED' AND r.kind = ?1 AND r.year_start IS NOT NULL
                     GROUP BY rc.country ORDER BY rc.country",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map([kind], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (country, year) = row.map_err(sql_err)?;
                out.push((CountryCode::parse(&country).map_err(internal)?, year as i32));
            }
            Ok(out)
        })
        .await
    }

    async fn record_counts(
        &self,
        countries: &[CountryCode],
    ) -> StoreResult<Vec<(CountryCode, RecordKind, u64)>> {
        if countries.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(countries.iter().map(|c| c.as_str().to_owned()));
        let sql = format!(
            "SELECT rc.country, r.kind, COUNT(*) FROM record_countries rc JOIN records r ON r.id = rc.record_id
             WHERE r.status = 'PUBLISHED' AND rc.country IN ({}) GROUP BY rc.country, r.kind",
            placeholders(countries.len())
        );
        self.run(move |c| {
            let mut stmt = c.prepare_cached(&sql).map_err(sql_err)?;
            let rows = stmt
                .query_map(params_from_iter(args), |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (country, kind, n) = row.map_err(sql_err)?;
                let country = CountryCode::parse(&country).map_err(internal)?;
                let kind = RecordKind::from_code(&kind)
                    .ok_or_else(|| internal(format!("unknown record kind {kind} in store")))?;
                out.push((country, kind, n as u64));
            }
            Ok(out)
        })
        .await
    }

    async fn records_any_status(&self, ids: &[RecordId]) -> StoreResult<Vec<(Record, Origin)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(ids.iter().map(|i| i.as_str().to_owned()));
        let sql = format!(
            "SELECT body, origin FROM records WHERE id IN ({})",
            placeholders(ids.len())
        );
        self.run(move |c| with_origin(c, &sql, args)).await
    }

    async fn revisions(&self, ids: &[RecordId]) -> StoreResult<Vec<Record>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(ids.iter().map(|i| i.as_str().to_owned()));
        let sql = format!(
            "SELECT body FROM revisions WHERE id IN ({})",
            placeholders(ids.len())
        );
        self.run(move |c| query_bodies(c, &sql, args)).await
    }

    async fn list_revisions(
        &self,
        filter: &RevisionFilter,
        first: usize,
        offset: usize,
    ) -> StoreResult<RevisionPage> {
        self.revisions_where(filter, first, offset).await
    }
}

impl SqliteStore {
    async fn revisions_where(
        &self,
        filter: &RevisionFilter,
        first: usize,
        offset: usize,
    ) -> StoreResult<RevisionPage> {
        let mut where_sql = String::from("1 = 1");
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(countries) = &filter.countries {
            where_sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM revision_countries rc WHERE rc.record_id = v.id AND rc.country IN ({}))",
                placeholders(countries.len().max(1))
            ));
            if countries.is_empty() {
                args.push(SqlValue::Null);
            }
            args.extend(text_args(countries.iter().map(|c| c.as_str().to_owned())));
        }
        if !filter.statuses.is_empty() {
            where_sql.push_str(&format!(
                " AND v.status IN ({})",
                placeholders(filter.statuses.len())
            ));
            args.extend(text_args(filter.statuses.iter().map(|s| s.code())));
        }
        if !filter.kinds.is_empty() {
            where_sql.push_str(&format!(
                " AND v.kind IN ({})",
                placeholders(filter.kinds.len())
            ));
            args.extend(text_args(filter.kinds.iter().map(|k| k.code())));
        }
        let count_sql = format!("SELECT COUNT(*) FROM revisions v WHERE {where_sql}");
        let count_args = args.clone();
        let page_sql = format!(
            "SELECT v.body FROM revisions v WHERE {where_sql} ORDER BY v.updated_at, v.id LIMIT ? OFFSET ?"
        );
        args.push(SqlValue::Integer(first as i64 + 1));
        args.push(SqlValue::Integer(offset as i64));
        self.run(move |c| {
            let total: i64 = c
                .query_row(&count_sql, params_from_iter(count_args), |r| r.get(0))
                .map_err(sql_err)?;
            let mut records: Vec<Record> = query_bodies(c, &page_sql, args)?;
            let has_next_page = records.len() > first;
            records.truncate(first);
            Ok(RevisionPage {
                records,
                has_next_page,
                total_count: total as u64,
            })
        })
        .await
    }
}

#[async_trait]
impl RecordsWrite for SqliteStore {
    async fn write_records(&self, writes: &[RecordWrite]) -> StoreResult<()> {
        let writes = writes.to_vec();
        self.run(move |c| {
            let tx = write_transaction(c)?;
            apply_writes(&tx, &writes)?;
            tx.commit().map_err(sql_err)
        })
        .await
    }

    async fn import_seed(&self, seed: &SeedData, writes: &[RecordWrite]) -> StoreResult<()> {
        let seed = SeedData {
            records: Vec::new(),
            ..seed.clone()
        };
        let writes = writes.to_vec();
        self.run(move |c| {
            let tx = write_transaction(c)?;
            replace_reference(&tx, &seed)?;
            apply_writes(&tx, &writes)?;
            tx.commit().map_err(sql_err)?;
            // One large transaction leaves a write-ahead log as large as what it wrote;
            // copy it into the database and truncate it, so the data folder is not twice
            // the data. (Best effort: a reader holding an old snapshot only delays it.)
            let _ = c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl Audit for SqliteStore {
    async fn history(&self, ids: &[RecordId]) -> StoreResult<Vec<HistoryEntry>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let args = text_args(ids.iter().map(|i| i.as_str().to_owned()));
        let sql = format!(
            "SELECT body FROM record_history WHERE record_id IN ({}) ORDER BY record_id, seq",
            placeholders(ids.len())
        );
        self.run(move |c| query_bodies(c, &sql, args)).await
    }
}

#[async_trait]
impl Outbox for SqliteStore {
    async fn outbox_pending(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT seq, record_id FROM outbox ORDER BY seq LIMIT ?")
                .map_err(sql_err)?;
            let rows = stmt
                .query_map([limit as i64], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, id) = row.map_err(sql_err)?;
                out.push(OutboxEntry {
                    seq,
                    record_id: RecordId::parse(&id).map_err(internal)?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn outbox_ack(&self, seqs: &[i64]) -> StoreResult<()> {
        if seqs.is_empty() {
            return Ok(());
        }
        let seqs = seqs.to_vec();
        self.run(move |c| {
            let tx = write_transaction(c)?;
            for chunk in seqs.chunks(500) {
                let sql = format!(
                    "DELETE FROM outbox WHERE seq IN ({})",
                    placeholders(chunk.len())
                );
                exec(&tx, &sql, params_from_iter(chunk.iter().copied())).map_err(sql_err)?;
            }
            tx.commit().map_err(sql_err)
        })
        .await
    }

    async fn outbox_stats(&self) -> StoreResult<OutboxStats> {
        self.run(|c| {
            let (pending, oldest): (i64, Option<String>) = c
                .query_row("SELECT COUNT(*), MIN(created_at) FROM outbox", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(sql_err)?;
            let oldest_age_secs = oldest
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| (Utc::now() - t.with_timezone(&Utc)).num_seconds().max(0) as u64);
            Ok(OutboxStats {
                pending: pending as u64,
                oldest_age_secs,
            })
        })
        .await
    }

    async fn outbox_enqueue_all(&self) -> StoreResult<u64> {
        self.run(|c| {
            let n = c
                .execute(
                    "INSERT INTO outbox (record_id, created_at) SELECT id, ? FROM records",
                    [Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)],
                )
                .map_err(sql_err)?;
            Ok(n as u64)
        })
        .await
    }
}

#[async_trait]
impl Changes for SqliteStore {
    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<RecordChange>> {
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT seq, record_id, kind, change, version, at FROM record_changes
                     WHERE seq > ? ORDER BY seq LIMIT ?",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(params![after, limit as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i32>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, id, kind, change, version, at) = row.map_err(sql_err)?;
                out.push(RecordChange {
                    seq,
                    record_id: RecordId::parse(&id).map_err(internal)?,
                    kind: RecordKind::from_code(&kind)
                        .ok_or_else(|| internal(format!("unknown kind {kind}")))?,
                    change: ChangeKind::from_code(&change)
                        .ok_or_else(|| internal(format!("unknown change {change}")))?,
                    version,
                    at: chrono::DateTime::parse_from_rfc3339(&at)
                        .map_err(internal)?
                        .with_timezone(&Utc),
                });
            }
            Ok(out)
        })
        .await
    }

    async fn changes_head(&self, kind: Option<RecordKind>) -> StoreResult<i64> {
        self.run(move |c| {
            let head: Option<i64> = match kind {
                Some(kind) => c.query_row(
                    "SELECT MAX(seq) FROM record_changes WHERE kind = ?",
                    [kind.code()],
                    |r| r.get(0),
                ),
                None => c.query_row("SELECT MAX(seq) FROM record_changes", [], |r| r.get(0)),
            }
            .map_err(sql_err)?;
            Ok(head.unwrap_or(0))
        })
        .await
    }
}

#[async_trait]
impl Keys for SqliteStore {
    async fn insert_key(&self, key: &ApiKey, secret_hash: &str) -> StoreResult<()> {
        let (key, hash) = (key.clone(), secret_hash.to_owned());
        self.run(move |c| {
            c.execute(
                "INSERT INTO api_keys (id, secret_hash, created_at, body) VALUES (?, ?, ?, ?)",
                params![key.id, hash, key.created_at.to_rfc3339(), to_json(&key)?],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
        let hash = secret_hash.to_owned();
        self.run(move |c| {
            Ok(query_bodies::<ApiKey>(
                c,
                "SELECT body FROM api_keys WHERE secret_hash = ?",
                vec![SqlValue::Text(hash)],
            )?
            .pop())
        })
        .await
    }

    async fn list_keys(&self) -> StoreResult<Vec<ApiKey>> {
        self.run(|c| {
            query_bodies(
                c,
                "SELECT body FROM api_keys ORDER BY created_at DESC, id",
                Vec::new(),
            )
        })
        .await
    }

    async fn revoke_key(&self, id: &str, at: chrono::DateTime<Utc>) -> StoreResult<()> {
        let id = id.to_owned();
        self.update_key(id, move |key, _| key.revoked_at = Some(at))
            .await
    }

    async fn replace_key_secret(
        &self,
        id: &str,
        secret_hash: &str,
        prefix: &str,
    ) -> StoreResult<()> {
        let (id, hash, prefix) = (id.to_owned(), secret_hash.to_owned(), prefix.to_owned());
        self.update_key(id, move |key, new_hash| {
            key.prefix = prefix;
            *new_hash = Some(hash);
        })
        .await
    }
}

impl SqliteStore {
    /// Changes a stored key (and optionally its secret's hash) in one transaction.
    async fn update_key(
        &self,
        id: String,
        change: impl FnOnce(&mut ApiKey, &mut Option<String>) + Send + 'static,
    ) -> StoreResult<()> {
        self.run(move |c| {
            let tx = write_transaction(c)?;
            let Some(mut key) = query_bodies::<ApiKey>(
                &tx,
                "SELECT body FROM api_keys WHERE id = ?",
                vec![SqlValue::Text(id.clone())],
            )?
            .pop() else {
                return Err(StoreError::NotFound(format!("no key with id '{id}'")));
            };
            let mut new_hash = None;
            change(&mut key, &mut new_hash);
            exec(
                &tx,
                "UPDATE api_keys SET body = ?, secret_hash = COALESCE(?, secret_hash) WHERE id = ?",
                params![to_json(&key)?, new_hash, id],
            )
            .map_err(sql_err)?;
            tx.commit().map_err(sql_err)
        })
        .await
    }
}

#[async_trait]
impl Bookkeeping for SqliteStore {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.run(move |c| {
            c.query_row("SELECT value FROM meta WHERE key = ?", [key], |r| r.get(0))
                .optional()
                .map_err(sql_err)
        })
        .await
    }

    async fn next_in_sequence(&self, name: &str) -> StoreResult<u64> {
        let key = format!("sequence.{name}");
        self.run(move |c| {
            let tx = write_transaction(c)?;
            let current: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = ?", [&key], |r| r.get(0))
                .optional()
                .map_err(sql_err)?;
            let next = current.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + 1;
            exec(
            &tx,
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, next.to_string()],
            )
            .map_err(sql_err)?;
            tx.commit().map_err(sql_err)?;
            Ok(next)
        })
        .await
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.run(move |c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                [key, value],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }
}

/// A lock file under `<data folder>/locks/`, held with an exclusive OS file lock: released when
/// dropped or when the process ends, and honoured by every process on the same data folder.
struct FileLock {
    _file: std::fs::File,
}

#[async_trait]
impl HeldLock for FileLock {
    async fn still_held(&self) -> bool {
        true
    }
}

impl SqliteStore {
    fn lock_path(&self, name: &str) -> StoreResult<PathBuf> {
        let dir = self
            .inner
            .path
            .parent()
            .map(|p| p.join("locks"))
            .ok_or_else(|| internal("the database has no folder"))?;
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Ok(dir.join(format!("{safe}.lock")))
    }

    fn lock_file(&self, name: &str) -> StoreResult<std::fs::File> {
        let path = self.lock_path(name)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))
    }
}

#[async_trait]
impl Locks for SqliteStore {
    async fn lock(&self, name: &str) -> StoreResult<Box<dyn HeldLock>> {
        let file = self.lock_file(name)?;
        let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
            .await
            .map_err(internal)?
            .map_err(|e| StoreError::Unavailable(format!("cannot lock: {e}")))?;
        Ok(Box::new(FileLock { _file: file }))
    }

    async fn try_lock(&self, name: &str) -> StoreResult<Option<Box<dyn HeldLock>>> {
        let file = self.lock_file(name)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Box::new(FileLock { _file: file }))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(StoreError::Unavailable(format!("cannot lock: {e}")))
            }
        }
    }
}

#[async_trait]
impl Nodes for SqliteStore {
    async fn node_heartbeat(&self, node: &NodeInfo) -> StoreResult<()> {
        let (id, body) = (node.id.clone(), to_json(node)?);
        self.run(move |c| {
            exec(
                c,
                "INSERT INTO nodes (id, body, seen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = ?2, seen_at = ?3",
                params![id, body, Utc::now().to_rfc3339()],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn live_nodes(&self, within_secs: u64) -> StoreResult<Vec<LiveNode>> {
        self.run(move |c| {
            let now = Utc::now();
            let oldest = now - chrono::Duration::seconds(within_secs as i64);
            exec(
                c,
                "DELETE FROM nodes WHERE seen_at < ?",
                [oldest.to_rfc3339()],
            )
            .map_err(sql_err)?;
            let mut stmt = c
                .prepare_cached("SELECT body, seen_at FROM nodes")
                .map_err(sql_err)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(sql_err)?;
            let mut nodes = Vec::new();
            for row in rows {
                let (body, seen) = row.map_err(sql_err)?;
                let seen = chrono::DateTime::parse_from_rfc3339(&seen).map_err(internal)?;
                nodes.push(LiveNode {
                    node: from_json(&body)?,
                    seen_secs_ago: (now - seen.with_timezone(&Utc)).num_seconds().max(0) as u64,
                });
            }
            nodes.sort_by(|a, b| {
                (a.node.started_at, &a.node.id).cmp(&(b.node.started_at, &b.node.id))
            });
            Ok(nodes)
        })
        .await
    }

    async fn node_leave(&self, id: &str) -> StoreResult<()> {
        // The node's own lock file goes with it (one per node start otherwise accumulates).
        if let Ok(path) = self.lock_path(&format!("node:{id}")) {
            let _ = std::fs::remove_file(path);
        }
        let id = id.to_owned();
        self.run(move |c| {
            exec(c, "DELETE FROM nodes WHERE id = ?", [id])
                .map(|_| ())
                .map_err(sql_err)
        })
        .await
    }
}

/// Rows of (record body, origin).
fn with_origin(
    conn: &Connection,
    sql: &str,
    args: Vec<SqlValue>,
) -> StoreResult<Vec<(Record, Origin)>> {
    let mut stmt = conn.prepare_cached(sql).map_err(sql_err)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(sql_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (body, origin) = row.map_err(sql_err)?;
        let origin = Origin::from_code(&origin)
            .ok_or_else(|| internal(format!("unknown record origin '{origin}'")))?;
        out.push((from_json(&body)?, origin));
    }
    Ok(out)
}

fn string_pairs(conn: &Connection, sql: &str) -> StoreResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare(sql).map_err(sql_err)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(sql_err)?;
    rows.map(|r| r.map_err(sql_err)).collect()
}

#[async_trait]
impl Transfer for SqliteStore {
    async fn dump(&self) -> StoreResult<StoreDump> {
        self.run(|c| {
            // One read transaction: a consistent snapshot while the server goes on writing.
            let tx = c.transaction().map_err(sql_err)?;
            let dump = StoreDump {
                reference: SeedData {
                    regions: query_bodies(
                        &tx,
                        "SELECT body FROM regions ORDER BY code",
                        Vec::new(),
                    )?,
                    countries: query_bodies(
                        &tx,
                        "SELECT body FROM countries ORDER BY code",
                        Vec::new(),
                    )?,
                    instruments: query_bodies(
                        &tx,
                        "SELECT body FROM instruments ORDER BY position",
                        Vec::new(),
                    )?,
                    ratifications: query_bodies(
                        &tx,
                        "SELECT body FROM ratifications ORDER BY instrument, country",
                        Vec::new(),
                    )?,
                    records: Vec::new(),
                },
                catalogue: with_origin(
                    &tx,
                    "SELECT body, origin FROM records ORDER BY id",
                    Vec::new(),
                )?,
                revisions: with_origin(
                    &tx,
                    "SELECT body, origin FROM revisions ORDER BY id",
                    Vec::new(),
                )?,
                history: query_bodies(
                    &tx,
                    "SELECT body FROM record_history ORDER BY seq",
                    Vec::new(),
                )?,
                keys: string_pairs(&tx, "SELECT body, secret_hash FROM api_keys ORDER BY id")?
                    .into_iter()
                    .map(|(body, hash)| Ok((from_json(&body)?, hash)))
                    .collect::<StoreResult<_>>()?,
                meta: string_pairs(
                    &tx,
                    "SELECT key, value FROM meta WHERE key <> 'webhooks.position' ORDER BY key",
                )?,
                webhooks: query_bodies::<Webhook>(
                    &tx,
                    "SELECT body FROM webhooks ORDER BY created_at, id",
                    Vec::new(),
                )?
                .into_iter()
                .map(|mut hook| {
                    hook.after_seq = 0;
                    hook
                })
                .collect(),
            };
            tx.commit().map_err(sql_err)?;
            Ok(dump)
        })
        .await
    }

    async fn restore(&self, dump: &StoreDump) -> StoreResult<()> {
        let dump = dump.clone();
        self.run(move |c| {
            let tx = write_transaction(c)?;
            let held: i64 = tx
                .query_row(
                    "SELECT (SELECT COUNT(*) FROM records) + (SELECT COUNT(*) FROM revisions) + (SELECT COUNT(*) FROM api_keys)",
                    [],
                    |r| r.get(0),
                )
                .map_err(sql_err)?;
            if held > 0 {
                return Err(StoreError::Conflict(format!(
                    "the target store is not empty ({held} records, revisions or keys): copy into an empty one"
                )));
            }
            replace_reference(&tx, &dump.reference)?;
            for (record, origin) in &dump.catalogue {
                write_record(&tx, record, origin.code())?;
            }
            for (record, origin) in &dump.revisions {
                write_revision(&tx, record, origin.code())?;
            }
            for entry in &dump.history {
                exec(
                    &tx,
                    "INSERT INTO record_history (record_id, version, body) VALUES (?, ?, ?)",
                    params![entry.record_id.as_str(), entry.version, to_json(entry)?],
                )
                .map_err(sql_err)?;
            }
            for (key, hash) in &dump.keys {
                exec(
                    &tx,
                    "INSERT INTO api_keys (id, secret_hash, created_at, body) VALUES (?, ?, ?, ?)",
                    params![key.id, hash, key.created_at.to_rfc3339(), to_json(key)?],
                )
                .map_err(sql_err)?;
            }
            for (key, value) in &dump.meta {
                exec(
                    &tx,
                    "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                    params![key, value],
                )
                .map_err(sql_err)?;
            }
            for hook in &dump.webhooks {
                put_webhook(&tx, hook)?;
            }
            tx.commit().map_err(sql_err)?;
            let _ = c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            Ok(())
        })
        .await
    }
}

/// The meta key holding the webhook dispatcher's position in the change log.
const WEBHOOK_POSITION: &str = "webhooks.position";

/// Writes one webhook (a transaction derefs to its connection).
fn put_webhook(c: &Connection, hook: &Webhook) -> StoreResult<()> {
    exec(
        c,
        "INSERT INTO webhooks (id, key_id, created_at, body) VALUES (?, ?, ?, ?)",
        params![
            hook.id,
            hook.key_id,
            hook.created_at.to_rfc3339(),
            to_json(hook)?
        ],
    )
    .map(|_| ())
    .map_err(sql_err)
}

/// A delivery from its row: `(id, payload, body)`.
fn delivery_from(id: i64, payload: String, body: &str) -> StoreResult<Delivery> {
    let mut delivery: Delivery = from_json(body)?;
    delivery.id = id;
    delivery.payload = payload;
    Ok(delivery)
}

fn millis(at: Option<chrono::DateTime<Utc>>) -> Option<i64> {
    at.map(|t| t.timestamp_millis())
}

#[async_trait]
impl Webhooks for SqliteStore {
    async fn insert_webhook(&self, hook: &Webhook) -> StoreResult<()> {
        let hook = hook.clone();
        self.run(move |c| put_webhook(c, &hook)).await
    }

    async fn list_webhooks(&self, key_id: Option<&str>) -> StoreResult<Vec<Webhook>> {
        let key_id = key_id.map(str::to_owned);
        self.run(move |c| match key_id {
            Some(key) => query_bodies(
                c,
                "SELECT body FROM webhooks WHERE key_id = ? ORDER BY created_at, id",
                vec![SqlValue::Text(key)],
            ),
            None => query_bodies(
                c,
                "SELECT body FROM webhooks ORDER BY created_at, id",
                Vec::new(),
            ),
        })
        .await
    }

    async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        let id = id.to_owned();
        self.run(move |c| {
            let n = c
                .execute("DELETE FROM webhooks WHERE id = ?", [&id])
                .map_err(sql_err)?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("no webhook with id '{id}'")));
            }
            Ok(())
        })
        .await
    }

    async fn enqueue_deliveries(&self, new: &[NewDelivery], position: i64) -> StoreResult<()> {
        let new = new.to_vec();
        self.run(move |c| {
            let tx = write_transaction(c)?;
            for d in new {
                let delivery = Delivery::new(0, d);
                exec(
                    &tx,
                    "INSERT OR IGNORE INTO webhook_deliveries
                        (webhook_id, seq, status, next_attempt_ms, payload, body)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?1)",
                    params![
                        delivery.webhook_id,
                        delivery.seq,
                        delivery.status.code(),
                        millis(delivery.next_attempt_at),
                        delivery.payload,
                        to_json(&delivery)?
                    ],
                )
                .map_err(sql_err)?;
            }
            exec(
                &tx,
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![WEBHOOK_POSITION, position.to_string()],
            )
            .map_err(sql_err)?;
            tx.commit().map_err(sql_err)
        })
        .await
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
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT d.id, d.payload, d.body, w.body FROM webhook_deliveries d
                     JOIN webhooks w ON w.id = d.webhook_id
                     WHERE d.status = 'PENDING' AND d.next_attempt_ms <= ?
                     ORDER BY d.next_attempt_ms, d.id LIMIT ?",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(params![now.timestamp_millis(), limit as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (id, payload, body, hook) = row.map_err(sql_err)?;
                out.push((delivery_from(id, payload, &body)?, from_json(&hook)?));
            }
            Ok(out)
        })
        .await
    }

    async fn update_delivery(&self, delivery: &Delivery) -> StoreResult<()> {
        let delivery = delivery.clone();
        self.run(move |c| {
            let n = exec(
                c,
                "UPDATE webhook_deliveries SET status = ?, next_attempt_ms = ?, body = ? WHERE id = ?",
                params![
                    delivery.status.code(),
                    millis(delivery.next_attempt_at),
                    to_json(&delivery)?,
                    delivery.id
                ],
            )
            .map_err(sql_err)?;
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "no delivery {} (its webhook was deleted)",
                    delivery.id
                )));
            }
            Ok(())
        })
        .await
    }

    async fn deliveries(
        &self,
        webhook_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>> {
        let webhook_id = webhook_id.to_owned();
        self.run(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id, payload, body FROM webhook_deliveries
                     WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(
                    params![webhook_id, before.unwrap_or(i64::MAX), limit as i64],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    },
                )
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (id, payload, body) = row.map_err(sql_err)?;
                out.push(delivery_from(id, payload, &body)?);
            }
            Ok(out)
        })
        .await
    }
}
