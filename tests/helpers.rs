//! Starting a server and speaking GraphQL to it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tempfile::TempDir;

use tipx_api::config::Settings;
use tipx_api::startup::Application;
use tipx_schema::core::{Action, Actor};
use tipx_schema::ids::RecordId;
use tipx_schema::store::{SeedData, Store};

/// A running server with its own data folder (deleted when dropped).
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub data_dir: TempDir,
}

/// Starts the server on port 0 with a fresh data folder and the built-in seed.
pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    spawn_app_in(data_dir).await
}

/// Starts the server on an existing data folder.
pub async fn spawn_app_in(data_dir: TempDir) -> TestApp {
    spawn_app_with(data_dir, |_| {}).await
}

/// Starts the server with test settings changed by `adjust`, once search has caught up.
pub async fn spawn_app_with(data_dir: TempDir, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let app = spawn_app_listening(data_dir, adjust).await;
    app.wait_until_indexed().await;
    app
}

/// Starts the server and returns as soon as it listens, the index perhaps still filling.
pub async fn spawn_app_listening(data_dir: TempDir, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = Settings::for_tests(data_dir.path());
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("server builds");
    let addr = app.addr();
    tokio::spawn(app.run());
    TestApp {
        addr,
        client: reqwest::Client::new(),
        data_dir,
    }
}

impl TestApp {
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
