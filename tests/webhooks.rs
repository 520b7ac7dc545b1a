//! Webhooks against a real HTTP receiver (warp, on loopback): a partner registers one with
//! kinds and a filter, a change commits, and the receiver gets a signed POST, again after it
//! first answered 500; the documented Python example verifies the signature and refuses an
//! expired timestamp; a receiver that always fails ends `FAILED` with the reason in the log;
//! only partner and admin keys manage webhooks, each key its own.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use tipx_schema::core::webhooks::verify_signature;
use tipx_schema::core::{editing, review, Action, Actor};
use tipx_schema::ids::CountryCode;
use tipx_schema::store::Store;
use tipx_schema::vocab::RecordKind;

use crate::helpers::{
    error_codes, gql_as, key, nigerian_practice, repo_root, retract, seed, spawn_app_with, TestApp,
};

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Seen {
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A webhook receiver on loopback answering the given statuses in turn, then 200.
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    async fn start(answers: &[u16], always: u16) -> Receiver {
        use warp::Filter;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(answers.iter().copied().collect::<VecDeque<_>>()));
        let log = seen.clone();
        let route = warp::post()
            .and(warp::path("hooks"))
            .and(warp::header::headers_cloned())
            .and(warp::body::bytes())
            .map(move |headers: warp::http::HeaderMap, body: bytes::Bytes| {
                log.lock().unwrap().push(Seen {
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                        .collect(),
                    body: body.to_vec(),
                });
                let status = answers.lock().unwrap().pop_front().unwrap_or(always);
                warp::reply::with_status(
                    "",
                    warp::http::StatusCode::from_u16(status).expect("a status"),
                )
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(warp::serve(route).incoming(listener).run());
        Receiver {
            url: format!("http://{addr}/hooks"),
            seen,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until `n` requests came (at most 30 s).
    async fn wait_for(&self, n: usize) -> Vec<Seen> {
        for _ in 0..300 {
            if self.seen().len() >= n {
                return self.seen();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver got {} requests, not {n}", self.seen().len());
    }
}

/// A server whose webhooks may call loopback, retrying quickly.
async fn app_for_webhooks(max_attempts: u32) -> TestApp {
    spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.webhooks.allow_private_targets = true;
        s.webhooks.retry_base_ms = 300;
        s.webhooks.max_attempts = max_attempts;
        s.webhooks.timeout_secs = 5;
    })
    .await
}

const CREATE: &str = "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url kinds filter { countries } } } }";
const DELIVERIES: &str = "query($id: ID!) { webhook(id: $id) { deliveries { id status attempts lastResponseStatus lastError recordId change cursor payload } } }";

/// Registers a webhook for Nigerian practices; returns (webhook id, secret).
async fn register(app: &TestApp, partner: &str, url: &str) -> (String, String) {
    let answer = gql_as(
        app,
        Some(partner),
        CREATE,
        json!({ "input": { "url": url, "kinds": ["PRACTICE"], "filter": { "countries": ["NG"] } } }),
    )
    .await;
    assert!(answer.get("errors").is_none(), "{answer:#}");
    let created = &answer["data"]["createWebhook"];
    assert_eq!(created["webhook"]["filter"]["countries"], json!(["NG"]));
    (
        created["webhook"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// Publishes a new Nigerian practice, as a focal point and a moderator would; returns its id.
async fn publish_nigerian_practice(store: &dyn Store, title: &str) -> String {
    let system = Actor::system("webhook tests");
    let now = chrono::Utc::now();
    let content = nigerian_practice(title);
    let draft = editing::create_draft(store, &system, content, now)
        .await
        .unwrap();
    for action in [Action::Submit, Action::Publish] {
        review::transition(store, &system, draft.id(), action, None, None, now)
            .await
            .unwrap();
    }
    draft.id().to_string()
}

/// A published seed record of `kind` whose countries do (or do not) include Nigeria.
fn seed_record(kind: RecordKind, nigerian: bool) -> String {
    let ng = CountryCode::parse("NG").unwrap();
    seed()
        .records
        .iter()
        .find(|r| {
            r.kind() == kind && !r.countries().is_empty() && r.countries().contains(&ng) == nigerian
        })
        .expect("such a seed record")
        .id()
        .to_string()
}

/// Runs the documented Python example on a delivery; returns (exit success, output).
fn python_verify(secret: &str, seen: &Seen, now: Option<i64>) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, &seen.body).unwrap();
    let mut command = std::process::Command::new("python3");
    command
        .arg(repo_root().join("docs/examples/verify_webhook.py"))
        .arg(secret)
        .arg(seen.header("Tipx-Signature"))
        .arg(&body);
    if let Some(now) = now {
        command.arg(now.to_string());
    }
    let out = command.output().expect("python3 runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

#[tokio::test]
async fn a_partner_gets_signed_deliveries_for_its_filter_retried_after_a_500() {
    let app = app_for_webhooks(5).await;
    let receiver = Receiver::start(&[500], 200).await;
    let (_, partner) = key(&app, "partner", &[], "A partner database");
    let (webhook, secret) = register(&app, &partner, &receiver.url).await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    let store = app.store().await;
    // Outside the filter: a Nigerian law (kind) and a practice elsewhere (country).
    retract(store.as_ref(), &seed_record(RecordKind::Law, true)).await;
    retract(store.as_ref(), &seed_record(RecordKind::Practice, false)).await;
    // Inside it.
    let id = publish_nigerian_practice(store.as_ref(), "Webhook test: shelter referrals").await;

    let seen = receiver.wait_for(2).await;
    let (first, retry) = (&seen[0], &seen[1]);
    assert_eq!(first.body, retry.body, "a retry sends the same body");
    assert_eq!(
        first.header("Tipx-Delivery-Id"),
        retry.header("Tipx-Delivery-Id")
    );
    assert_eq!(retry.header("Tipx-Webhook-Id"), webhook);
    assert_eq!(retry.header("content-type"), "application/json");
    let body = retry.json();
    assert_eq!(body["change"], "PUBLISHED");
    assert_eq!(body["recordId"], id.as_str());
    assert_eq!(body["kind"], "PRACTICE");
    assert_eq!(body["webhookId"], webhook.as_str());
    assert_eq!(body["record"]["title"], "Webhook test: shelter referrals");
    assert_eq!(body["record"]["countries"], json!(["NG"]));

    // The signature verifies, in Rust and with the documented Python example.
    let now = chrono::Utc::now().timestamp();
    for s in [first, retry] {
        assert_eq!(
            verify_signature(&secret, s.header("Tipx-Signature"), &s.body, now, 300),
            Ok(())
        );
    }
    assert_eq!(python_verify(&secret, retry, None), (true, "valid".into()));
    let stamp: i64 = retry
        .header("Tipx-Signature")
        .split(',')
        .find_map(|p| p.strip_prefix("t="))
        .unwrap()
        .parse()
        .unwrap();
    let (ok, why) = python_verify(&secret, retry, Some(stamp + 301));
    assert!(!ok, "an expired timestamp is refused");
    assert!(why.contains("expired"), "{why}");
    let (ok, why) = python_verify("whsec_not-the-secret", retry, None);
    assert!(!ok && why.contains("does not match"), "{why}");

    // The delivery log: one delivery (the changes outside the filter have none), delivered at
    // the second attempt.
    let log = gql_as(&app, Some(&partner), DELIVERIES, json!({ "id": webhook })).await;
    let deliveries = log["data"]["webhook"]["deliveries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(deliveries.len(), 1, "{log:#}");
    let d = &deliveries[0];
    assert_eq!(d["status"], "DELIVERED");
    assert_eq!(d["attempts"], 2);
    assert_eq!(d["lastResponseStatus"], 200);
    assert_eq!(d["recordId"], id.as_str());
    assert_eq!(d["id"], first.header("Tipx-Delivery-Id"));
    assert_eq!(
        d["payload"].as_str().unwrap().as_bytes(),
        retry.body.as_slice()
    );
    assert_eq!(receiver.seen().len(), 2, "nothing else was sent");
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_given_up_and_the_log_says_why() {
    let app = app_for_webhooks(2).await;
    let receiver = Receiver::start(&[], 503).await;
    let (_, partner) = key(&app, "partner", &[], "A partner database");
    let (webhook, _) = register(&app, &partner, &receiver.url).await;
    let id = seed_record(RecordKind::Practice, true);
    retract(app.store().await.as_ref(), &id).await;
    receiver.wait_for(2).await;
    let mut delivery = Value::Null;
    for _ in 0..100 {
        let log = gql_as(&app, Some(&partner), DELIVERIES, json!({ "id": webhook })).await;
        delivery = log["data"]["webhook"]["deliveries"][0].clone();
        if delivery["status"] == "FAILED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivery["status"], "FAILED", "{delivery:#}");
    assert_eq!(delivery["attempts"], 2);
    assert_eq!(delivery["change"], "RETRACTED");
    assert_eq!(delivery["recordId"], id.as_str());
    assert_eq!(delivery["lastResponseStatus"], 503);
    assert!(
        delivery["lastError"].as_str().unwrap().contains("503"),
        "{delivery:#}"
    );
    let payload: Value = serde_json::from_str(delivery["payload"].as_str().unwrap()).unwrap();
    assert_eq!(
        payload["record"],
        Value::Null,
        "a retraction carries no record"
    );
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(receiver.seen().len(), 2, "no attempt after the last one");
}

#[tokio::test]
async fn only_partner_and_admin_keys_manage_webhooks_each_key_its_own() {
    // Default settings: private targets refused.
    let app = spawn_app_with(tempfile::tempdir().unwrap(), |_| {}).await;
    let (_, partner) = key(&app, "partner", &[], "A partner database");
    let (_, other) = key(&app, "partner", &[], "Another partner");
    let (_, contributor) = key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let (_, moderator) = key(&app, "moderator", &[], "Review desk");
    let (_, admin) = key(&app, "admin", &[], "Platform administration");
    let create = |url: &str| json!({ "input": { "url": url } });
    let url = "https://partner.example.org/hooks/tipx";

    for (who, want) in [
        (None, "UNAUTHENTICATED"),
        (Some(&contributor), "FORBIDDEN"),
        (Some(&moderator), "FORBIDDEN"),
    ] {
        let answer = gql_as(&app, who.map(String::as_str), CREATE, create(url)).await;
        assert_eq!(error_codes(&answer), [want], "{answer:#}");
    }
    for bad in [
        json!({ "input": { "url": "http://127.0.0.1:8080/hooks" } }),
        json!({ "input": { "url": "http://169.254.169.254/latest/meta-data" } }),
        json!({ "input": { "url": "ftp://partner.example.org/" } }),
        json!({ "input": { "url": "https://user:pw@partner.example.org/" } }),
        json!({ "input": { "url": url, "filter": { "countries": ["XX"] } } }),
        json!({ "input": { "url": url, "kinds": ["LAW"], "filter": { "pillars": ["PROTECTION"] } } }),
    ] {
        let answer = gql_as(&app, Some(&partner), CREATE, bad.clone()).await;
        assert_eq!(
            error_codes(&answer),
            ["BAD_USER_INPUT"],
            "{bad}: {answer:#}"
        );
    }
    let list = "{ webhooks { id url organisation } }";
    let mine = gql_as(&app, Some(&partner), list, json!({})).await;
    assert_eq!(
        mine["data"]["webhooks"],
        json!([]),
        "nothing refused was kept"
    );

    let made = gql_as(&app, Some(&partner), CREATE, create(url)).await;
    let id = made["data"]["createWebhook"]["webhook"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{made:#}"))
        .to_owned();
    let secret_field = gql_as(&app, Some(&partner), "{ webhooks { secret } }", json!({})).await;
    assert_eq!(
        error_codes(&secret_field),
        ["GRAPHQL_VALIDATION_FAILED"],
        "a secret is never listed"
    );
    let mine = gql_as(&app, Some(&partner), list, json!({})).await;
    assert_eq!(
        mine["data"]["webhooks"],
        json!([{ "id": id, "url": url, "organisation": "A partner database" }])
    );
    // Another partner neither sees nor deletes it; an admin sees it.
    let theirs = gql_as(&app, Some(&other), list, json!({})).await;
    assert_eq!(theirs["data"]["webhooks"], json!([]));
    let delete = "mutation($id: ID!) { deleteWebhook(id: $id) { id } }";
    let refused = gql_as(&app, Some(&other), delete, json!({ "id": id })).await;
    assert_eq!(error_codes(&refused), ["NOT_FOUND"]);
    let all = gql_as(&app, Some(&admin), list, json!({})).await;
    assert_eq!(all["data"]["webhooks"][0]["id"], id.as_str());

    // At most ten per key.
    for n in 1..10 {
        let answer = gql_as(&app, Some(&partner), CREATE, create(&format!("{url}/{n}"))).await;
        assert!(answer.get("errors").is_none(), "{answer:#}");
    }
    let eleventh = gql_as(&app, Some(&partner), CREATE, create(&format!("{url}/11"))).await;
    assert_eq!(error_codes(&eleventh), ["BAD_USER_INPUT"]);

    let deleted = gql_as(&app, Some(&partner), delete, json!({ "id": id })).await;
    assert_eq!(deleted["data"]["deleteWebhook"]["id"], id.as_str());
    let mine = gql_as(&app, Some(&partner), list, json!({})).await;
    assert_eq!(mine["data"]["webhooks"].as_array().unwrap().len(), 9);
}

#[test]
fn the_readme_shows_the_verifying_example_as_it_is_tested() {
    let example = std::fs::read_to_string(repo_root().join("docs/examples/verify_webhook.py"))
        .expect("the example");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let function =
        &example[example.find("def verify(").unwrap()..example.find("\n\n\nif __name__").unwrap()];
    assert!(
        readme.contains(function),
        "README.md's webhook section shows verify() from docs/examples/verify_webhook.py"
    );
}
