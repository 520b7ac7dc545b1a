//! `/metrics` as a Prometheus server scrapes it: requests by route and status, GraphQL
//! operations by name and outcome, latency histograms, failed keys, search failures, the
//! outbox's lag.

use serde_json::json;

use crate::helpers::{gql_as, spawn_app};

/// The value of one sample line, `name{labels} value`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome_with_latency_histograms() {
    let app = spawn_app().await;
    for _ in 0..3 {
        let answer = gql_as(
            &app,
            None,
            "query CountryNames { countries { name } }",
            json!({}),
        )
        .await;
        assert!(answer.get("errors").is_none(), "{answer}");
    }
    let bad = gql_as(
        &app,
        None,
        "query BadPage { practices(first: -4) { nodes { title } } }",
        json!({}),
    )
    .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let refused = gql_as(&app, Some("tipx_not_a_key"), "{ __typename }", json!({})).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    // A client choosing odd names cannot add series at will.
    let _ = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "query X { __typename }", "operationName": "x\"}} 1\nevil" }))
        .send()
        .await
        .unwrap();

    let text = app.get("/metrics").await.text().await.unwrap();
    let at = |series: &str| sample(&text, series).unwrap_or_else(|| panic!("no {series}: {text}"));
    assert_eq!(
        at("tipx_graphql_requests_total{operation=\"CountryNames\",outcome=\"ok\"}"),
        3.0
    );
    assert_eq!(
        at("tipx_graphql_requests_total{operation=\"BadPage\",outcome=\"BAD_USER_INPUT\"}"),
        1.0
    );
    assert_eq!(
        at("tipx_graphql_requests_total{operation=\"anonymous\",outcome=\"UNAUTHENTICATED\"}"),
        1.0
    );
    assert!(text.contains("operation=\"invalid\""), "{text}");
    assert!(!text.contains("evil"), "{text}");
    assert_eq!(at("tipx_key_failures_total"), 1.0);
    assert_eq!(
        at("tipx_graphql_duration_seconds_count{operation=\"CountryNames\"}"),
        3.0
    );
    assert_eq!(
        at("tipx_graphql_duration_seconds_bucket{operation=\"CountryNames\",le=\"+Inf\"}"),
        3.0
    );
    assert!(at("tipx_graphql_duration_seconds_sum{operation=\"CountryNames\"}") > 0.0);
    // Six requests to /graphql so far, the refused key's with 401 (this scrape is counted
    // after it is answered).
    assert_eq!(
        at("tipx_http_request_duration_seconds_count{route=\"graphql\"}"),
        6.0
    );
    assert_eq!(
        at("tipx_http_requests_total{route=\"graphql\",status=\"200\"}"),
        5.0
    );
    assert_eq!(
        at("tipx_http_requests_total{route=\"graphql\",status=\"401\"}"),
        1.0
    );
    assert_eq!(at("tipx_search_up{backend=\"embedded\"}"), 1.0);
    assert!(sample(&text, "tipx_outbox_pending").is_some(), "{text}");
    assert!(
        sample(&text, "tipx_outbox_oldest_age_seconds").is_some(),
        "{text}"
    );
    // Every series has its HELP and TYPE.
    for name in [
        "tipx_http_requests_total",
        "tipx_http_request_duration_seconds",
        "tipx_graphql_requests_total",
        "tipx_graphql_duration_seconds",
        "tipx_key_failures_total",
        "tipx_search_errors_total",
        "tipx_search_up",
        "tipx_outbox_pending",
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} ")),
            "no TYPE for {name}"
        );
    }
}
