//! `tipx export` and `tipx import`, as a partner or an operator runs them.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_on, tipx_bin, TestApp};

/// Runs `tipx` on the app's store; panics with its error output when it fails.
fn tipx_on(app: &TestApp, args: &[&str]) -> String {
    let out = app.command(&tipx_bin()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "tipx {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The API's published counts per kind.
async fn totals(app: &TestApp) -> Value {
    app.data(
        "{ laws { totalCount } practices { totalCount } cases { totalCount } }",
        json!({}),
    )
    .await
}

/// The column names the data dictionary lists for a table, in order.
fn dictionary_columns(dir: &Path, table: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("DATA-DICTIONARY.md")).unwrap();
    let heading = format!("## `{table}.csv`");
    let section = &text[text.find(&heading).expect("a section per table")..];
    section
        .lines()
        .skip(4)
        .take_while(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_csv_export_opens_with_pythons_csv_module_with_the_dictionarys_columns() {
    let app = spawn_app().await;
    let out = tempfile::tempdir().unwrap();
    tipx_on(
        &app,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    let counts = totals(&app).await;
    for (table, expected) in [
        ("laws", counts["laws"]["totalCount"].as_u64().unwrap()),
        (
            "practices",
            counts["practices"]["totalCount"].as_u64().unwrap(),
        ),
        ("cases", counts["cases"]["totalCount"].as_u64().unwrap()),
    ] {
        // Python's csv module reads the header and every row; each row has every column.
        let script = "import csv, json, sys\n\
            rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))\n\
            print(json.dumps({'header': list(rows[0].keys()), 'rows': len(rows), \
            'complete': all(None not in r.values() and len(r) == len(rows[0]) for r in rows)}))";
        let result = Command::new("python3")
            .args(["-c", script])
            .arg(out.path().join(format!("{table}.csv")))
            .output()
            .expect("python3 runs");
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let read: Value = serde_json::from_slice(&result.stdout).unwrap();
        assert_eq!(
            read["rows"], expected,
            "{table}: one row per published record"
        );
        assert_eq!(read["complete"], true, "{table}");
        assert_eq!(
            read["header"],
            json!(dictionary_columns(out.path(), table)),
            "{table}: the header is the dictionary's columns"
        );
    }
    let licence = std::fs::read_to_string(out.path().join("LICENCE.md")).unwrap();
    assert!(licence.contains("Apache License 2.0") && licence.contains("CC BY 4.0"));
}

/// An exported JSON line without the victim groups the export suppressed (they cannot be
/// restored: their numbers never left).
fn without_suppressed(line: &str) -> Value {
    let mut v: Value = serde_json::from_str(line).unwrap();
    if let Some(groups) = v
        .pointer_mut("/outcome/victims_by_group")
        .and_then(Value::as_array_mut)
    {
        groups.retain(|g| g["suppressed"] != true);
    }
    v
}

#[tokio::test]
async fn an_export_imported_into_an_empty_store_gives_back_the_same_records() {
    let app = spawn_app().await;
    let first = tempfile::tempdir().unwrap();
    tipx_on(
        &app,
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            first.path().to_str().unwrap(),
        ],
    );

    // A line that does not parse: a clear error naming the file and line, and nothing written.
    let broken = tempfile::tempdir().unwrap();
    for name in ["laws", "practices", "cases", "treaty-status"] {
        let mut text = std::fs::read_to_string(first.path().join(format!("{name}.jsonl"))).unwrap();
        if name == "practices" {
            text.push_str("{\"kind\": \"PRACTICE\", \"id\": \"PR9999\"}\n");
        }
        std::fs::write(broken.path().join(format!("{name}.jsonl")), text).unwrap();
    }
    let target = crate::helpers::empty_app_storage().await;
    let failed = target
        .command(&tipx_bin())
        .args(["import", "--from", broken.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!failed.status.success());
    let error = String::from_utf8_lossy(&failed.stderr);
    assert!(
        error.contains("practices.jsonl line") && error.contains("nothing was imported"),
        "{error}"
    );

    // The good export loads into the same, still empty, store.
    let said = target
        .command(&tipx_bin())
        .args(["import", "--from", first.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        said.status.success(),
        "{}",
        String::from_utf8_lossy(&said.stderr)
    );

    // Exported again, it holds the same records, versions and dates, and the same treaty rows.
    let second = tempfile::tempdir().unwrap();
    let out = target
        .command(&tipx_bin())
        .args([
            "export",
            "--format",
            "jsonl",
            "--out",
            second.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    for name in ["laws", "practices", "cases", "treaty-status"] {
        let read = |dir: &Path| -> Vec<Value> {
            std::fs::read_to_string(dir.join(format!("{name}.jsonl")))
                .unwrap()
                .lines()
                .map(without_suppressed)
                .collect()
        };
        let (before, after) = (read(first.path()), read(second.path()));
        assert!(!before.is_empty());
        assert_eq!(before, after, "{name}: nothing lost");
    }

    // A server on the imported store serves the same counts, without importing the seed again.
    let served = spawn_app_on(target.data_dir, target.database_url).await;
    assert_eq!(totals(&served).await, totals(&app).await);

    // A second import into the now full store is refused.
    let again = served
        .command(&tipx_bin())
        .args(["import", "--from", first.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("import into an empty store"));
}

/// GETs an export file with extra headers; returns the response.
async fn download(app: &TestApp, file: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(&format!("/export/{file}")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn etag_of(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_http_export_serves_the_same_files_as_the_command_line() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "csv"] {
        tipx_on(
            &app,
            &[
                "export",
                "--format",
                format,
                "--out",
                dir.path().to_str().unwrap(),
            ],
        );
    }
    // The listing names every file, and each one downloads byte for byte as the CLI wrote it.
    let index: Value = app.get("/export").await.json().await.unwrap();
    let mut names: Vec<String> = index["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 8);
    names.extend(["DATA-DICTIONARY.md".to_owned(), "LICENCE.md".to_owned()]);
    for name in &names {
        let response = download(&app, name, &[("accept-encoding", "identity")]).await;
        assert_eq!(response.status(), 200, "{name}");
        assert!(response.headers().get("content-encoding").is_none());
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(disposition.contains(name.as_str()), "{disposition}");
        let body = response.bytes().await.unwrap();
        let written = std::fs::read(dir.path().join(name)).unwrap();
        assert!(!written.is_empty());
        assert!(
            body == written,
            "{name}: the download equals the CLI's file"
        );
    }
    let csv = download(&app, "cases.csv", &[]).await;
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));

    // gzip when asked: a different ETag, the same bytes once decompressed.
    let plain = download(&app, "practices.jsonl", &[("accept-encoding", "identity")]).await;
    let plain_tag = etag_of(&plain);
    let plain = plain.bytes().await.unwrap();
    let zipped = download(&app, "practices.jsonl", &[("accept-encoding", "gzip")]).await;
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.headers()["vary"], "accept-encoding");
    assert_ne!(etag_of(&zipped), plain_tag);
    let compressed = zipped.bytes().await.unwrap();
    assert!(compressed.len() * 3 < plain.len(), "gzip saves space");
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut unzipped,
    )
    .unwrap();
    assert!(unzipped == plain);

    // HEAD: the headers without the body.
    let head = app
        .client
        .head(app.url("/export/practices.jsonl"))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(etag_of(&head), plain_tag);
    assert!(head.bytes().await.unwrap().is_empty());

    // An unknown file: a clear error with a code.
    let missing = download(&app, "victims.csv", &[]).await;
    assert_eq!(missing.status(), 404);
    let answer: Value = missing.json().await.unwrap();
    assert_eq!(answer["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert!(answer["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("practices.csv"));
}

#[tokio::test]
async fn an_unchanged_export_answers_304_and_a_retraction_changes_only_its_kinds_etag() {
    let app = spawn_app().await;
    let identity = ("accept-encoding", "identity");
    let practices = download(&app, "practices.jsonl", &[identity]).await;
    let practices_tag = etag_of(&practices);
    let before = practices.text().await.unwrap();
    let laws_tag = etag_of(&download(&app, "laws.csv", &[identity]).await);

    let same = download(
        &app,
        "practices.jsonl",
        &[identity, ("if-none-match", &practices_tag)],
    )
    .await;
    assert_eq!(same.status(), 304);
    assert_eq!(etag_of(&same), practices_tag);
    assert!(same.bytes().await.unwrap().is_empty());

    // A moderator retracts a practice: the practices file changes, the laws file does not.
    let first: Value = serde_json::from_str(before.lines().next().unwrap()).unwrap();
    let id = first["id"].as_str().unwrap().to_owned();
    crate::helpers::retract(app.store().await.as_ref(), &id).await;
    let changed = download(
        &app,
        "practices.jsonl",
        &[identity, ("if-none-match", &practices_tag)],
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert_ne!(etag_of(&changed), practices_tag);
    let after = changed.text().await.unwrap();
    assert_eq!(after.lines().count() + 1, before.lines().count());
    assert!(!after.contains(&format!("\"id\":\"{id}\"")));
    let laws = download(&app, "laws.csv", &[identity, ("if-none-match", &laws_tag)]).await;
    assert_eq!(
        laws.status(),
        304,
        "a practice's retraction leaves laws.csv as it was"
    );
}
