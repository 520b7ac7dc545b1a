//! Starting a server and speaking GraphQL to it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tempfile::TempDir;

use tipx_api::config::{Secret, Settings};
use tipx_api::startup::Application;
use tipx_api::store::{PgStore, SqliteStore};
use tipx_schema::core::{Action, Actor};
use tipx_schema::ids::{CountryCode, RecordId};
use tipx_schema::model::Record;
use tipx_schema::store::{SeedData, Store};
use tipx_schema::vocab::RecordKind;

/// A running server with its own data folder (deleted when dropped) and, when the tests run
/// on PostgreSQL, its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub data_dir: TempDir,
    pub database_url: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TestApp {
    /// Stops the server and its background tasks, closing its connections.
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Whether the integration tests' servers run on PostgreSQL (`TIPX_TEST_STORE=postgres`, with
/// `TIPX_TEST_DATABASE_URL` naming a server) instead of SQLite.
pub fn on_postgres() -> bool {
    match std::env::var("TIPX_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("TIPX_TEST_STORE={other}: use sqlite or postgres"),
    }
}

/// A new, empty database on the test PostgreSQL server (`TIPX_TEST_DATABASE_URL`), or `None`,
/// said plainly, when none is set.
pub async fn fresh_database(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("TIPX_TEST_DATABASE_URL") else {
        eprintln!(
            "NOTE: the PostgreSQL half did not run ({test}): TIPX_TEST_DATABASE_URL is not set"
        );
        return None;
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "tipx_t_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!("TIPX_TEST_DATABASE_URL={base} is set but PostgreSQL does not answer: {e}")
        });
    let conn = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("test database created");
    drop(client);
    let _ = conn.await;
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("a database URL ends in /database");
    Some(format!("{prefix}/{name}"))
}

/// The database for a test server: a fresh PostgreSQL one when the tests run on PostgreSQL.
async fn test_database() -> Option<String> {
    if !on_postgres() {
        return None;
    }
    Some(
        fresh_database("integration")
            .await
            .expect("TIPX_TEST_STORE=postgres needs TIPX_TEST_DATABASE_URL"),
    )
}

/// Starts the server on port 0 with a fresh data folder and the built-in seed.
pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    spawn_app_with(data_dir, |_| {}).await
}

/// A `tipx` command on a store: a data folder, and a PostgreSQL database if any.
fn tipx_command(bin: &Path, data_dir: &Path, database_url: Option<&str>) -> std::process::Command {
    let mut command = std::process::Command::new(bin);
    command
        .env("TIPX__STORAGE__DATA_DIR", data_dir)
        .env("TIPX__STORAGE__DATABASE_URL", database_url.unwrap_or(""))
        .env("TIPX__LOG__FILTER", "warn");
    command
}

/// A store no server has started on yet (so no seed in it): a new data folder, and a new
/// database when the tests run on PostgreSQL.
pub struct EmptyStorage {
    pub data_dir: TempDir,
    pub database_url: Option<String>,
}

impl EmptyStorage {
    pub fn command(&self, bin: &Path) -> std::process::Command {
        tipx_command(bin, self.data_dir.path(), self.database_url.as_deref())
    }
}

pub async fn empty_app_storage() -> EmptyStorage {
    EmptyStorage {
        data_dir: tempfile::tempdir().expect("temp dir"),
        database_url: test_database().await,
    }
}

/// Starts a server on a given database (PostgreSQL URL, or `None` for SQLite in `data_dir`).
pub async fn spawn_app_on(data_dir: TempDir, database_url: Option<String>) -> TestApp {
    let app = start(data_dir, database_url, |_| {}).await;
    app.wait_until_indexed().await;
    app
}

/// Starts a new server on a stopped one's data folder and database.
pub async fn spawn_app_again(mut app: TestApp) -> TestApp {
    app.stop().await;
    let data_dir = std::mem::replace(&mut app.data_dir, tempfile::tempdir().expect("temp dir"));
    let app = start(data_dir, app.database_url.clone(), |_| {}).await;
    app.wait_until_indexed().await;
    app
}

/// Starts the server with test settings changed by `adjust`, once search has caught up.
pub async fn spawn_app_with(data_dir: TempDir, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let app = spawn_app_listening(data_dir, adjust).await;
    app.wait_until_indexed().await;
    app
}

/// Starts the server and returns as soon as it listens, the index perhaps still filling.
pub async fn spawn_app_listening(data_dir: TempDir, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    start(data_dir, test_database().await, adjust).await
}

async fn start(
    data_dir: TempDir,
    database_url: Option<String>,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = Settings::for_tests(data_dir.path());
    settings.storage.database_url = database_url.clone().map(Secret);
    settings.storage.database_pool_size = 4;
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("server builds");
    let addr = app.addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        client: reqwest::Client::new(),
        data_dir,
        database_url,
        stop: Some(stop),
        server: Some(server),
    }
}

impl TestApp {
    /// Stops the server as Ctrl-C would: requests in flight finish, the node leaves.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// The app's store, opened beside it (SQLite in its data folder, or its PostgreSQL database).
    pub async fn store(&self) -> Box<dyn Store> {
        match &self.database_url {
            Some(url) => Box::new(PgStore::connect(url, 2).await.expect("store opens")),
            None => Box::new(SqliteStore::open(self.data_dir.path()).expect("store opens")),
        }
    }

    /// A `tipx` command on the app's store (its data folder, and its database if any).
    pub fn command(&self, bin: &Path) -> std::process::Command {
        tipx_command(bin, self.data_dir.path(), self.database_url.as_deref())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// GETs a path of the server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// The server's `/health` answer.
    pub async fn health(&self) -> Value {
        self.get("/health").await.json().await.expect("JSON answer")
    }

    /// Waits until `/health` says search has caught up with the store (the server answers
    /// at once and indexes in the background), or that the search backend is unavailable.
    pub async fn wait_until_indexed(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            let health = self.health().await;
            if health["search"]["caught_up"] == true || health["search"]["status"] == "unavailable"
            {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "search did not catch up in 300 s: {health}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// POSTs a query and returns the JSON answer, whatever its status.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON answer")
    }

    /// POSTs a query and returns `data`, failing on any error.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let answer = self.gql(query, variables).await;
        assert!(
            answer.get("errors").is_none(),
            "unexpected errors: {answer:#}"
        );
        answer["data"].clone()
    }

    /// The server's store call counters, from /metrics.
    pub async fn store_calls(&self) -> HashMap<String, u64> {
        let text = self
            .get("/metrics")
            .await
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("tipx_store_calls_total{method=\"")?;
                let (method, value) = rest.split_once("\"} ")?;
                Some((method.to_owned(), value.parse().ok()?))
            })
            .collect()
    }
}

/// The error codes of an answer, in order.
pub fn error_codes(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `tipx` binary cargo built for this test run.
pub fn tipx_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let bin = target.join("debug").join("tipx");
    assert!(
        bin.exists(),
        "{} is missing: cargo build -p tipx-api",
        bin.display()
    );
    bin
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The seed files in the repository, as (name, contents).
pub fn seed_files() -> Vec<(String, String)> {
    tipx_schema::seed::SEED_FILES
        .iter()
        .map(|name| {
            let text =
                std::fs::read_to_string(repo_root().join("seed").join(name)).expect("seed file");
            (name.to_string(), text)
        })
        .collect()
}

/// The repository's seed, parsed: tests compute expected answers from it by brute force.
pub fn seed() -> SeedData {
    tipx_schema::seed::parse_seed(&seed_files()).expect("the repository seed is valid")
}

/// Imports a seed into a store as tipx does at start.
pub async fn import(store: &dyn Store, seed: &SeedData) {
    tipx_schema::core::import::import_seed(
        store,
        &Actor::system("seed"),
        seed,
        "the test seed",
        chrono::Utc::now(),
    )
    .await
    .expect("seed imported");
}

/// Retracts a published record, as a moderator would.
pub async fn retract(store: &dyn Store, id: &str) {
    tipx_schema::core::review::transition(
        store,
        &Actor::system("test"),
        &RecordId::parse(id).expect("record id"),
        Action::Retract,
        Some("retracted by a test"),
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("record retracted");
}

/// Runs `tipx` with arguments on the app's data folder; returns standard output.
pub fn tipx(app: &TestApp, args: &[&str]) -> String {
    let out = app
        .command(&tipx_bin())
        .args(args)
        .output()
        .expect("tipx runs");
    assert!(
        out.status.success(),
        "tipx {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A key made with `tipx keys create`; returns (key id, secret).
pub fn key(app: &TestApp, role: &str, countries: &[&str], org: &str) -> (String, String) {
    let mut args = vec!["keys", "create", "--role", role, "--org", org];
    for c in countries {
        args.extend(["--country", c]);
    }
    let out = tipx(app, &args);
    let id = out.split_whitespace().next().expect("key id").to_owned();
    let secret = out
        .split_whitespace()
        .find(|w| w.starts_with("tipx_") && w.len() > 40)
        .expect("the secret is printed once")
        .to_owned();
    (id, secret)
}

/// POSTs a query with an optional key; returns the JSON answer.
pub async fn gql_as(app: &TestApp, secret: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// A Nigerian practice from the seed under a new title, to write as a new record.
pub fn nigerian_practice(title: &str) -> Record {
    let mut content = seed()
        .records
        .into_iter()
        .find(|r| {
            r.kind() == RecordKind::Practice && r.countries() == [CountryCode::parse("NG").unwrap()]
        })
        .expect("a Nigerian practice in the seed");
    if let Record::Practice(p) = &mut content {
        p.title = title.to_owned();
    }
    content
}

/// A key made with `tipx keys create` on a store (a data folder and, when given, a PostgreSQL
/// URL), by the binary, as an operator would; returns its secret.
pub fn key_on_store(
    data_dir: &Path,
    database_url: Option<&str>,
    role: &str,
    countries: &[&str],
    org: &str,
) -> String {
    let mut command = tipx_command(&tipx_bin(), data_dir, database_url);
    command.args(["keys", "create", "--role", role, "--org", org]);
    for c in countries {
        command.args(["--country", c]);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .find(|w| w.starts_with("tipx_") && w.len() > 40)
        .expect("the secret is printed once")
        .to_owned()
}

/// A valid `PracticeInput` for a Nigerian-style community practice in `country`.
pub fn practice_input(country: &str, summary: &str) -> Value {
    json!({
        "title": format!("Community watch groups against child trafficking in {country}"),
        "countries": [country],
        "leadOrganisation": "National Agency for the Prohibition of Trafficking in Persons",
        "organisationType": "GOVERNMENT",
        "startYear": 2021,
        "pillars": ["PREVENTION"],
        "targetGroups": ["CHILDREN"],
        "forms": ["FORCED_BEGGING"],
        "summary": summary,
        "language": "en",
        "sources": [{ "url": "https://www.naptip.gov.ng/", "title": "NAPTIP" }]
    })
}
