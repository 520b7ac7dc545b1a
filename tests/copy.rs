//! `tipx migrate` and `tipx copy`, run as an operator would: the real binary on real stores.

use std::process::{Command, Output};

use serde_json::json;

use tipx_api::store::migrations::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::helpers::{fresh_database, spawn_app_with, tipx_bin, TestApp};

fn tipx(args: &[&str], database_url: Option<&str>) -> Output {
    Command::new(tipx_bin())
        .args(args)
        .env("TIPX__STORAGE__DATABASE_URL", database_url.unwrap_or(""))
        .env("TIPX__LOG__FILTER", "warn")
        .output()
        .expect("tipx runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `--check` lists every migration as pending on a new store and exits 1; `tipx migrate` runs
/// them; then `--check` says up to date and exits 0.
fn migrate_round(store_args: &[&str], database_url: Option<&str>, count: usize) {
    let check: Vec<&str> = ["migrate", "--check"]
        .iter()
        .chain(store_args)
        .copied()
        .collect();
    let before = tipx(&check, database_url);
    assert_eq!(before.status.code(), Some(1), "{}", stdout(&before));
    assert_eq!(
        stdout(&before).matches("  pending  ").count(),
        count,
        "{}",
        stdout(&before)
    );
    assert!(stdout(&before).contains(&format!("{count} migration(s) would run")));

    let run: Vec<&str> = ["migrate"].iter().chain(store_args).copied().collect();
    let ran = tipx(&run, database_url);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert!(
        stdout(&ran).contains(&format!("{count} migration(s) applied")),
        "{}",
        stdout(&ran)
    );

    let after = tipx(&check, database_url);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
    assert_eq!(stdout(&after).matches("  applied  ").count(), count);
    assert!(stdout(&after).contains("up to date"));
}

#[test]
fn migrate_check_lists_pending_migrations_and_migrate_runs_them_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    migrate_round(
        &["--data-dir", data.to_str().unwrap()],
        None,
        SQLITE_MIGRATIONS.len(),
    );
}

#[tokio::test]
async fn migrate_check_lists_pending_migrations_and_migrate_runs_them_on_postgres() {
    let Some(db) = fresh_database("migrate_cli").await else {
        return;
    };
    migrate_round(&[], Some(&db), POSTGRES_MIGRATIONS.len());
}

/// A contribution with its history and a key on a SQLite server.
async fn contribute(app: &TestApp) -> (String, String) {
    let key = app
        .command(&tipx_bin())
        .args([
            "keys",
            "create",
            "--role",
            "contributor",
            "--country",
            "NG",
            "--org",
            "NAPTIP",
        ])
        .output()
        .unwrap();
    assert!(key.status.success());
    let secret = stdout(&key)
        .split_whitespace()
        .find(|w| w.starts_with("tipx_") && w.len() > 40)
        .unwrap()
        .to_owned();
    let answer: serde_json::Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&secret)
        .json(&json!({
            "query": "mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId } } }",
            "variables": { "i": {
                "title": "Community watch groups at bus stations",
                "countries": ["NG"],
                "leadOrganisation": "National Agency for the Prohibition of Trafficking in Persons",
                "organisationType": "GOVERNMENT",
                "startYear": 2021,
                "pillars": ["PREVENTION"],
                "summary": "Volunteers watch bus stations for children travelling alone.",
                "language": "en",
                "sources": [{ "url": "https://www.naptip.gov.ng/", "title": "NAPTIP" }]
            } }
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = answer["data"]["createPractice"]["recordId"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_owned();
    (secret, id)
}

#[tokio::test]
async fn tipx_copy_moves_a_sqlite_deployment_to_postgres_and_it_serves_the_same() {
    let Some(db) = fresh_database("copy_cli").await else {
        return;
    };
    if crate::helpers::on_postgres() {
        eprintln!("NOTE: the SQLite-to-PostgreSQL copy runs in the SQLite pass of the suite");
        return;
    }
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |_| {}).await;
    let (secret, draft) = contribute(&app).await;
    let data_dir = app.data_dir.path().to_str().unwrap().to_owned();

    let out = tipx(&["copy", "--from", &data_dir, "--to-configured"], Some(&db));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.contains("copied and checked"), "{text}");

    // A second copy into the same database is refused and changes nothing.
    let again = tipx(&["copy", "--from", &data_dir, "--to-configured"], Some(&db));
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // A server on PostgreSQL serves what the SQLite one served: the key still works, the draft
    // and its history came along.
    let moved = crate::helpers::spawn_app_on(tempfile::tempdir().unwrap(), Some(db.clone())).await;
    let query = r#"query($id: ID!) { draft(id: $id) { ... on Practice { title version history { action } } } }"#;
    for server in [&app, &moved] {
        let answer: serde_json::Value = server
            .client
            .post(server.url("/graphql"))
            .bearer_auth(&secret)
            .json(&json!({ "query": query, "variables": { "id": draft } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            answer["data"]["draft"]["title"], "Community watch groups at bus stations",
            "{answer}"
        );
        assert_eq!(
            answer["data"]["draft"]["history"][0]["action"], "CREATE",
            "{answer}"
        );
    }
    let laws = "{ laws { totalCount } practices { totalCount } cases { totalCount } }";
    assert_eq!(
        app.data(laws, json!({})).await,
        moved.data(laws, json!({})).await
    );
    assert_eq!(moved.health().await["store"]["backend"], "postgres");
}
