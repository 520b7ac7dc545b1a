//! Faults and what the operator sees of them: real `tipx serve` processes on SQLite, with their
//! own data folder and log, broken or killed (SIGKILL) as a test says, then asked over HTTP.
//! Each test names the figure it proves; `docs/reliability.md` lists them with their commands.
//! They run in the SQLite pass only (the PostgreSQL pass would start the same processes again).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use tipx_api::store::SqliteStore;
use tipx_schema::ids::RecordId;
use tipx_schema::model::Record;
use tipx_schema::store::Store;
use tipx_schema::vocab::RecordStatus;

use crate::helpers::{repo_root, tipx_bin};

/// A `tipx serve` process on a data folder, with its log (standard error) in a file.
struct Server {
    child: Child,
    url: String,
    log: PathBuf,
    client: reqwest::Client,
}

impl Server {
    fn command(data_dir: &Path, log_dir: &Path) -> Command {
        let mut command = Command::new(tipx_bin());
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("TIPX__STORAGE__DATABASE_URL", "")
            .env("TIPX__SEARCH__MEILI_URL", "")
            .env("TIPX__LOG__FILTER", "info")
            .env("TIPX__SEED__DIR", repo_root().join("seed"))
            .env("TIPX__RATE_LIMITS__ENABLED", "false")
            .env("TIPX__SERVER__WIDGETS_DIR", log_dir.join("no-widgets"))
            .env("TIPX__SERVER__GRAPHIQL_DIR", log_dir.join("no-graphiql"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        command
    }

    /// Starts a server and waits until it listens; `Err((exit code, log))` when it exits first.
    async fn try_start(
        data_dir: &Path,
        log: &Path,
        adjust: impl FnOnce(&mut Command),
    ) -> Result<Server, (Option<i32>, String)> {
        let mut command = Server::command(data_dir, log.parent().unwrap());
        adjust(&mut command);
        let child = command
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("tipx starts");
        let mut server = Server {
            child,
            url: String::new(),
            log: log.to_owned(),
            client: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let text = server.log_text();
            if let Some(line) = text.lines().find(|l| l.trim_start().starts_with("GraphQL")) {
                let url = line.split_whitespace().nth(1).unwrap();
                server.url = url.trim_end_matches("/graphql").to_owned();
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err((status.code(), server.log_text()));
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start in 120 s: {text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn start(data_dir: &Path, log: &Path) -> Server {
        match Server::try_start(data_dir, log, |_| {}).await {
            Ok(server) => server,
            Err((_, log)) => panic!("the server exited at start: {log}"),
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn post(&self, body: Value, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("the server answers")
    }

    /// SIGKILL: no shutdown, no goodbye to the store.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True (and said) in the PostgreSQL pass, where these SQLite process tests do not run again.
fn sqlite_pass_only() -> bool {
    if crate::helpers::on_postgres() {
        eprintln!("NOTE: reliability tests run in the SQLite pass only");
        return true;
    }
    false
}

const PRACTICES: &str = "query Practices { practices(first: 3) { nodes { recordId title } } }";

#[tokio::test]
async fn an_internal_error_is_opaque_and_names_a_request_id_that_the_log_line_carries() {
    if sqlite_pass_only() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &dir.path().join("log")).await;
    let first = server.post(json!({ "query": PRACTICES }), &[]).await;
    assert_eq!(first.status(), 200);
    let first_id = first.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(first_id.len(), 32, "a new id is 16 random bytes in hex");
    let answer: Value = first.json().await.unwrap();
    assert!(answer.get("errors").is_none(), "{answer}");

    // The store breaks under the running server: its records table disappears.
    let db = rusqlite::Connection::open(data.join("tipx.sqlite3")).unwrap();
    db.execute_batch("ALTER TABLE records RENAME TO records_gone")
        .unwrap();

    let response = server.post(json!({ "query": PRACTICES }), &[]).await;
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(id, first_id, "each request has its own id");
    let answer: Value = response.json().await.unwrap();
    let error = &answer["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL", "{answer}");
    assert_eq!(error["extensions"]["requestId"], id.as_str(), "{answer}");
    let text = answer.to_string();
    for leak in ["records", "no such table", "sqlite", "rusqlite"] {
        assert!(!text.contains(leak), "the answer leaks '{leak}': {text}");
    }
    // The operator finds the cause by the id the partner reports.
    let log = server.log_text();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(&id)).collect();
    assert!(
        lines.iter().any(|l| l.contains("no such table")),
        "no log line names request {id} with the cause: {log}"
    );
    assert!(
        lines.iter().any(|l| l.contains("status=200")),
        "the access line carries the id: {log}"
    );
}

#[tokio::test]
async fn a_callers_request_id_is_kept_when_it_is_a_short_token_and_replaced_otherwise() {
    if sqlite_pass_only() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"), &dir.path().join("log")).await;
    let query = json!({ "query": "{ __typename }" });
    let kept = server
        .post(query.clone(), &[("x-request-id", "partner-42.run:7")])
        .await;
    assert_eq!(kept.headers()["x-request-id"], "partner-42.run:7");
    assert_eq!(kept.headers()["x-content-type-options"], "nosniff");
    let long = "a".repeat(65);
    for hostile in ["two words", "quote\"d", long.as_str(), ""] {
        let answer = server
            .post(query.clone(), &[("x-request-id", hostile)])
            .await;
        let id = answer.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, hostile);
        assert_eq!(id.len(), 32, "replaced by a new id: {id}");
    }
    let log = server.log_text();
    assert!(
        log.lines()
            .any(|l| l.contains("partner-42.run:7") && l.contains("path=/graphql")),
        "{log}"
    );
    assert!(!log.contains("two words"), "{log}");
}

/// A key made with `tipx keys create` on a data folder; returns its secret.
fn key(data_dir: &Path, role: &str, countries: &[&str]) -> String {
    crate::helpers::key_on_store(data_dir, None, role, countries, "Reliability tests")
}

/// Every record id the store holds, published or in progress.
fn stored_ids(data_dir: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(data_dir.join("tipx.sqlite3")).unwrap();
    let mut stmt = db
        .prepare("SELECT id FROM records UNION SELECT id FROM revisions ORDER BY 1")
        .unwrap();
    stmt.query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Each record as it stands: its draft or submission when it has one, else its published
/// (or retracted) version.
async fn current(store: &dyn Store, ids: &[RecordId]) -> Vec<Record> {
    let mut records = store.revisions(ids).await.unwrap();
    for (record, _) in store.records_any_status(ids).await.unwrap() {
        if !records.iter().any(|r| r.id() == record.id()) {
            records.push(record);
        }
    }
    records
}

/// Checks that each record's history ends at the record as stored: its versions run 1, 2, …
/// up to the record's version, and the last entry's status is the record's.
async fn assert_history_matches(store: &dyn Store, ids: &[RecordId]) {
    let records = current(store, ids).await;
    assert_eq!(records.len(), ids.len(), "every id has its record");
    let history = store.history(ids).await.unwrap();
    for record in &records {
        let entries: Vec<_> = history
            .iter()
            .filter(|h| &h.record_id == record.id())
            .collect();
        let versions: Vec<i32> = entries.iter().map(|h| h.version).collect();
        let want: Vec<i32> = (1..=record.meta().version).collect();
        assert_eq!(versions, want, "history of {} by version", record.id());
        assert_eq!(
            entries.last().unwrap().to_status,
            record.meta().status,
            "the last history entry of {} is its status",
            record.id()
        );
    }
}

const BURST_PRACTICE: &str =
    "mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId } } }";

fn burst_input(client: usize, n: usize) -> Value {
    crate::helpers::practice_input(
        "NG",
        &format!("Burstwatch volunteers ({client}, {n}) watch bus stations for children travelling alone and alert the agency."),
    )
}

/// One step of a burst client: `Ok(Some(data))` when acknowledged, `Ok(None)` when the server
/// is gone (connection refused or cut), `Err` on an answer with errors.
async fn burst_step(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    query: &str,
    variables: Value,
) -> Result<Option<Value>, String> {
    let sent = client
        .post(format!("{url}/graphql"))
        .bearer_auth(secret)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await;
    let Ok(response) = sent else { return Ok(None) };
    let Ok(answer) = response.json::<Value>().await else {
        return Ok(None);
    };
    match answer.get("errors") {
        None => Ok(Some(answer["data"].clone())),
        Some(_) => Err(answer.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_in_a_burst_of_mutations_loses_no_acknowledged_write_and_the_index_converges() {
    if sqlite_pass_only() {
        return;
    }
    const CLIENTS: usize = 6;
    const PUBLISHED_BEFORE_KILL: usize = 24;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data, &dir.path().join("log")).await;
    let focal = key(&data, "contributor", &["NG"]);
    let moderator = key(&data, "moderator", &[]);
    // (record id, last acknowledged step: 1 created, 2 submitted, 3 published)
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, u8)>::new()));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (url, focal, moderator, acked) = (
            server.url.clone(),
            focal.clone(),
            moderator.clone(),
            acked.clone(),
        );
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for n in 0.. {
                let Some(created) = burst_step(
                    &http,
                    &url,
                    &focal,
                    BURST_PRACTICE,
                    json!({ "i": burst_input(c, n) }),
                )
                .await?
                else {
                    return Ok::<usize, String>(n);
                };
                let id = created["createPractice"]["recordId"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let slot = {
                    let mut a = acked.lock().unwrap();
                    a.push((id.clone(), 1));
                    a.len() - 1
                };
                for (step, (secret, action)) in [(&focal, "submit"), (&moderator, "publish")]
                    .into_iter()
                    .enumerate()
                {
                    let query =
                        format!("mutation($id: ID!) {{ {action}(id: $id) {{ __typename }} }}");
                    if burst_step(&http, &url, secret, &query, json!({ "id": id }))
                        .await?
                        .is_none()
                    {
                        return Ok(n);
                    }
                    acked.lock().unwrap()[slot].1 = step as u8 + 2;
                }
            }
            unreachable!()
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, s)| *s == 3)
        .count()
        < PUBLISHED_BEFORE_KILL
    {
        assert!(
            Instant::now() < deadline,
            "the burst did not publish {PUBLISHED_BEFORE_KILL} records in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for client in clients {
        client
            .await
            .unwrap()
            .expect("no mutation failed before the kill");
    }
    let acked = acked.lock().unwrap().clone();

    // The store as the killed process left it (SQLite recovers its log on open).
    let store = SqliteStore::open(&data).unwrap();
    let ids: Vec<RecordId> = acked
        .iter()
        .map(|(id, _)| RecordId::parse(id).unwrap())
        .collect();
    let stored = current(&store, &ids).await;
    for (id, step) in &acked {
        let record = stored
            .iter()
            .find(|r| r.id().as_str() == id)
            .unwrap_or_else(|| panic!("acknowledged record {id} lost"));
        let status = record.meta().status;
        let ok = match step {
            1 => true,
            2 => matches!(status, RecordStatus::Submitted | RecordStatus::Published),
            _ => status == RecordStatus::Published,
        };
        assert!(ok, "{id}: acknowledged step {step}, stored {status:?}");
    }
    // Whatever else the store holds (a write cut by the kill, committed before its answer
    // was sent) is whole: record and history agree.
    let all: Vec<RecordId> = stored_ids(&data)
        .iter()
        .filter(|id| id.starts_with("PR") && !tipx_seed_ids().contains(*id))
        .map(|id| RecordId::parse(id).unwrap())
        .collect();
    assert!(all.len() >= acked.len());
    assert_history_matches(&store, &all).await;
    let published = current(&store, &all)
        .await
        .iter()
        .filter(|r| r.meta().status == RecordStatus::Published)
        .count();
    drop(store);
    eprintln!(
        "killed after {} acknowledged creations ({} published; {} records in the store, {} published)",
        acked.len(),
        acked.iter().filter(|(_, s)| *s == 3).count(),
        all.len(),
        published
    );

    // Restarted, the node drains the outbox: search finds exactly the published ones.
    let server = Server::start(&data, &dir.path().join("log2")).await;
    caught_up(&server).await;
    let answer: Value = server
        .post(
            json!({ "query": "{ search(query: \"Burstwatch\", first: 1) { totalHits } }" }),
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["data"]["search"]["totalHits"], published as u64,
        "{answer}"
    );
}

/// The record ids of the repository's seed.
fn tipx_seed_ids() -> std::collections::HashSet<String> {
    crate::helpers::seed()
        .records
        .iter()
        .map(|r| r.id().as_str().to_owned())
        .collect()
}

/// Counts rows of a query on the data folder's SQLite database.
fn count(data_dir: &Path, sql: &str) -> i64 {
    let db = rusqlite::Connection::open(data_dir.join("tipx.sqlite3")).unwrap();
    db.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn sigkill_during_a_seed_import_leaves_all_or_nothing_and_the_next_start_imports_once() {
    if sqlite_pass_only() {
        return;
    }
    const SYNTHETIC: usize = 30_000;
    let dir = tempfile::tempdir().unwrap();
    let seed_dir = dir.path().join("seed");
    let gen = Command::new(tipx_bin())
        .args([
            "gen",
            "--records",
            &SYNTHETIC.to_string(),
            "--seed",
            "7",
            "--out",
        ])
        .arg(&seed_dir)
        .output()
        .unwrap();
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let records = crate::helpers::seed().records.len() + SYNTHETIC;
    let data = dir.path().join("data");
    let mut import = Command::new(tipx_bin())
        .args(["seed", "--data-dir"])
        .arg(&data)
        .arg("--seed-dir")
        .arg(&seed_dir)
        .env("TIPX__STORAGE__DATABASE_URL", "")
        .env("TIPX__LOG__FILTER", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the import's transaction has written a megabyte to the write-ahead log.
    let wal = data.join("tipx.sqlite3-wal");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 1 << 20 {
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended before it was killed: raise SYNTHETIC"
        );
        assert!(
            Instant::now() < deadline,
            "the import wrote nothing in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    import.kill().unwrap();
    import.wait().unwrap();

    let after_kill = count(&data, "SELECT count(*) FROM records");
    let history = count(&data, "SELECT count(*) FROM record_history");
    eprintln!("after SIGKILL: {after_kill} of {records} records, {history} history entries");
    assert!(
        after_kill == 0 || after_kill == records as i64,
        "half an import: {after_kill} of {records} records"
    );
    assert_eq!(history, after_kill, "one history entry per record");

    // The next start imports the seed (its fingerprint was never recorded), once.
    let log = dir.path().join("log");
    let server = Server::try_start(&data, &log, |c| {
        c.env("TIPX__SEED__DIR", &seed_dir);
    })
    .await
    .unwrap_or_else(|(_, log)| panic!("the restart failed: {log}"));
    assert!(server.log_text().contains("seed imported"));
    assert_eq!(count(&data, "SELECT count(*) FROM records"), records as i64);
    assert_eq!(
        count(&data, "SELECT count(*) FROM record_history"),
        records as i64,
        "each record has exactly its one import entry"
    );
    assert_eq!(
        count(
            &data,
            "SELECT count(*) FROM (SELECT record_id FROM record_history GROUP BY record_id HAVING count(*) > 1)"
        ),
        0
    );
}

/// A tmpfs mounted on a temporary folder (unmounted when dropped), or `None`, said plainly,
/// where this process may not mount (it needs root).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(test: &str, size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!(
                "NOTE: {test} did not run: this process cannot mount a tmpfs (it needs root)"
            );
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Runs `tipx serve` expecting it to exit at start; returns (exit code, standard error).
async fn failed_start(data_dir: &Path, log_dir: &Path) -> (Option<i32>, String) {
    match Server::try_start(data_dir, &log_dir.join("log"), |_| {}).await {
        Ok(server) => panic!("the server started: {}", server.log_text()),
        Err(failure) => failure,
    }
}

#[tokio::test]
async fn a_read_only_data_folder_stops_the_start_with_exit_code_73_and_a_hint() {
    if sqlite_pass_only() {
        return;
    }
    let Some(fs) = Tmpfs::mount("read_only_data_folder", "64m") else {
        return;
    };
    let logs = tempfile::tempdir().unwrap();
    // A data folder with a store in it, then the disk turns read-only.
    let data = fs.path().join("data");
    let seeded = Command::new(tipx_bin())
        .args(["seed", "--data-dir"])
        .arg(&data)
        .env("TIPX__STORAGE__DATABASE_URL", "")
        .output()
        .unwrap();
    assert!(seeded.status.success());
    fs.remount("ro");
    let (code, log) = failed_start(&data, logs.path()).await;
    assert_eq!(code, Some(73), "{log}");
    assert!(log.contains("Read-only file system"), "{log}");
    assert!(log.contains("the data folder cannot be written"), "{log}");
    // A new data folder on the read-only disk: the same.
    let (code, log) = failed_start(&fs.path().join("new"), logs.path()).await;
    assert_eq!(code, Some(73), "{log}");
    assert!(
        log.contains(&fs.path().join("new").display().to_string()),
        "{log}"
    );
}

#[tokio::test]
async fn a_full_disk_stops_the_start_with_exit_code_74_and_the_next_start_imports_whole() {
    if sqlite_pass_only() {
        return;
    }
    let Some(fs) = Tmpfs::mount("full_data_folder", "1m") else {
        return;
    };
    let logs = tempfile::tempdir().unwrap();
    let data = fs.path().join("data");
    let (code, log) = failed_start(&data, logs.path()).await;
    assert_eq!(code, Some(74), "{log}");
    assert!(log.contains("database or disk is full"), "{log}");
    assert!(
        log.contains("the disk holding the data folder is full"),
        "{log}"
    );
    assert_eq!(
        count(&data, "SELECT count(*) FROM records"),
        0,
        "nothing half-imported"
    );
    // Space freed: the same folder starts and holds the whole seed.
    fs.remount("size=128m");
    let server = Server::start(&data, &logs.path().join("log2")).await;
    assert_eq!(
        count(&data, "SELECT count(*) FROM records"),
        crate::helpers::seed().records.len() as i64
    );
    drop(server);
}

async fn caught_up(server: &Server) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let health: Value = reqwest::get(format!("{}/health", server.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if health["search"]["caught_up"] == true {
            return health;
        }
        assert!(
            Instant::now() < deadline,
            "search did not catch up in 120 s: {health}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn total_hits(server: &Server, words: &str) -> u64 {
    let answer: Value = server
        .post(
            json!({ "query": "query($q: String) { search(query: $q, first: 1) { totalHits } }", "variables": { "q": words } }),
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    answer["data"]["search"]["totalHits"]
        .as_u64()
        .unwrap_or_else(|| panic!("{answer}"))
}

#[tokio::test]
async fn a_corrupt_search_index_is_rebuilt_from_the_store_with_a_log_line() {
    if sqlite_pass_only() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &dir.path().join("log")).await;
    caught_up(&server).await;
    let before = (
        total_hits(&server, "").await,
        total_hits(&server, "labour").await,
    );
    assert!(before.0 > 100 && before.1 > 0, "{before:?}");
    drop(server);

    // Every file of the live index overwritten with junk.
    let search = data.join("search");
    let live = std::fs::read_to_string(search.join("CURRENT")).unwrap_or_else(|_| "index-0".into());
    let mut damaged = 0;
    for entry in std::fs::read_dir(search.join(live.trim())).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::write(&path, b"not an index").unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 2, "the index had files");

    let server = Server::start(&data, &dir.path().join("log2")).await;
    assert!(
        server.log_text().contains(
            "the search index cannot be read; removing it and rebuilding it from the store"
        ),
        "{}",
        server.log_text()
    );
    caught_up(&server).await;
    let after = (
        total_hits(&server, "").await,
        total_hits(&server, "labour").await,
    );
    assert_eq!(after, before, "the rebuilt index answers as before");
}

/// A `meilisearch` binary this test may start and stop itself (`MEILI_BIN`, or on PATH), or
/// `None`, said plainly.
fn meilisearch_binary(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("MEILI_BIN")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join("meilisearch"))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        eprintln!(
            "NOTE: {test} did not run: it starts and stops Meilisearch itself and needs its binary (MEILI_BIN or meilisearch on PATH)"
        );
    }
    found
}

/// A Meilisearch process on a fixed port and database folder, so it can be stopped and
/// started again where it was.
struct Meili {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    key: String,
    child: Option<Child>,
}

impl Meili {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn start(&mut self) {
        let child = Command::new(&self.bin)
            .arg("--db-path")
            .arg(self.dir.join("data"))
            .arg("--dump-dir")
            .arg(self.dir.join("dumps"))
            .arg("--snapshot-dir")
            .arg(self.dir.join("snapshots"))
            .args(["--http-addr", &format!("127.0.0.1:{}", self.port)])
            .args([
                "--master-key",
                &self.key,
                "--no-analytics",
                "--env",
                "development",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("meilisearch starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while reqwest::get(format!("{}/health", self.url()))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "Meilisearch did not answer in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Meili {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn meilisearch_stopped_then_restarted_writes_commit_health_degrades_and_the_index_converges()
{
    if sqlite_pass_only() {
        return;
    }
    let Some(bin) = meilisearch_binary("meilisearch_stopped_then_restarted") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut meili = Meili {
        bin,
        dir: dir.path().join("meili"),
        port,
        key: format!("tipx-reliability-{}-master-key", std::process::id()),
        child: None,
    };
    meili.start().await;
    let data = dir.path().join("data");
    let (url, master_key) = (meili.url(), meili.key.clone());
    let server = Server::try_start(&data, &dir.path().join("log"), |c| {
        c.env("TIPX__SEARCH__MEILI_URL", &url)
            .env("TIPX__SEARCH__MEILI_KEY", &master_key)
            .env("TIPX__SEARCH__MEILI_INDEX", "tipx-reliability");
    })
    .await
    .unwrap_or_else(|(_, log)| panic!("tipx did not start on Meilisearch: {log}"));
    caught_up(&server).await;
    let focal = key(&data, "contributor", &["NG"]);
    let moderator = key(&data, "moderator", &[]);

    meili.kill();
    // Writes go on: a practice is created, submitted and published with search down.
    let http = reqwest::Client::new();
    let created = burst_step(
        &http,
        &server.url,
        &focal,
        BURST_PRACTICE,
        json!({ "i": burst_input(0, 0) }),
    )
    .await
    .unwrap()
    .expect("the server answers");
    let id = created["createPractice"]["recordId"]
        .as_str()
        .unwrap()
        .to_owned();
    for (secret, action) in [(&focal, "submit"), (&moderator, "publish")] {
        let query = format!("mutation($id: ID!) {{ {action}(id: $id) {{ __typename }} }}");
        burst_step(&http, &server.url, secret, &query, json!({ "id": id }))
            .await
            .unwrap_or_else(|e| panic!("{action} with search down: {e}"))
            .expect("the server answers");
    }
    let health: Value = reqwest::get(format!("{}/health", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["search"]["status"], "unavailable", "{health}");
    assert!(
        health["search"]["outbox"]["pending"].as_u64().unwrap() >= 1,
        "{health}"
    );
    let answer: Value = server
        .post(
            json!({ "query": "{ search(query: \"Burstwatch\", first: 1) { totalHits } }" }),
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
        "{answer}"
    );

    // Meilisearch back where it was: the outbox drains and search finds the new record.
    meili.start().await;
    caught_up(&server).await;
    assert_eq!(total_hits(&server, "Burstwatch").await, 1);
}
