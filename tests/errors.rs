//! GraphQL over HTTP: media types, status codes, methods, limits and error codes.

use serde_json::{json, Value};

use crate::helpers::{error_codes, spawn_app};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn a_query_by_get_is_cacheable_and_answers_in_the_accepted_media_type() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ country(code: \"NG\") { name } }")])
        .header("accept", GRAPHQL_RESPONSE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with(GRAPHQL_RESPONSE));
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["country"]["name"], "Nigeria");
}

#[tokio::test]
async fn invalid_documents_get_400_with_graphql_response_json_and_200_with_json() {
    let app = spawn_app().await;
    for (accept, status) in [(GRAPHQL_RESPONSE, 400), ("application/json", 200)] {
        for (query, code) in [
            ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
            ("{ laws {", "GRAPHQL_PARSE_FAILED"),
        ] {
            let response = app
                .client
                .post(app.url("/graphql"))
                .header("accept", accept)
                .json(&json!({ "query": query }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), status, "{accept} {query}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(error_codes(&body), [code]);
            // Refused before execution: no `data` entry at all, not even null.
            assert!(body.get("data").is_none(), "{accept} {query}: {body}");
        }
    }
}

#[tokio::test]
async fn a_mutation_over_get_is_405_and_a_wrong_content_type_is_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { submit }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["METHOD_NOT_ALLOWED"]);

    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ laws { totalCount } }")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["UNSUPPORTED_MEDIA_TYPE"]);

    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["BAD_REQUEST"]);
}

#[tokio::test]
async fn an_oversized_body_is_413_and_an_unknown_route_is_404_both_with_codes() {
    let app = spawn_app().await;
    let huge = format!("{{ laws {{ totalCount }} }} #{}", "x".repeat(300 * 1024));
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": huge }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["PAYLOAD_TOO_LARGE"]);

    let response = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["NOT_FOUND"]);
}

/// Sends a raw HTTP/1.1 request, writing the whole body before reading anything (as many
/// simple clients do), and returns the status and the body of the answer.
fn send_all_then_read(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> (u16, Value) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .write_all(body)
        .expect("the server reads the whole body instead of closing the connection");
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).unwrap();
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if rest.len() >= len {
                let status = head.split(' ').nth(1).unwrap().parse().unwrap();
                return (status, serde_json::from_str(&rest[..len]).unwrap());
            }
        }
        assert!(n > 0, "connection closed before the answer: {text}");
    }
}

/// POSTs an already chunk-encoded body to /graphql, whole before reading.
async fn send_chunked(addr: std::net::SocketAddr, chunked: Vec<u8>) -> (u16, Value) {
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    tokio::task::spawn_blocking(move || send_all_then_read(addr, &head, &chunked))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_2_mb_body_sent_whole_before_reading_gets_a_413_with_a_code() {
    let app = spawn_app().await;
    let addr = app.addr;
    let body = format!(
        "{{\"query\": \"{{ laws {{ totalCount }} }} #{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let (status, answer) =
        tokio::task::spawn_blocking(move || send_all_then_read(addr, &head, body.as_bytes()))
            .await
            .unwrap();
    assert_eq!(status, 413);
    assert_eq!(error_codes(&answer), ["PAYLOAD_TOO_LARGE"]);

    // The same without Content-Length (chunked): counted as it arrives.
    let chunk = "x".repeat(64 * 1024);
    let mut chunked = Vec::new();
    for _ in 0..32 {
        chunked.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, answer) = send_chunked(addr, chunked).await;
    assert_eq!(status, 413);
    assert_eq!(error_codes(&answer), ["PAYLOAD_TOO_LARGE"]);

    // A chunked body under the limit is read as usual.
    let small = br#"{"query":"{ __typename }"}"#;
    let mut chunked = format!("{:x}\r\n", small.len()).into_bytes();
    chunked.extend_from_slice(small);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let (status, answer) = send_chunked(addr, chunked).await;
    assert_eq!(status, 200);
    assert_eq!(answer["data"]["__typename"], "Query");
}

#[tokio::test]
async fn queries_beyond_the_depth_or_complexity_limits_are_refused() {
    let app = spawn_app().await;
    let deep = r#"{ country(code: "BR") { practices { nodes { countries { practices { nodes { countries { practices { nodes { countries { practices { nodes { title } } } } } } } } } } } } }"#;
    let answer = app.gql(deep, json!({})).await;
    assert_eq!(error_codes(&answer), ["QUERY_TOO_COMPLEX"]);
    let wide = r#"{ countries { laws(first: 100) { nodes { country { laws(first: 100) { nodes { title } } } } } } }"#;
    let answer = app.gql(wide, json!({})).await;
    assert_eq!(error_codes(&answer), ["QUERY_TOO_COMPLEX"], "{answer}");
}

#[tokio::test]
async fn every_error_carries_a_code_and_an_unknown_id_is_not_found() {
    let app = spawn_app().await;
    let answer = app
        .gql(r#"{ law(id: "LW999999") { title } case(id: "bad id!") { title } practice(id: "LW001") { title } }"#, json!({}))
        .await;
    let mut codes = error_codes(&answer);
    codes.sort();
    assert_eq!(
        codes,
        ["BAD_USER_INPUT", "NOT_FOUND", "NOT_FOUND"],
        "{answer}"
    );
    let answer = app
        .gql(r#"{ laws(first: "ten") { totalCount } }"#, json!({}))
        .await;
    assert!(
        error_codes(&answer).iter().all(|c| c != "<none>"),
        "{answer}"
    );
}

#[tokio::test]
async fn health_reports_the_store_and_cors_lets_any_origin_read() {
    let app = spawn_app().await;
    let body = app.health().await;
    assert_eq!(body["status"], "ok");
    let expected = if crate::helpers::on_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["store"]["backend"], expected);

    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://ngo.example.org")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://ngo.example.org"
    );
}

#[tokio::test]
async fn get_runs_the_operation_named_by_operation_name_and_codes_a_missing_name() {
    let app = spawn_app().await;
    let document = r#"query First { country(code: "NG") { code } } query Second { country(code: "GH") { code } }"#;
    for (name, code) in [("First", "NG"), ("Second", "GH")] {
        let body: Value = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", document), ("operationName", name)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["data"]["country"]["code"], code, "{name}: {body}");
    }
    // Two operations and no name: the request cannot run, and the error says why with a code.
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", document)])
        .header("accept", GRAPHQL_RESPONSE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["BAD_REQUEST"], "{body}");
}

#[tokio::test]
async fn a_cacheable_answer_has_an_etag_and_a_matching_if_none_match_gets_304() {
    let app = spawn_app().await;
    let get = |etag: Option<String>| {
        let mut request = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", "{ country(code: \"NG\") { name } }")]);
        if let Some(tag) = etag {
            request = request.header("if-none-match", tag);
        }
        request.send()
    };
    let first = get(None).await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let body = first.bytes().await.unwrap();
    assert!(!body.is_empty());

    let again = get(Some(etag.clone())).await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert!(again.bytes().await.unwrap().is_empty());

    // A weak form of the same tag, and a list, match too; another tag does not.
    assert_eq!(
        get(Some(format!("\"x\", W/{etag}")))
            .await
            .unwrap()
            .status(),
        304
    );
    assert_eq!(get(Some("\"other\"".into())).await.unwrap().status(), 200);

    // A POST is not cached and has no validator.
    let post = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ country(code: \"NG\") { name } }" }))
        .send()
        .await
        .unwrap();
    assert!(post.headers().get("etag").is_none());
}

#[tokio::test]
async fn a_get_may_send_a_persisted_query_id_instead_of_the_document() {
    use tipx_api::http::{query_id, PersistedQueries};
    let app = spawn_app().await;
    let get = |params: Vec<(&'static str, String)>| {
        app.client.get(app.url("/graphql")).query(&params).send()
    };
    let ext =
        |hash: &str| json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();

    // A widget's document is known from the start, by the hash of its file.
    let widget = include_str!("../widgets/queries/taxonomy.graphql");
    assert!(PersistedQueries::widget_ids().contains(&query_id(widget)));
    let answer: Value = get(vec![
        ("operationName", "Taxonomy".into()),
        ("variables", json!({ "lang": "fr" }).to_string()),
        ("extensions", ext(&query_id(widget))),
    ])
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(answer["errors"].is_null(), "{answer}");
    assert!(answer["data"]["taxonomy"].is_object());

    // An unknown id: PERSISTED_QUERY_NOT_FOUND (never cached); sent once with its document,
    // the id works alone afterwards.
    let document = "{ country(code: \"KE\") { name(lang: \"es\") } }";
    let id = query_id(document);
    let missing = get(vec![("extensions", ext(&id))]).await.unwrap();
    assert_eq!(missing.headers()["cache-control"], "no-store");
    let missing: Value = missing.json().await.unwrap();
    assert_eq!(error_codes(&missing), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert_eq!(missing["errors"][0]["message"], "PersistedQueryNotFound");
    let learnt: Value = get(vec![("query", document.into()), ("extensions", ext(&id))])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(learnt["data"]["country"]["name"], "Kenia");
    let by_id: Value = get(vec![("extensions", ext(&id))])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_id, learnt);

    // A hash that does not match its document is refused.
    let wrong: Value = get(vec![
        ("query", "{ __typename }".into()),
        ("extensions", ext(&id)),
    ])
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(error_codes(&wrong), ["BAD_REQUEST"]);

    // A mutation stays POST-only, also by id.
    let mutation = "mutation { withdraw(id: \"LW001\") { __typename } }";
    let m = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": mutation, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": query_id(mutation) } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(m.status(), 200);
    let by_get = get(vec![("extensions", ext(&query_id(mutation)))])
        .await
        .unwrap();
    assert_eq!(by_get.status(), 405);
}

/// OWASP's GraphQL cheat sheet, tried over HTTP: each abusive document is refused with a code
/// before it runs, and the next request is answered normally.
#[tokio::test]
async fn alias_fragment_and_root_field_bombs_oversized_documents_and_batches_are_refused() {
    let app = spawn_app().await;
    let aliases: String = (0..1_500).map(|i| format!("a{i}:__typename ")).collect();
    let mut bomb = String::from("{ ...F0 }");
    for i in 0..24 {
        bomb.push_str(&format!(
            " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    bomb.push_str(" fragment F24 on Query { __typename }");
    let roots: String = (0..31).map(|i| format!("r{i}: __typename ")).collect();
    let padded = format!("{{ __typename }} # {}", "x".repeat(33 * 1024));
    let directives = "{ __typename @skip(if: false) @include(if: true) @skip(if: false) @include(if: true) @skip(if: false) @include(if: true) }";
    for (what, document, says) in [
        (
            "1,500 aliases",
            format!("{{ {aliases} }}"),
            "more than 1000 fields",
        ),
        (
            "2^24 fields through 25 fragments",
            bomb,
            "more than 1000 fields",
        ),
        (
            "31 root fields",
            format!("{{ {roots} }}"),
            "31 root fields, the limit is 30",
        ),
        ("a 33 KiB document", padded, "the limit is 32768"),
        (
            "6 directives on a field",
            directives.to_owned(),
            "6 directives, the limit is 5",
        ),
    ] {
        let answer = app.gql(&document, json!({})).await;
        assert_eq!(
            error_codes(&answer),
            ["QUERY_TOO_COMPLEX"],
            "{what}: {answer}"
        );
        let message = answer["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{what}: {message}");
        let next = app
            .data("{ country(code: \"NG\") { name } }", json!({}))
            .await;
        assert_eq!(next["country"]["name"], "Nigeria", "after {what}");
    }
    // A batch (an array of requests) is one way around per-request limits: refused.
    let batch = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(batch.status(), 400);
    let answer: Value = batch.json().await.unwrap();
    assert_eq!(error_codes(&answer), ["BAD_REQUEST"]);
    // An unknown field is refused without suggesting the schema's names.
    let typo = app
        .gql("{ countrie(code: \"NG\") { name } }", json!({}))
        .await;
    assert_eq!(error_codes(&typo), ["GRAPHQL_VALIDATION_FAILED"]);
    let message = typo["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
}

/// Every answer says what it cost against the limits (`extensions.cost`), and the cost grows
/// with the page size as the complexity limit counts it.
#[tokio::test]
async fn every_answer_reports_its_cost_against_the_limits() {
    let app = spawn_app().await;
    let cost = |answer: &Value| answer["extensions"]["cost"].clone();
    let small = app
        .gql("{ practices(first: 2) { nodes { title } } }", json!({}))
        .await;
    let large = app
        .gql("{ practices(first: 40) { nodes { title } } }", json!({}))
        .await;
    assert_eq!(cost(&small)["maxComplexity"], 5000);
    assert_eq!(cost(&small)["maxDepth"], 12);
    assert_eq!(cost(&small)["depth"], 3);
    let (s, l) = (
        cost(&small)["complexity"].as_u64().unwrap(),
        cost(&large)["complexity"].as_u64().unwrap(),
    );
    assert!(l > s && s > 0, "complexity {s} for 2 nodes, {l} for 40");
}

#[tokio::test]
async fn a_query_past_the_time_limit_is_stopped_with_timeout_but_a_mutation_runs_to_its_end() {
    // A limit of one millisecond: a page of 100 practices with their countries and treaty
    // status takes several round trips to the store, so it cannot finish in time.
    let app =
        crate::helpers::spawn_app_with(tempfile::tempdir().unwrap(), |s| s.graphql.timeout_ms = 1)
            .await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ practices(first: 100) { nodes { title countries { name treatyStatus { status } } } } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["TIMEOUT"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("1 ms"));

    // A write is never cut halfway: it runs to its end under the same limit.
    let (_, ng) = crate::helpers::key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let created = crate::helpers::gql_as(
        &app,
        Some(&ng),
        "mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId status } } }",
        json!({ "i": {
            "title": "A practice written under a tight time limit", "countries": ["NG"],
            "leadOrganisation": "A test organisation", "organisationType": "NGO",
            "summary": "Written to check that writes are not stopped by the query time limit.",
            "language": "en", "sources": [{ "url": "https://example.org/time-limit" }]
        }}),
    )
    .await;
    assert_eq!(created["errors"], Value::Null, "{created}");
    assert_eq!(created["data"]["createPractice"]["status"], "DRAFT");
    let id = created["data"]["createPractice"]["recordId"]
        .as_str()
        .unwrap();
    let record = app
        .store()
        .await
        .revisions(&[tipx_schema::ids::RecordId::parse(id).unwrap()])
        .await
        .unwrap();
    assert_eq!(record.len(), 1, "the draft is stored whole");
}
