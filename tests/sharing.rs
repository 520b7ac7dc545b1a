//! Sharing over real HTTP against the real server: keys made with the `tipx keys` command, the
//! whole path from a focal point's draft to publication and retraction, the authorization
//! matrix, version conflicts, the do-no-harm guard and the small-count rule.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use tipx_schema::core::{editing, review, Action, Actor};
use tipx_schema::ids::{CountryCode, RecordId};
use tipx_schema::model::Record;
use tipx_schema::store::{RevisionFilter, Store};
use tipx_schema::vocab::{RecordKind, RecordStatus};

use crate::helpers::{
    error_codes, gql_as, key, nigerian_practice, practice_input, seed, spawn_app, tipx, TestApp,
};

/// A status move (`submit`, `publish`, …) on record `id` with a key, selecting `selection`.
async fn move_record(app: &TestApp, secret: &str, name: &str, id: &str, selection: &str) -> Value {
    let query = format!("mutation($id: ID!) {{ {name}(id: $id) {{ {selection} }} }}");
    gql_as(app, Some(secret), &query, json!({ "id": id })).await
}

fn data(answer: &Value) -> &Value {
    assert!(
        answer.get("errors").is_none(),
        "unexpected errors: {answer:#}"
    );
    &answer["data"]
}

const RECORD_FIELDS: &str = "... on Practice { recordId status version title } ... on Law { recordId status version } ... on Case { recordId status version }";

async fn search_ids(app: &TestApp, words: &str) -> Vec<String> {
    let answer = app
        .data(
            "query($q: String) { search(query: $q, first: 50) { hits { record { ... on Practice { recordId } ... on Law { recordId } ... on Case { recordId } } } } }",
            json!({ "q": words }),
        )
        .await;
    answer["search"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["record"]["recordId"].as_str().map(str::to_owned))
        .collect()
}

/// Waits (bounded) until `check` holds for the words' search results.
async fn eventually_in_search(app: &TestApp, words: &str, id: &str, present: bool) {
    for _ in 0..100 {
        if search_ids(app, words).await.iter().any(|i| i == id) == present {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "{id} {} search for {words:?} within 5 s",
        if present {
            "never entered"
        } else {
            "never left"
        }
    );
}

#[tokio::test]
async fn a_focal_point_shares_a_practice_from_draft_to_publication_and_it_can_be_retracted() {
    whole_path(&spawn_app().await).await;
}

#[tokio::test]
async fn the_whole_path_also_holds_with_meilisearch_as_the_search_backend() {
    let Ok(url) = std::env::var("MEILI_URL") else {
        eprintln!("NOTE: the sharing path on Meilisearch did not run: MEILI_URL is not set");
        return;
    };
    let key = std::env::var("MEILI_KEY").ok();
    let uid = format!("tipx-test-sharing-{}", std::process::id());
    let app = crate::helpers::spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.search.meili_url = Some(url.clone());
        s.search.meili_key = key.clone().map(tipx_api::config::Secret);
        s.search.meili_index = uid.clone();
    })
    .await;
    whole_path(&app).await;
    let mut delete = app.client.delete(format!("{url}/indexes/{uid}"));
    if let Some(key) = &key {
        delete = delete.bearer_auth(key);
    }
    delete.send().await.expect("test index deleted");
}

/// Key made with the CLI, draft, submit, reject with a reason, fix, resubmit, publish, found by
/// search and in the country profile, history, retract, gone from search.
async fn whole_path(app: &TestApp) {
    let (_, naptip) = key(
        app,
        "contributor",
        &["NG"],
        "NAPTIP, Federal Government of Nigeria",
    );
    let (_, unodc) = key(app, "moderator", &[], "UNODC Regional Office");

    let viewer = gql_as(
        app,
        Some(&naptip),
        "{ viewer { role organisation countries keyId } }",
        json!({}),
    )
    .await;
    assert_eq!(data(&viewer)["viewer"]["role"], "CONTRIBUTOR");
    assert_eq!(data(&viewer)["viewer"]["countries"], json!(["NG"]));

    // Draft.
    let created = gql_as(
        app,
        Some(&naptip),
        &format!("mutation($i: PracticeInput!) {{ createPractice(input: $i) {{ {RECORD_FIELDS} }} }}"),
        json!({ "i": practice_input("NG", "Volunteer groups in Kano watch bus stations for children travelling alone and alert the agency.") }),
    )
    .await;
    let draft = &data(&created)["createPractice"];
    let id = draft["recordId"].as_str().unwrap().to_owned();
    assert_eq!(draft["status"], "DRAFT");
    assert_eq!(draft["version"], 1);
    // Not public: neither by id nor in search.
    let public = gql_as(
        app,
        None,
        "query($id: ID!) { practice(id: $id) { title } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_codes(&public), ["NOT_FOUND"]);

    let mv = |name: &str, extra: &str| {
        format!("mutation($id: ID!) {{ {name}(id: $id{extra}) {{ {RECORD_FIELDS} }} }}")
    };
    // Submit; the moderator rejects with a reason.
    let submitted = gql_as(app, Some(&naptip), &mv("submit", ""), json!({ "id": id })).await;
    assert_eq!(data(&submitted)["submit"]["status"], "SUBMITTED");
    let queue = gql_as(
        app,
        Some(&unodc),
        "{ reviewQueue { totalCount nodes { ... on Practice { recordId } } } }",
        json!({}),
    )
    .await;
    assert!(data(&queue)["reviewQueue"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["recordId"] == id.as_str()));
    let rejected = gql_as(
        app,
        Some(&unodc),
        &mv(
            "reject",
            ", reason: \"Please cite the agency's own page on the programme.\"",
        ),
        json!({ "id": id }),
    )
    .await;
    assert_eq!(data(&rejected)["reject"]["status"], "DRAFT");
    let version = data(&rejected)["reject"]["version"].as_i64().unwrap();

    // The focal point fixes it, resubmits; the moderator publishes.
    let mut fixed = practice_input("NG", "Volunteer groups in Kano watch bus stations for children travelling alone and alert the agency's shelters.");
    fixed["sources"] = json!([{ "url": "https://www.naptip.gov.ng/programmes/community-watch", "title": "Community watch" }]);
    let updated = gql_as(
        app,
        Some(&naptip),
        &format!("mutation($id: ID!, $v: Int!, $i: PracticeInput!) {{ updatePractice(id: $id, expectedVersion: $v, input: $i) {{ {RECORD_FIELDS} }} }}"),
        json!({ "id": id, "v": version, "i": fixed }),
    )
    .await;
    assert_eq!(data(&updated)["updatePractice"]["status"], "DRAFT");
    gql_as(app, Some(&naptip), &mv("submit", ""), json!({ "id": id })).await;
    let published = gql_as(app, Some(&unodc), &mv("publish", ""), json!({ "id": id })).await;
    assert_eq!(data(&published)["publish"]["status"], "PUBLISHED");

    // In search within seconds, in Nigeria's profile, with its history and who shared it.
    eventually_in_search(app, "Kano bus stations", &id, true).await;
    let profile = app
        .data(
            r#"{ country(code: "NG") { practices(first: 100) { nodes { recordId } } } }"#,
            json!({}),
        )
        .await;
    assert!(profile["country"]["practices"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["recordId"] == id.as_str()));
    let record = app
        .data(
            "query($id: ID!) { practice(id: $id) { sharedBy history { version organisation role action fromStatus toStatus reason changes { field before after } } } }",
            json!({ "id": id }),
        )
        .await;
    let history = record["practice"]["history"].as_array().unwrap();
    let actions: Vec<&str> = history
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["CREATE", "SUBMIT", "REJECT", "UPDATE", "SUBMIT", "PUBLISH"]
    );
    assert_eq!(
        record["practice"]["sharedBy"],
        "NAPTIP, Federal Government of Nigeria"
    );
    assert_eq!(history[2]["organisation"], "UNODC Regional Office");
    assert_eq!(
        history[2]["reason"],
        "Please cite the agency's own page on the programme."
    );
    let update_fields: Vec<&str> = history[3]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(update_fields, ["sources", "summary"]);
    let versions: Vec<i64> = history
        .iter()
        .map(|h| h["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6]);

    // Retracted with a reason: gone from search and lookups.
    let retracted = gql_as(
        app,
        Some(&unodc),
        &mv("retract", ", reason: \"Duplicate of an earlier record.\""),
        json!({ "id": id }),
    )
    .await;
    assert_eq!(data(&retracted)["retract"]["status"], "RETRACTED");
    eventually_in_search(app, "Kano bus stations", &id, false).await;
    let gone = gql_as(
        app,
        None,
        "query($id: ID!) { practice(id: $id) { title } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_codes(&gone), ["NOT_FOUND"]);
}

/// Who tries, in the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    NoKey,
    BadKey,
    RevokedKey,
    ContributorNg,
    ContributorGh,
    Partner,
    Moderator,
    Admin,
}

/// What is tried, in the matrix (on a Nigerian practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Try {
    Create,
    Update,
    Submit,
    Withdraw,
    Publish,
    Reject,
    Retract,
    ProposeChange,
}

/// The status the record is in before the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fixture {
    Draft,
    Submitted,
    Published,
    Retracted,
}

/// The expected code, from the platform's rules written out here: the key first, then the
/// role and country, then the status.
fn expected(who: Who, attempt: Try, fixture: Fixture) -> &'static str {
    match who {
        Who::NoKey | Who::BadKey | Who::RevokedKey => return "UNAUTHENTICATED",
        // A partner reads and follows changes; it writes nothing.
        Who::ContributorGh | Who::Partner => return "FORBIDDEN",
        Who::ContributorNg if matches!(attempt, Try::Publish | Try::Reject | Try::Retract) => {
            return "FORBIDDEN"
        }
        _ => {}
    }
    let legal = match attempt {
        Try::Create => true,
        Try::Update | Try::Submit => fixture == Fixture::Draft,
        Try::Withdraw | Try::Publish | Try::Reject => fixture == Fixture::Submitted,
        Try::Retract | Try::ProposeChange => fixture == Fixture::Published,
    };
    if legal {
        "OK"
    } else {
        "INVALID_TRANSITION"
    }
}

/// A Nigerian practice in `fixture` status, made directly through the core as tipx would.
async fn make_fixture(store: &dyn Store, fixture: Fixture, n: usize) -> RecordId {
    let system = Actor::system("fixtures");
    let now = chrono::Utc::now();
    let content = nigerian_practice(&format!("Matrix fixture {n}"));
    let draft = editing::create_draft(store, &system, content, now)
        .await
        .unwrap();
    let id = draft.id().clone();
    let moves: &[Action] = match fixture {
        Fixture::Draft => &[],
        Fixture::Submitted => &[Action::Submit],
        Fixture::Published => &[Action::Submit, Action::Publish],
        Fixture::Retracted => &[Action::Submit, Action::Publish, Action::Retract],
    };
    for action in moves {
        review::transition(store, &system, &id, *action, Some("fixture"), None, now)
            .await
            .unwrap();
    }
    id
}

/// Everything about a record that a refused attempt must leave alone.
async fn state_of(store: &dyn Store, id: &RecordId) -> (Vec<(i32, RecordStatus)>, usize, u64) {
    let ids = std::slice::from_ref(id);
    let mut versions: Vec<(i32, RecordStatus)> = store
        .records_any_status(ids)
        .await
        .unwrap()
        .iter()
        .map(|(r, _)| (r.meta().version, r.meta().status))
        .collect();
    versions.extend(
        store
            .revisions(ids)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.meta().version, r.meta().status)),
    );
    let history = store.history(ids).await.unwrap().len();
    let drafts = store
        .list_revisions(&RevisionFilter::default(), 1, 0)
        .await
        .unwrap()
        .total_count;
    (versions, history, drafts)
}

#[tokio::test]
async fn the_authorization_matrix_holds_for_every_role_mutation_and_status() {
    let app = spawn_app().await;
    let (_, ng) = key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let (_, gh) = key(
        &app,
        "contributor",
        &["GH"],
        "Ministry of the Interior, Ghana",
    );
    let (_, moderator) = key(&app, "moderator", &[], "Review desk");
    let (_, admin) = key(&app, "admin", &[], "Platform administration");
    let (_, partner) = key(&app, "partner", &[], "A partner database");
    let (revoked_id, revoked) = key(&app, "contributor", &["NG"], "A former focal point");
    tipx(&app, &["keys", "revoke", &revoked_id]);
    let bad = "tipx_NotAKeyThatExistsAnywhere000000000000000000".to_owned();
    let store = app.store().await;
    let store = store.as_ref();

    let secret = |who: Who| -> Option<&str> {
        match who {
            Who::NoKey => None,
            Who::BadKey => Some(&bad),
            Who::RevokedKey => Some(&revoked),
            Who::ContributorNg => Some(&ng),
            Who::ContributorGh => Some(&gh),
            Who::Partner => Some(&partner),
            Who::Moderator => Some(&moderator),
            Who::Admin => Some(&admin),
        }
    };
    let whos = [
        Who::NoKey,
        Who::BadKey,
        Who::RevokedKey,
        Who::ContributorNg,
        Who::ContributorGh,
        Who::Partner,
        Who::Moderator,
        Who::Admin,
    ];
    let tries = [
        Try::Create,
        Try::Update,
        Try::Submit,
        Try::Withdraw,
        Try::Publish,
        Try::Reject,
        Try::Retract,
        Try::ProposeChange,
    ];
    let fixtures = [
        Fixture::Draft,
        Fixture::Submitted,
        Fixture::Published,
        Fixture::Retracted,
    ];
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut n = 0;
    for fixture in fixtures {
        for attempt in tries {
            for who in whos {
                n += 1;
                let id = make_fixture(store, fixture, n).await;
                let before = state_of(store, &id).await;
                let input = practice_input(
                    "NG",
                    "A practice written for the authorization matrix of the sharing tests.",
                );
                let (query, variables) = match attempt {
                    Try::Create => ("mutation($i: PracticeInput!) { createPractice(input: $i) { __typename } }".to_owned(), json!({ "i": input })),
                    Try::Update => {
                        let v = before.0.iter().map(|(v, _)| *v).max().unwrap();
                        ("mutation($id: ID!, $v: Int!, $i: PracticeInput!) { updatePractice(id: $id, expectedVersion: $v, input: $i) { __typename } }".to_owned(), json!({ "id": id.as_str(), "v": v, "i": input }))
                    }
                    Try::Submit => ("mutation($id: ID!) { submit(id: $id) { __typename } }".to_owned(), json!({ "id": id.as_str() })),
                    Try::Withdraw => ("mutation($id: ID!) { withdraw(id: $id) { __typename } }".to_owned(), json!({ "id": id.as_str() })),
                    Try::Publish => ("mutation($id: ID!) { publish(id: $id) { __typename } }".to_owned(), json!({ "id": id.as_str() })),
                    Try::Reject => ("mutation($id: ID!) { reject(id: $id, reason: \"Needs a source.\") { __typename } }".to_owned(), json!({ "id": id.as_str() })),
                    Try::Retract => ("mutation($id: ID!) { retract(id: $id, reason: \"Wrong country.\") { __typename } }".to_owned(), json!({ "id": id.as_str() })),
                    Try::ProposeChange => ("mutation($id: ID!) { proposeChange(id: $id) { __typename } }".to_owned(), json!({ "id": id.as_str() })),
                };
                let answer = gql_as(&app, secret(who), &query, variables).await;
                let got = match error_codes(&answer).as_slice() {
                    [] => "OK".to_owned(),
                    [code] => code.clone(),
                    codes => panic!("{who:?} {attempt:?} {fixture:?}: several errors {codes:?}"),
                };
                let want = expected(who, attempt, fixture);
                assert_eq!(
                    got, want,
                    "{who:?} {attempt:?} on a {fixture:?} practice: {answer}"
                );
                if want != "OK" {
                    assert_eq!(
                        state_of(store, &id).await,
                        before,
                        "{who:?} {attempt:?} {fixture:?} changed something"
                    );
                }
                *outcomes.entry(want).or_default() += 1;
            }
        }
    }
    assert_eq!(n, whos.len() * tries.len() * fixtures.len());
    // Every kind of answer was exercised.
    for code in ["OK", "UNAUTHENTICATED", "FORBIDDEN", "INVALID_TRANSITION"] {
        assert!(
            outcomes.get(code).copied().unwrap_or(0) > 0,
            "{code} never expected: {outcomes:?}"
        );
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_nothing_is_overwritten() {
    let app = spawn_app().await;
    let (_, ng) = key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let created = gql_as(&app, Some(&ng), "mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId version } } }",
        json!({ "i": practice_input("NG", "First words of a practice that two editors change at once.") })).await;
    let id = data(&created)["createPractice"]["recordId"]
        .as_str()
        .unwrap()
        .to_owned();
    let update = "mutation($id: ID!, $v: Int!, $i: PracticeInput!) { updatePractice(id: $id, expectedVersion: $v, input: $i) { ... on Practice { version summary } } }";
    let first = gql_as(&app, Some(&ng), update, json!({ "id": id, "v": 1, "i": practice_input("NG", "The first editor's words, saved first.") })).await;
    assert_eq!(data(&first)["updatePractice"]["version"], 2);
    let second = gql_as(&app, Some(&ng), update, json!({ "id": id, "v": 1, "i": practice_input("NG", "The second editor's words, based on version one.") })).await;
    assert_eq!(error_codes(&second), ["CONFLICT"]);
    let now = gql_as(
        &app,
        Some(&ng),
        "query($id: ID!) { draft(id: $id) { ... on Practice { version summary } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        data(&now)["draft"]["summary"],
        "The first editor's words, saved first."
    );
    assert_eq!(data(&now)["draft"]["version"], 2);
}

#[tokio::test]
async fn every_broken_rule_comes_back_at_once_and_personal_data_is_refused_and_not_stored() {
    let app = spawn_app().await;
    // A moderator may write for any country, so an unknown one reaches the rules.
    let (_, ng) = key(&app, "moderator", &[], "Review desk");
    let mut input = practice_input(
        "NG",
        "Contact the survivor's mother at +234 803 555 0199 or mother@example.org.",
    );
    input["countries"] = json!(["NG", "QQ"]);
    input["startYear"] = json!(1700);
    input["sources"] = json!([{ "url": "ftp://example.org/file" }]);
    let answer = gql_as(
        &app,
        Some(&ng),
        "mutation($i: PracticeInput!) { createPractice(input: $i) { __typename } }",
        json!({ "i": input }),
    )
    .await;
    assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"]);
    let fields: Vec<(String, String)> = answer["errors"][0]["extensions"]["fields"]
        .as_array()
        .expect("fields listed")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (field, rule) in [
        ("countries", "UNKNOWN_COUNTRY"),
        ("startYear", "YEAR_RANGE"),
        ("sources[0].url", "SOURCE_URL"),
        ("summary", "PERSONAL_DATA"),
    ] {
        assert!(
            fields.iter().any(|(f, r)| f == field && r == rule),
            "{field} {rule} missing from {fields:?}"
        );
    }
    let message = answer["errors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains("555 0199") && !message.contains("mother@"),
        "the refused text is not echoed: {message}"
    );
    let drafts = gql_as(&app, Some(&ng), "{ myDrafts { totalCount } }", json!({})).await;
    assert_eq!(
        data(&drafts)["myDrafts"]["totalCount"],
        0,
        "nothing was stored"
    );

    // Ordinary legal text passes the guard.
    let fine = practice_input("NG", "Under Law No. 14/2019 and [2014] UKSC 47, assets of USD 1,250,000 were confiscated in 2021; see https://example.org/case/123456789.");
    let answer = gql_as(
        &app,
        Some(&ng),
        "mutation($i: PracticeInput!) { createPractice(input: $i) { __typename } }",
        json!({ "i": fine }),
    )
    .await;
    assert!(answer.get("errors").is_none(), "{answer}");
}

#[tokio::test]
async fn victim_counts_below_eleven_are_shown_as_fewer_than_eleven() {
    let app = spawn_app().await;
    // Every case, page by page.
    let mut nodes: Vec<Value> = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data("query($after: String) { cases(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { recordId outcome { victimsByGroup { sex age count suppressed suppressedBelow } } } } }", json!({ "after": after }))
            .await;
        nodes.extend(page["cases"]["nodes"].as_array().unwrap().iter().cloned());
        if page["cases"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["cases"]["pageInfo"]["endCursor"].clone();
    }
    let answer = json!({ "cases": { "nodes": nodes } });
    let mut checked = 0;
    for case in seed()
        .records
        .iter()
        .filter(|r| r.kind() == RecordKind::Case)
    {
        let Record::Case(c) = case else { continue };
        let node = answer["cases"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["recordId"] == c.id.as_str())
            .expect("case listed");
        for (i, group) in c.outcome.victims_by_group.iter().enumerate() {
            let shown = &node["outcome"]["victimsByGroup"][i];
            assert_eq!(shown["suppressedBelow"], 11);
            if group.count < 11 {
                assert_eq!(
                    shown["count"],
                    Value::Null,
                    "{}: {} must not be shown",
                    c.id,
                    group.count
                );
                assert_eq!(shown["suppressed"], true);
            } else {
                assert_eq!(shown["count"], group.count);
                assert_eq!(shown["suppressed"], false);
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "the seed has victim counts to check");
}

#[tokio::test]
async fn re_importing_the_seed_never_overwrites_a_contributed_version() {
    let app = spawn_app().await;
    let (_, ng) = key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let (_, moderator) = key(&app, "moderator", &[], "Review desk");
    let target = seed()
        .records
        .into_iter()
        .find(|r| {
            r.kind() == RecordKind::Practice && r.countries() == [CountryCode::parse("NG").unwrap()]
        })
        .expect("a Nigerian seed practice");
    let id = target.id().as_str().to_owned();
    let proposed = gql_as(
        &app,
        Some(&ng),
        "mutation($id: ID!) { proposeChange(id: $id) { ... on Practice { version status } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(data(&proposed)["proposeChange"]["status"], "DRAFT");
    // While the change is in review, the published version is what the public sees.
    let public = app
        .data(
            "query($id: ID!) { practice(id: $id) { summary } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(public["practice"]["summary"], target.summary());
    let v = data(&proposed)["proposeChange"]["version"]
        .as_i64()
        .unwrap();
    let mut input = practice_input(
        "NG",
        "The ministry's updated description of this practice, reviewed and published.",
    );
    if let Record::Practice(p) = &target {
        input["title"] = json!(p.title);
    }
    gql_as(&app, Some(&ng), "mutation($id: ID!, $v: Int!, $i: PracticeInput!) { updatePractice(id: $id, expectedVersion: $v, input: $i) { __typename } }", json!({ "id": id, "v": v, "i": input })).await;
    move_record(&app, &ng, "submit", &id, "__typename").await;
    // The moderator sees what the change would change, field by field.
    let review = gql_as(
        &app,
        Some(&moderator),
        "query($id: ID!) { draft(id: $id) { ... on Practice { status changesFromPublished { field before after } } } }",
        json!({ "id": id }),
    )
    .await;
    let changes = data(&review)["draft"]["changesFromPublished"]
        .as_array()
        .expect("changes listed")
        .clone();
    let summary = changes
        .iter()
        .find(|c| c["field"] == "summary")
        .unwrap_or_else(|| panic!("the summary changed: {changes:?}"));
    assert_eq!(
        summary["before"],
        json!(json!(target.summary()).to_string())
    );
    assert_eq!(
        summary["after"],
        json!(json!(
            "The ministry's updated description of this practice, reviewed and published."
        )
        .to_string())
    );
    assert!(
        changes.iter().all(|c| c["field"] != "title"),
        "the unchanged title is not listed: {changes:?}"
    );
    let published = move_record(
        &app,
        &moderator,
        "publish",
        &id,
        "... on Practice { summary }",
    )
    .await;
    assert_eq!(
        data(&published)["publish"]["summary"],
        "The ministry's updated description of this practice, reviewed and published."
    );

    // A changed seed imported with the command line skips the record and says why.
    let seed_dir = tempfile::tempdir().unwrap();
    for (name, mut text) in crate::helpers::seed_files() {
        if name == "practices.json" {
            text = text.replace(
                target.summary(),
                "The seed's own new wording of the summary.",
            );
        }
        std::fs::write(seed_dir.path().join(name), text).unwrap();
    }
    let out = tipx(
        &app,
        &["seed", "--seed-dir", seed_dir.path().to_str().unwrap()],
    );
    assert!(out.contains("1 skipped"), "{out}");
    assert!(out.contains(&format!("skipped {id}")), "{out}");
    let after = app
        .data(
            "query($id: ID!) { practice(id: $id) { summary sharedBy } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        after["practice"]["summary"],
        "The ministry's updated description of this practice, reviewed and published."
    );
    assert_eq!(after["practice"]["sharedBy"], "seed");
    let now = app
        .data(
            "query($id: ID!) { practice(id: $id) { changesFromPublished { field } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(now["practice"]["changesFromPublished"], json!([]));
}

#[tokio::test]
async fn keys_say_who_they_are_and_a_revoked_or_rotated_secret_is_refused() {
    let app = spawn_app().await;
    let (id, secret) = key(
        &app,
        "contributor",
        &["GH", "NG"],
        "Ghana Immigration Service",
    );
    let viewer = gql_as(
        &app,
        Some(&secret),
        "{ viewer { role organisation countries keyId } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data(&viewer)["viewer"],
        json!({ "role": "CONTRIBUTOR", "organisation": "Ghana Immigration Service", "countries": ["GH", "NG"], "keyId": id })
    );
    let public = gql_as(&app, None, "{ viewer { role organisation } }", json!({})).await;
    assert_eq!(
        data(&public)["viewer"],
        json!({ "role": "PUBLIC", "organisation": null })
    );

    let listed = tipx(&app, &["keys", "list"]);
    assert!(
        listed.contains(&id) && !listed.contains(&secret),
        "the list never shows a secret: {listed}"
    );
    let rotated = tipx(&app, &["keys", "rotate", &id]);
    let new_secret = rotated
        .split_whitespace()
        .find(|w| w.starts_with("tipx_") && w.len() > 40)
        .unwrap()
        .to_owned();
    let old = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&secret)
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);
    let body: Value = old.json().await.unwrap();
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"]);
    let fresh = gql_as(&app, Some(&new_secret), "{ viewer { keyId } }", json!({})).await;
    assert_eq!(data(&fresh)["viewer"]["keyId"], id.as_str());
    tipx(&app, &["keys", "revoke", &id]);
    let revoked = gql_as(&app, Some(&new_secret), "{ viewer { keyId } }", json!({})).await;
    assert_eq!(error_codes(&revoked), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn drafts_page_through_with_cursors_oldest_first_and_a_contributor_sees_only_its_own() {
    let app = spawn_app().await;
    let (_, ng) = key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let (_, gh) = key(
        &app,
        "contributor",
        &["GH"],
        "Ministry of the Interior, Ghana",
    );
    let mut created = Vec::new();
    for (i, word) in ["first", "second", "third", "fourth", "fifth"]
        .iter()
        .enumerate()
    {
        let mut input = practice_input(
            "NG",
            &format!("The {word} of five drafts written to test paging."),
        );
        input["title"] = json!(format!("Paging draft number {}", i + 1));
        let answer = gql_as(&app, Some(&ng), "mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId } } }", json!({ "i": input })).await;
        created.push(
            data(&answer)["createPractice"]["recordId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let page = "query($after: String) { myDrafts(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ... on Practice { recordId } } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let answer = gql_as(&app, Some(&ng), page, json!({ "after": after })).await;
        let drafts = &data(&answer)["myDrafts"];
        assert_eq!(drafts["totalCount"], 5);
        seen.extend(
            drafts["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["recordId"].as_str().unwrap().to_owned()),
        );
        if drafts["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = drafts["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, created, "oldest change first, each once");
    let ghana = gql_as(&app, Some(&gh), "{ myDrafts { totalCount } }", json!({})).await;
    assert_eq!(
        data(&ghana)["myDrafts"]["totalCount"],
        0,
        "Ghana's key sees no Nigerian draft"
    );
    let other = gql_as(
        &app,
        Some(&gh),
        "query($id: ID!) { draft(id: $id) { __typename } }",
        json!({ "id": created[0] }),
    )
    .await;
    assert_eq!(error_codes(&other), ["NOT_FOUND"]);
    let public = gql_as(&app, None, "{ myDrafts { totalCount } }", json!({})).await;
    assert_eq!(error_codes(&public), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn admins_manage_keys_through_the_api_and_nobody_else_may() {
    let app = spawn_app().await;
    let (_, admin) = key(&app, "admin", &[], "Platform administration");
    let (_, moderator) = key(&app, "moderator", &[], "Review desk");
    let create = "mutation($c: [String!]!) { createApiKey(role: CONTRIBUTOR, organisation: \"Ministry of Labour, Togo\", countries: $c) { secret key { id prefix role countries revokedAt } } }";
    for (who, secret, code) in [
        ("moderator", Some(moderator.as_str()), "FORBIDDEN"),
        ("public", None, "UNAUTHENTICATED"),
    ] {
        let answer = gql_as(&app, secret, create, json!({ "c": ["TG"] })).await;
        assert_eq!(error_codes(&answer), [code], "{who}");
    }
    let bad = gql_as(&app, Some(&admin), create, json!({ "c": [] })).await;
    assert_eq!(
        error_codes(&bad),
        ["BAD_USER_INPUT"],
        "a contributor key needs a country"
    );

    let made = gql_as(&app, Some(&admin), create, json!({ "c": ["TG"] })).await;
    let made = &data(&made)["createApiKey"];
    let secret = made["secret"].as_str().unwrap().to_owned();
    let id = made["key"]["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(made["key"]["prefix"].as_str().unwrap()));
    let viewer = gql_as(
        &app,
        Some(&secret),
        "{ viewer { role countries } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data(&viewer)["viewer"],
        json!({ "role": "CONTRIBUTOR", "countries": ["TG"] })
    );

    let listed = gql_as(
        &app,
        Some(&admin),
        "{ apiKeys { id organisation revokedAt } }",
        json!({}),
    )
    .await;
    let listed = data(&listed)["apiKeys"].to_string();
    assert!(
        listed.contains(&id) && !listed.contains(&secret),
        "{listed}"
    );
    let forbidden = gql_as(&app, Some(&moderator), "{ apiKeys { id } }", json!({})).await;
    assert_eq!(error_codes(&forbidden), ["FORBIDDEN"]);

    let rotated = gql_as(
        &app,
        Some(&admin),
        "mutation($id: String!) { rotateApiKey(id: $id) { secret } }",
        json!({ "id": id }),
    )
    .await;
    let new_secret = data(&rotated)["rotateApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let old = gql_as(&app, Some(&secret), "{ viewer { role } }", json!({})).await;
    assert_eq!(error_codes(&old), ["UNAUTHENTICATED"]);
    let revoked = gql_as(
        &app,
        Some(&admin),
        "mutation($id: String!) { revokeApiKey(id: $id) { revokedAt } }",
        json!({ "id": id }),
    )
    .await;
    assert!(data(&revoked)["revokeApiKey"]["revokedAt"].is_string());
    let after = gql_as(&app, Some(&new_secret), "{ viewer { role } }", json!({})).await;
    assert_eq!(error_codes(&after), ["UNAUTHENTICATED"]);
}
