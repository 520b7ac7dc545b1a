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
    let body: Value = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"]["backend"], "sqlite");

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
