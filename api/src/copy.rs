//! `tipx copy` and `tipx migrate`: moving a deployment between stores, and its schema.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use tipx_schema::store::{Store, StoreDump};

use crate::store::migrations::Migration;
use crate::store::{sqlite_migration_status, PgStore, SqliteStore};

/// Where a store is: a PostgreSQL URL, or a data folder holding `tipx.sqlite3`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLocation {
    Postgres(String),
    Sqlite(PathBuf),
}

impl StoreLocation {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:DIR` or a bare folder is SQLite.
    pub fn parse(text: &str) -> StoreLocation {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            StoreLocation::Postgres(text.to_owned())
        } else {
            StoreLocation::Sqlite(PathBuf::from(text.strip_prefix("sqlite:").unwrap_or(text)))
        }
    }

    /// For messages: never the password.
    pub fn describe(&self) -> String {
        match self {
            StoreLocation::Postgres(url) => match PgStore::connect_without_migrating(url, 1) {
                Ok(store) => store.describe(),
                Err(_) => "postgres (an invalid URL)".into(),
            },
            StoreLocation::Sqlite(dir) => format!("sqlite:{}", dir.display()),
        }
    }

    /// Opens the store, applying pending migrations.
    pub async fn open(&self) -> anyhow::Result<Box<dyn Store>> {
        Ok(match self {
            StoreLocation::Postgres(url) => Box::new(
                PgStore::connect(url, 4)
                    .await
                    .with_context(|| format!("opening {}", self.describe()))?,
            ),
            StoreLocation::Sqlite(dir) => Box::new(
                SqliteStore::open(dir).with_context(|| format!("opening {}", self.describe()))?,
            ),
        })
    }

    /// Which migrations have run and which would run, changing nothing.
    pub async fn migration_status(&self) -> anyhow::Result<Vec<(&'static Migration, bool)>> {
        Ok(match self {
            StoreLocation::Postgres(url) => {
                PgStore::connect_without_migrating(url, 1)?
                    .migration_status()
                    .await?
            }
            StoreLocation::Sqlite(dir) => sqlite_migration_status(dir)?,
        })
    }
}

/// Counts of what a dump holds, for progress lines.
fn summary(dump: &StoreDump) -> String {
    format!(
        "{} records, {} drafts and submissions, {} history entries, {} keys, {} webhooks, {} countries, {} treaty rows",
        dump.catalogue.len(),
        dump.revisions.len(),
        dump.history.len(),
        dump.keys.len(),
        dump.webhooks.len(),
        dump.reference.countries.len(),
        dump.reference.ratifications.len()
    )
}

/// Copies everything from one store into an empty one, then reads the copy back and checks it
/// holds exactly what the source held. Progress goes to `out`.
pub async fn copy(
    from: &StoreLocation,
    to: &StoreLocation,
    out: &mut impl Write,
) -> anyhow::Result<StoreDump> {
    anyhow::ensure!(from != to, "--from and --to are the same store");
    let started = Instant::now();
    let source = from.open().await?;
    let target = to.open().await?;
    writeln!(out, "reading {} …", from.describe())?;
    let dump = source.dump().await.context("reading the source store")?;
    writeln!(out, "  {}", summary(&dump))?;
    writeln!(out, "writing {} (one transaction) …", to.describe())?;
    target
        .restore(&dump)
        .await
        .with_context(|| format!("writing {}: nothing was written", to.describe()))?;
    writeln!(out, "checking the copy …")?;
    let copied = target.dump().await.context("reading the copy back")?;
    anyhow::ensure!(
        copied == dump,
        "the copy differs from the source ({} in the copy): report this",
        summary(&copied)
    );
    writeln!(
        out,
        "copied and checked in {:.1} s: {}\nThe search index is rebuilt from the new store when a server starts on it.",
        started.elapsed().as_secs_f64(),
        summary(&dump)
    )?;
    Ok(dump)
}
