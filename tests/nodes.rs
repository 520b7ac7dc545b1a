//! Several `tipx serve` processes on one PostgreSQL database (`TIPX_TEST_DATABASE_URL`) and,
//! where a node needs a search server, one Meilisearch (`MEILI_URL`). Real processes on loopback
//! ports, spoken to over HTTP, killed with SIGKILL where a test says so. Without PostgreSQL
//! these tests say so and do nothing; without Meilisearch, only the ones that need it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use tipx_api::store::PgStore;
use tipx_schema::store::{Audit, Outbox};

use crate::helpers::{fresh_database, seed, tipx_bin};

/// One Meilisearch index for one test (deleted when dropped), or `None` without `MEILI_URL`.
struct MeiliIndex {
    url: String,
    key: Option<String>,
    uid: String,
}

impl MeiliIndex {
    fn new(test: &str) -> Option<MeiliIndex> {
        let Ok(url) = std::env::var("MEILI_URL") else {
            eprintln!(
                "NOTE: {test} did not run: MEILI_URL is not set (several nodes need Meilisearch)"
            );
            return None;
        };
        Some(MeiliIndex {
            url,
            key: std::env::var("MEILI_KEY").ok(),
            uid: format!("tipx-test-nodes-{test}-{}", std::process::id()),
        })
    }

    /// How many documents the index holds, asked of Meilisearch itself.
    async fn documents(&self) -> u64 {
        let mut request =
            reqwest::Client::new().get(format!("{}/indexes/{}/stats", self.url, self.uid));
        if let Some(key) = &self.key {
            request = request.bearer_auth(key);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => r.json::<Value>().await.unwrap()
                ["numberOfDocuments"]
                .as_u64()
                .unwrap_or(0),
            _ => 0,
        }
    }
}

impl Drop for MeiliIndex {
    fn drop(&mut self) {
        let mut command = Command::new("curl");
        command.args([
            "-fsS",
            "-X",
            "DELETE",
            &format!("{}/indexes/{}", self.url, self.uid),
        ]);
        if let Some(key) = &self.key {
            command.args(["-H", &format!("Authorization: Bearer {key}")]);
        }
        let _ = command.stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

/// A `tipx serve` process with its own data folder and log.
struct Node {
    child: Child,
    addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// What a node is started with.
struct NodeSetup<'a> {
    database_url: &'a str,
    meili: Option<&'a MeiliIndex>,
    seed_dir: Option<&'a Path>,
}

impl NodeSetup<'_> {
    fn command(&self, dir: &Path) -> Command {
        let mut command = Command::new(tipx_bin());
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join("data"))
            .env("TIPX__STORAGE__DATABASE_URL", self.database_url)
            .env("TIPX__STORAGE__DATABASE_POOL_SIZE", "4")
            .env("TIPX__LOG__FILTER", "info")
            .env(
                "TIPX__SEARCH__MEILI_URL",
                self.meili.map_or("", |m| m.url.as_str()),
            )
            .env(
                "TIPX__SEARCH__MEILI_INDEX",
                self.meili.map_or("tipx-records", |m| m.uid.as_str()),
            )
            .env(
                "TIPX__SEARCH__MEILI_KEY",
                self.meili.and_then(|m| m.key.as_deref()).unwrap_or(""),
            )
            .env("TIPX__SERVER__WIDGETS_DIR", dir.join("no-widgets"))
            .env("TIPX__SERVER__GRAPHIQL_DIR", dir.join("no-graphiql"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        if let Some(seed) = self.seed_dir {
            command.env("TIPX__SEED__DIR", seed);
        }
        command
    }

    /// Starts a node and waits until it listens; `Err(log)` when it exits first.
    async fn try_start(&self) -> Result<Node, String> {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let child = self
            .command(dir.path())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("tipx starts");
        let mut node = Node {
            child,
            addr: String::new(),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let text = node.log_text();
            if let Some(line) = text.lines().find(|l| l.trim_start().starts_with("GraphQL")) {
                let url = line.split_whitespace().nth(1).unwrap();
                node.addr = url.trim_end_matches("/graphql").to_owned();
                return Ok(node);
            }
            if let Ok(Some(_)) = node.child.try_wait() {
                return Err(text);
            }
            assert!(
                Instant::now() < deadline,
                "a node did not start in 120 s: {text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn start(&self) -> Node {
        match self.try_start().await {
            Ok(node) => node,
            Err(log) => panic!("a node exited at start: {log}"),
        }
    }
}

impl Node {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn health(&self) -> Value {
        reqwest::get(format!("{}/health", self.addr))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn gql(&self, secret: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", self.addr))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(secret) = secret {
            request = request.bearer_auth(secret);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(
            answer.get("errors").is_none(),
            "unexpected errors: {answer:#}"
        );
        answer["data"].clone()
    }

    async fn total_hits(&self, query: &str) -> u64 {
        self.gql(
            None,
            "query($q: String) { search(query: $q, first: 1) { totalHits } }",
            json!({ "q": query }),
        )
        .await["search"]["totalHits"]
            .as_u64()
            .unwrap()
    }

    fn kill(&mut self) {
        // SIGKILL: no shutdown, no goodbye to the store.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (bounded) until `check` holds.
async fn eventually<F, Fut>(what: &str, seconds: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not within {seconds} s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A key made with `tipx keys create` on the database; returns its secret.
fn key(database_url: &str, role: &str, countries: &[&str], org: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    crate::helpers::key_on_store(dir.path(), Some(database_url), role, countries, org)
}

/// The practice these tests publish, found by its one unusual word.
fn quorumwatch() -> Value {
    let mut input = crate::helpers::practice_input(
        "NG",
        "Volunteers watch bus stations for children travelling alone and alert the agency.",
    );
    input["title"] = json!("Quorumwatch volunteers at bus stations");
    input
}

const PRACTICE: &str = "... on Practice { recordId status version }";

#[tokio::test]
async fn three_nodes_on_one_database_and_one_meilisearch_serve_the_same_answers() {
    let Some(db) = fresh_database("three_nodes").await else {
        return;
    };
    let Some(meili) = MeiliIndex::new("three_nodes") else {
        return;
    };
    let setup = NodeSetup {
        database_url: &db,
        meili: Some(&meili),
        seed_dir: None,
    };
    let a = setup.start().await;
    let b = setup.start().await;
    let c = setup.start().await;
    for node in [&a, &b, &c] {
        eventually("search caught up", 120, || async {
            node.health().await["search"]["caught_up"] == true
        })
        .await;
    }
    // Every node lists the whole deployment.
    eventually("three nodes in /health", 30, || async {
        a.health().await["nodes"].as_array().unwrap().len() == 3
    })
    .await;

    // A focal point writes on A, submits on B; a moderator publishes on C.
    let focal = key(
        &db,
        "contributor",
        &["NG"],
        "NAPTIP, Federal Government of Nigeria",
    );
    let moderator = key(&db, "moderator", &[], "UNODC Regional Office");
    let created = a
        .gql(
            Some(&focal),
            &format!(
                "mutation($i: PracticeInput!) {{ createPractice(input: $i) {{ {PRACTICE} }} }}"
            ),
            json!({ "i": quorumwatch() }),
        )
        .await;
    let id = created["createPractice"]["recordId"]
        .as_str()
        .unwrap()
        .to_owned();
    let moved = |name: &str| format!("mutation($id: ID!) {{ {name}(id: $id) {{ {PRACTICE} }} }}");
    b.gql(Some(&focal), &moved("submit"), json!({ "id": id }))
        .await;
    let published = c
        .gql(Some(&moderator), &moved("publish"), json!({ "id": id }))
        .await;
    assert_eq!(published["publish"]["status"], "PUBLISHED");

    // Every node serves it by id at once, and finds it in search once the outbox is drained.
    for node in [&a, &b, &c] {
        let got = node
            .gql(
                None,
                "query($id: ID!) { practice(id: $id) { title version } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            got["practice"]["title"],
            "Quorumwatch volunteers at bus stations"
        );
        eventually(
            "the publication is searchable on every node",
            30,
            || async { node.total_hits("Quorumwatch").await == 1 },
        )
        .await;
    }
    // Same answers everywhere.
    let mut answers = Vec::new();
    for node in [&a, &b, &c] {
        answers.push(
            node.gql(
                None,
                r#"{ search(query: "labour", first: 5) { totalHits hits { record { ... on Practice { recordId } ... on Law { recordId } ... on Case { recordId } } } }
                     country(code: "NG") { name } }"#,
                json!({}),
            )
            .await,
        );
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
    // One node drains the outbox at a time.
    let health = a.health().await;
    let drainers = health["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["drains_outbox"] == true)
        .count();
    assert!(drainers <= 1, "{health}");

    // A node stopped with SIGTERM finishes, leaves /health at once and exits cleanly.
    let mut c = c;
    let status = Command::new("kill")
        .args(["-TERM", &c.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = c.child.wait().unwrap();
    assert!(
        exit.success(),
        "a node stopped with SIGTERM exits with success: {exit}"
    );
    let nodes = a.health().await["nodes"].as_array().unwrap().len();
    assert_eq!(nodes, 2, "the stopped node removed its report");
}

#[tokio::test]
async fn a_node_killed_while_draining_the_outbox_loses_nothing() {
    let Some(db) = fresh_database("killed_node").await else {
        return;
    };
    let Some(meili) = MeiliIndex::new("killed_node") else {
        return;
    };
    // The real seed and 8,000 synthetic records: several outbox batches.
    let seed_dir = tempfile::tempdir().unwrap();
    let base = tipx_api::seed::SeedFiles::load(None).unwrap();
    let written = tipx_api::synthetic::write_folder(&base, 8_000, 11, seed_dir.path()).unwrap();
    // The import queues every record for the index.
    let total = (written.real + written.synthetic) as u64;
    let setup = NodeSetup {
        database_url: &db,
        meili: Some(&meili),
        seed_dir: Some(seed_dir.path()),
    };
    let mut a = setup.start().await;
    // Kill A once it has applied part of the outbox, not all of it.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let pending = a.health().await["search"]["outbox"]["pending"]
            .as_u64()
            .unwrap();
        assert!(
            pending > 0,
            "A drained everything before it could be killed: make the corpus larger"
        );
        if pending < total {
            break;
        }
        assert!(Instant::now() < deadline, "A never started draining");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.kill();

    // B and C start on the same store; one of them takes the outbox over.
    let b = setup.start().await;
    let c = setup.start().await;
    eventually("the outbox drained by the surviving nodes", 180, || async {
        b.health().await["search"]["caught_up"] == true
    })
    .await;
    let store = PgStore::connect(&db, 2).await.unwrap();
    assert_eq!(store.outbox_stats().await.unwrap().pending, 0);
    let published = tipx_api::indexer::published_count(&store).await.unwrap();
    eventually("Meilisearch holds every published record", 60, || async {
        meili.documents().await == published
    })
    .await;
    assert_eq!(b.total_hits("").await, published);
    assert_eq!(c.total_hits("").await, published);
    // A's report expires; B and C remain.
    eventually("the dead node leaves /health", 30, || async {
        b.health().await["nodes"].as_array().unwrap().len() == 2
    })
    .await;
}

#[tokio::test]
async fn two_nodes_started_together_migrate_and_import_once_and_an_embedded_index_is_refused() {
    let Some(db) = fresh_database("together").await else {
        return;
    };
    // Both on the embedded index: both migrate and import under locks, and at most one may
    // serve, since an embedded index belongs to one node.
    let setup = NodeSetup {
        database_url: &db,
        meili: None,
        seed_dir: None,
    };
    let (first, second) = tokio::join!(setup.try_start(), setup.try_start());
    let logs: Vec<String> = [&first, &second]
        .iter()
        .map(|r| match r {
            Ok(node) => node.log_text(),
            Err(log) => log.clone(),
        })
        .collect();
    let migrated: usize = logs
        .iter()
        .map(|l| l.matches("database migrated").count())
        .sum();
    assert_eq!(
        migrated,
        tipx_api::store::migrations::POSTGRES_MIGRATIONS.len(),
        "each migration ran once in all: {logs:#?}"
    );
    let imported: usize = logs
        .iter()
        .map(|l| l.matches("seed imported").count())
        .sum();
    assert_eq!(imported, 1, "the seed was imported once: {logs:#?}");
    let store = PgStore::connect(&db, 2).await.unwrap();
    let ids: Vec<_> = seed().records.iter().map(|r| r.id().clone()).collect();
    assert_eq!(
        store.history(&ids).await.unwrap().len(),
        ids.len(),
        "one import entry per record"
    );
    let refused: Vec<&String> = logs
        .iter()
        .filter(|l| l.contains("several nodes need one shared Meilisearch"))
        .collect();
    assert!(
        !refused.is_empty(),
        "a second node on an embedded index is refused: {logs:#?}"
    );
    let serving = [&first, &second].iter().filter(|r| r.is_ok()).count();
    assert!(serving <= 1, "{logs:#?}");

    // A third node started after the first is refused plainly, and exits.
    if serving == 1 {
        let third = setup.try_start().await;
        let log = third.err().expect("the third node is refused");
        assert!(
            log.contains("several nodes need one shared Meilisearch"),
            "{log}"
        );
    }
}

#[tokio::test]
async fn a_node_started_right_after_one_was_killed_takes_its_place() {
    let Some(db) = fresh_database("restart").await else {
        return;
    };
    let setup = NodeSetup {
        database_url: &db,
        meili: None,
        seed_dir: None,
    };
    let mut crashed = setup.start().await;
    let crashed_id = crashed.health().await["node"].as_str().unwrap().to_owned();
    crashed.kill();
    // Its report has not expired, but it no longer holds its lock: the new node on an
    // embedded index is not refused, and the dead one leaves /health at once.
    let next = setup.start().await;
    let health = next.health().await;
    let ids: Vec<&str> = health["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&crashed_id.as_str()), "{health}");
    assert_eq!(ids, [health["node"].as_str().unwrap()], "{health}");
}
