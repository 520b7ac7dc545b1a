//! Settings: defaults in code, then an optional TOML file, then `TIPX__SECTION__KEY`
//! environment variables, then command-line flags. Nothing else in the server reads the
//! environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// Every setting, with its default. The README lists them all.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub storage: StorageSettings,
    pub seed: SeedSettings,
    pub graphql: GraphqlSettings,
    pub search: SearchSettings,
    pub privacy: PrivacySettings,
    pub webhooks: WebhookSettings,
    pub rate_limits: RateLimitSettings,
    pub log: LogSettings,
}

/// A secret value: shown as `***` in logs and `Debug` output.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    /// Meilisearch URL, e.g. `http://127.0.0.1:7700`. Unset: the embedded index is used.
    pub meili_url: Option<String>,
    /// Meilisearch API key with rights to manage the index (never sent to browsers).
    pub meili_key: Option<Secret>,
    /// Name of the Meilisearch index.
    pub meili_index: String,
    /// How long to wait for a Meilisearch task, in seconds.
    pub meili_timeout_secs: u64,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            meili_url: None,
            meili_key: None,
            meili_index: "tipx-records".into(),
            meili_timeout_secs: 60,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// `Cache-Control: max-age` for successful GET queries, in seconds.
    pub cache_max_age_secs: u32,
    /// Folder with the built widgets (`scripts/build-widgets.sh` writes it), served at
    /// `/widgets/`.
    pub widgets_dir: PathBuf,
    /// Folder with GraphiQL's files (`scripts/build-graphiql.sh` writes it), served at
    /// `/graphiql`.
    pub graphiql_dir: PathBuf,
    /// Serve `GET /__bench/constant` (a fixed answer with no GraphQL behind it), the floor the
    /// benchmarks compare GraphQL against. Off in production.
    pub bench_route: bool,
    /// Most WebSocket connections (GraphQL subscriptions) one node keeps open at once; one
    /// more is answered 503.
    pub max_websockets: usize,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 256 * 1024,
            cache_max_age_secs: 60,
            widgets_dir: PathBuf::from("widgets/dist"),
            graphiql_dir: PathBuf::from("api/graphiql/dist"),
            bench_route: false,
            max_websockets: 1_000,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StorageSettings {
    /// Folder for the embedded SQLite database and the embedded search index.
    pub data_dir: PathBuf,
    /// PostgreSQL URL (`postgres://user:password@host:5432/tipx`). Unset: SQLite in the data
    /// folder. Contains a password: prefer the environment to a file.
    pub database_url: Option<Secret>,
    /// Most PostgreSQL connections one node opens.
    pub database_pool_size: usize,
}

impl Default for StorageSettings {
    fn default() -> Self {
        StorageSettings {
            data_dir: PathBuf::from("tipx-data"),
            database_url: None,
            database_pool_size: 16,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SeedSettings {
    /// Folder with seed files; unset means the seed compiled into the binary.
    pub dir: Option<PathBuf>,
    /// Import the seed at start when it changed since the last import.
    pub load_on_start: bool,
}

impl Default for SeedSettings {
    fn default() -> Self {
        SeedSettings {
            dir: None,
            load_on_start: true,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlSettings {
    /// Deepest nesting a query may have.
    pub max_depth: usize,
    /// Highest complexity score a query may have (a page of n items costs n times its fields).
    pub max_complexity: usize,
    /// Longest query document, in bytes.
    pub max_query_bytes: usize,
    /// Most fields a query selects, fragments expanded and aliases counted.
    pub max_fields: usize,
    /// Most root fields one operation selects.
    pub max_root_fields: usize,
    /// Most directives on one field.
    pub max_directives: usize,
    /// Suggest field names ("Did you mean …?") in validation errors.
    pub field_suggestions: bool,
    /// Longest a query (not a mutation) may run, in milliseconds, before it is stopped with
    /// `TIMEOUT`; 0: no limit. Mutations always run to their end: a write that started
    /// commits or rolls back whole.
    pub timeout_ms: u64,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        let limits = tipx_schema::graphql::QueryLimits::default();
        GraphqlSettings {
            max_depth: limits.max_depth,
            max_complexity: limits.max_complexity,
            max_query_bytes: limits.max_query_bytes,
            max_fields: limits.max_fields,
            max_root_fields: limits.max_root_fields,
            max_directives: limits.max_directives,
            field_suggestions: limits.field_suggestions,
            timeout_ms: 30_000,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// Victim counts by sex and age band below this are shown as "fewer than N", with no
    /// number, in the API, the widgets and exports.
    pub min_victim_count: i64,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings {
            min_victim_count: tipx_schema::core::privacy::SmallCounts::default().threshold,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// How long a receiver has to answer a delivery, in seconds.
    pub timeout_secs: u64,
    /// The wait after a delivery's first failure, in milliseconds; it doubles after each
    /// failure, up to an hour.
    pub retry_base_ms: u64,
    /// Attempts per delivery, the first included, before it is marked failed.
    pub max_attempts: u32,
    /// Allow webhooks to private, loopback and link-local addresses (tests, closed networks).
    pub allow_private_targets: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            timeout_secs: 10,
            retry_base_ms: 10_000,
            max_attempts: 12,
            allow_private_targets: false,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Whether `/graphql` counts requests at all.
    pub enabled: bool,
    /// Requests per minute per key, or per client address without a key.
    pub reads_per_minute: u32,
    /// How many of those may come at once before the per-minute pace applies.
    pub burst: u32,
    /// Mutations per minute per key (counted in the reads too).
    pub writes_per_minute: u32,
    /// Requests with an unknown or revoked key per minute per address; past it, the address's
    /// keyed requests are refused until the bucket refills.
    pub failed_keys_per_minute: u32,
    /// Behind a proxy: the header carrying the client's address (its first entry), e.g.
    /// `X-Forwarded-For`. Empty: the connection's address. Set it only when the proxy
    /// overwrites the header, or clients can pick their own address.
    pub client_ip_header: String,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            enabled: true,
            reads_per_minute: 1_200,
            burst: 120,
            writes_per_minute: 60,
            failed_keys_per_minute: 10,
            client_ip_header: String::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// A tracing filter, e.g. `info` or `tipx_api=debug,warn`.
    pub filter: String,
    /// `text` or `json`.
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            filter: "info".into(),
            format: LogFormat::Text,
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Flags given on the command line; they win over everything else.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub seed_dir: Option<PathBuf>,
    pub meili_url: Option<String>,
    pub meili_key: Option<String>,
    pub database_url: Option<String>,
    pub widgets_dir: Option<PathBuf>,
    pub graphiql_dir: Option<PathBuf>,
}

impl Settings {
    /// Loads defaults, then `file` (or `tipx.toml` in the working directory if it exists), then
    /// the environment, then `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
        let mut builder = config::Config::builder().add_source(
            config::Config::try_from(&Settings::default()).context("encoding default settings")?,
        );
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "config file {} does not exist",
                    path.display()
                );
                builder = builder.add_source(config::File::from(path).required(true));
            }
            None => {
                builder = builder.add_source(config::File::with_name("tipx.toml").required(false));
            }
        }
        builder = builder.add_source(
            config::Environment::with_prefix("TIPX")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        let mut settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .context("reading settings (defaults, config file, TIPX__* environment)")?;
        if let Some(addr) = overrides.addr {
            settings.server.addr = addr;
        }
        if let Some(dir) = &overrides.data_dir {
            settings.storage.data_dir = dir.clone();
        }
        if let Some(dir) = &overrides.widgets_dir {
            settings.server.widgets_dir = dir.clone();
        }
        if let Some(dir) = &overrides.graphiql_dir {
            settings.server.graphiql_dir = dir.clone();
        }
        if let Some(dir) = &overrides.seed_dir {
            settings.seed.dir = Some(dir.clone());
        }
        if let Some(url) = &overrides.meili_url {
            settings.search.meili_url = Some(url.clone());
        }
        if let Some(key) = &overrides.meili_key {
            settings.search.meili_key = Some(Secret(key.clone()));
        }
        if let Some(url) = &overrides.database_url {
            settings.storage.database_url = Some(Secret(url.clone()));
        }
        // An empty URL (e.g. TIPX__STORAGE__DATABASE_URL=) means "SQLite".
        if settings
            .storage
            .database_url
            .as_ref()
            .is_some_and(|u| u.0.trim().is_empty())
        {
            settings.storage.database_url = None;
        }
        // An empty key (e.g. TIPX__SEARCH__MEILI_KEY=) means "no key", not the key "".
        if settings
            .search
            .meili_key
            .as_ref()
            .is_some_and(|k| k.0.is_empty())
        {
            settings.search.meili_key = None;
        }
        // An empty URL (e.g. TIPX__SEARCH__MEILI_URL=) means "embedded".
        if settings
            .search
            .meili_url
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            settings.search.meili_url = None;
        }
        Ok(settings)
    }

    /// Settings for tests: port 0 on loopback, the given data folder, logs quiet.
    pub fn for_tests(data_dir: &Path) -> Settings {
        let mut settings = Settings::default();
        settings.server.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        settings.storage.data_dir = data_dir.to_path_buf();
        settings.log.filter = "warn".into();
        // Tests send hundreds of requests a second from one address; the rate-limit tests
        // switch the limits back on with their own figures.
        settings.rate_limits.enabled = false;
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_with_nothing_installed() {
        let s = Settings::default();
        assert_eq!(s.server.addr.to_string(), "127.0.0.1:8080");
        assert!(s.seed.dir.is_none(), "the embedded seed is the default");
        assert!(s.seed.load_on_start);
        assert!(
            s.rate_limits.enabled,
            "a public API is rate limited out of the box"
        );
    }

    #[test]
    fn a_config_file_overrides_defaults_and_flags_override_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tipx.toml");
        std::fs::write(
            &path,
            "[server]\naddr = \"0.0.0.0:9000\"\n[graphql]\nmax_depth = 7\n",
        )
        .unwrap();
        let s = Settings::load(Some(&path), &Overrides::default()).unwrap();
        assert_eq!(s.server.addr.to_string(), "0.0.0.0:9000");
        assert_eq!(s.graphql.max_depth, 7);
        let flags = Overrides {
            addr: Some("127.0.0.1:9001".parse().unwrap()),
            ..Overrides::default()
        };
        let s = Settings::load(Some(&path), &flags).unwrap();
        assert_eq!(s.server.addr.to_string(), "127.0.0.1:9001");
    }

    #[test]
    fn every_default_is_what_the_help_and_readme_say() {
        let s = Settings::default();
        let readme = include_str!("../../README.md");
        for (key, value) in [
            ("server.addr", s.server.addr.to_string()),
            ("server.max_body_bytes", s.server.max_body_bytes.to_string()),
            (
                "server.cache_max_age_secs",
                s.server.cache_max_age_secs.to_string(),
            ),
            (
                "server.widgets_dir",
                s.server.widgets_dir.display().to_string(),
            ),
            (
                "server.graphiql_dir",
                s.server.graphiql_dir.display().to_string(),
            ),
            ("server.bench_route", s.server.bench_route.to_string()),
            ("server.max_websockets", s.server.max_websockets.to_string()),
            ("storage.data_dir", s.storage.data_dir.display().to_string()),
            (
                "storage.database_pool_size",
                s.storage.database_pool_size.to_string(),
            ),
            ("graphql.max_depth", s.graphql.max_depth.to_string()),
            (
                "graphql.max_complexity",
                s.graphql.max_complexity.to_string(),
            ),
            (
                "graphql.max_query_bytes",
                s.graphql.max_query_bytes.to_string(),
            ),
            ("graphql.max_fields", s.graphql.max_fields.to_string()),
            (
                "graphql.max_root_fields",
                s.graphql.max_root_fields.to_string(),
            ),
            (
                "graphql.max_directives",
                s.graphql.max_directives.to_string(),
            ),
            (
                "graphql.field_suggestions",
                s.graphql.field_suggestions.to_string(),
            ),
            ("graphql.timeout_ms", s.graphql.timeout_ms.to_string()),
            ("search.meili_index", s.search.meili_index.clone()),
            (
                "search.meili_timeout_secs",
                s.search.meili_timeout_secs.to_string(),
            ),
            (
                "privacy.min_victim_count",
                s.privacy.min_victim_count.to_string(),
            ),
            ("webhooks.timeout_secs", s.webhooks.timeout_secs.to_string()),
            (
                "webhooks.retry_base_ms",
                s.webhooks.retry_base_ms.to_string(),
            ),
            ("webhooks.max_attempts", s.webhooks.max_attempts.to_string()),
            (
                "webhooks.allow_private_targets",
                s.webhooks.allow_private_targets.to_string(),
            ),
            ("rate_limits.enabled", s.rate_limits.enabled.to_string()),
            (
                "rate_limits.reads_per_minute",
                s.rate_limits.reads_per_minute.to_string(),
            ),
            ("rate_limits.burst", s.rate_limits.burst.to_string()),
            (
                "rate_limits.writes_per_minute",
                s.rate_limits.writes_per_minute.to_string(),
            ),
            (
                "rate_limits.failed_keys_per_minute",
                s.rate_limits.failed_keys_per_minute.to_string(),
            ),
            ("log.filter", s.log.filter.clone()),
        ] {
            let row = readme
                .lines()
                .find(|l| l.starts_with(&format!("| `{key}` |")))
                .unwrap_or_else(|| panic!("README has no row for {key}"));
            assert!(
                row.contains(&format!("`{value}`")),
                "README row for {key} should say `{value}`: {row}"
            );
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let mut s = Settings::default();
        s.search.meili_key = Some(Secret("master-key-123".into()));
        s.storage.database_url = Some(Secret("postgres://tipx:pg-pass-456@db/tipx".into()));
        assert!(!format!("{s:?}").contains("master-key-123"));
        assert!(!format!("{s:?}").contains("pg-pass-456"));
    }

    #[test]
    fn empty_values_mean_unset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tipx.toml");
        std::fs::write(
            &path,
            "[search]\nmeili_url = \"\"\nmeili_key = \"\"\n[storage]\ndatabase_url = \" \"\n",
        )
        .unwrap();
        let s = Settings::load(Some(&path), &Overrides::default()).unwrap();
        assert_eq!(s.search.meili_url, None);
        assert_eq!(s.search.meili_key, None);
        assert_eq!(s.storage.database_url, None);
    }

    #[test]
    fn an_unknown_key_in_the_config_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tipx.toml");
        std::fs::write(&path, "[server]\nadress = \"0.0.0.0:9000\"\n").unwrap();
        let err = Settings::load(Some(&path), &Overrides::default()).unwrap_err();
        assert!(format!("{err:#}").contains("adress"), "{err:#}");
    }
}
