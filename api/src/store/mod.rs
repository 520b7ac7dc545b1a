//! Store implementations. SQLite is the embedded default; the `Store` trait in `tipx-schema`
//! is where another implementation (PostgreSQL) would plug in.

mod metrics;
mod sqlite;

pub use metrics::{CountingStore, StoreCalls};
pub use sqlite::SqliteStore;
