//! Store implementations behind the ports of `tipx_schema::store`: SQLite, the embedded
//! default, in the data folder; PostgreSQL for deployments with several API nodes.

mod metrics;
pub mod migrations;
mod postgres;
mod sqlite;

pub use metrics::{CountingStore, StoreCalls};
pub use postgres::PgStore;
pub use sqlite::{sqlite_migration_status, SqliteStore};
