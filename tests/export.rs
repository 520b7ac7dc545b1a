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
