//! Schema migrations, one SQL file each under `api/migrations/<store>/`, compiled into the
//! binary. A migration is never edited once released: a change is a new file.

/// One migration.
#[derive(Debug)]
pub struct Migration {
    /// Applied in this order, starting at 1.
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal $name:literal),+ $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../migrations/", $dir, "/", $name, ".sql")),
        }),+]
    };
}

/// SQLite: `PRAGMA user_version` holds how many ran.
pub const SQLITE_MIGRATIONS: &[Migration] = migrations!("sqlite":
    1 "0001_initial",
    2 "0002_outbox",
    3 "0003_history",
    4 "0004_api_keys",
    5 "0005_revisions",
    6 "0006_nodes",
    7 "0007_changes",
    8 "0008_webhooks",
);

/// PostgreSQL: the `schema_migrations` table holds which ran.
pub const POSTGRES_MIGRATIONS: &[Migration] = migrations!("postgres":
    1 "0001_initial",
    2 "0002_changes",
    3 "0003_webhooks",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one_and_names_start_with_them() {
        for list in [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i32 + 1);
                assert!(
                    m.name.starts_with(&format!("{:04}_", m.version)),
                    "{}",
                    m.name
                );
                assert!(!m.sql.trim().is_empty());
            }
        }
    }
}
