//! Relay cursor pagination.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{error_codes, seed, spawn_app};
use tipx_schema::vocab::RecordKind;

#[tokio::test]
async fn paging_through_laws_visits_every_law_once_with_no_gaps() {
    let app = spawn_app().await;
    let expected: BTreeSet<String> = seed()
        .records
        .iter()
        .filter(|r| r.kind() == RecordKind::Law)
        .map(|r| r.id().to_string())
        .collect();
    let query = "query($after: String) { laws(first: 7, after: $after) { totalCount edges { cursor node { recordId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let data = app.data(query, json!({ "after": after })).await;
        let laws = &data["laws"];
        assert_eq!(
            laws["totalCount"].as_u64().unwrap() as usize,
            expected.len()
        );
        let edges = laws["edges"].as_array().unwrap();
        assert!(edges.len() <= 7);
        assert_eq!(laws["pageInfo"]["hasPreviousPage"], pages > 0);
        seen.extend(
            edges
                .iter()
                .map(|e| e["node"]["recordId"].as_str().unwrap().to_owned()),
        );
        pages += 1;
        if laws["pageInfo"]["hasNextPage"] == false {
            break;
        }
        assert_eq!(edges.len(), 7, "only the last page may be short");
        assert_eq!(
            laws["pageInfo"]["endCursor"],
            edges.last().unwrap()["cursor"]
        );
        after = laws["pageInfo"]["endCursor"].clone();
    }
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no law is listed twice");
    assert_eq!(unique, expected, "every law is listed");
    assert_eq!(pages, expected.len().div_ceil(7));
}

#[tokio::test]
async fn the_default_page_is_twenty_and_more_than_a_hundred_is_refused() {
    let app = spawn_app().await;
    let data = app.data("{ laws { nodes { recordId } } }", json!({})).await;
    assert_eq!(data["laws"]["nodes"].as_array().unwrap().len(), 20);
    let data = app
        .data("{ laws(first: 100) { nodes { recordId } } }", json!({}))
        .await;
    assert_eq!(data["laws"]["nodes"].as_array().unwrap().len(), 100);
    for first in [101, -1] {
        let answer = app
            .gql(
                "query($n: Int) { laws(first: $n) { totalCount } }",
                json!({ "n": first }),
            )
            .await;
        assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"], "first = {first}");
    }
}

#[tokio::test]
async fn a_forged_cursor_is_bad_user_input() {
    let app = spawn_app().await;
    for cursor in ["garbage!", "YWZ0ZXI6", "TGF3OkxXMDAx"] {
        let answer = app
            .gql(
                "query($c: String) { laws(after: $c) { totalCount } }",
                json!({ "c": cursor }),
            )
            .await;
        assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"], "cursor {cursor}");
    }
}

#[tokio::test]
async fn search_pages_by_number_are_the_pages_by_cursor() {
    let app = spawn_app().await;
    let query = "query($page: Int, $after: String) { search(query: \"trafficking\", first: 7, page: $page, after: $after) { totalHits hits { cursor record { ... on Law { recordId } ... on Practice { recordId } ... on Case { recordId } } } } }";
    let ids = |data: &Value| -> Vec<String> {
        data["search"]["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["record"]["recordId"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = app.data(query, json!({ "page": 1 })).await;
    assert!(
        first["search"]["totalHits"].as_i64().unwrap() > 14,
        "enough hits for three pages"
    );
    let cursor = first["search"]["hits"][6]["cursor"].clone();
    let by_cursor = app.data(query, json!({ "after": cursor })).await;
    let by_number = app.data(query, json!({ "page": 2 })).await;
    assert_eq!(ids(&by_number), ids(&by_cursor));
    assert_eq!(ids(&by_number).len(), 7);
    assert!(ids(&by_number).iter().all(|id| !ids(&first).contains(id)));

    for variables in [json!({ "page": 0 }), json!({ "page": 2, "after": cursor })] {
        let answer = app.gql(query, variables.clone()).await;
        assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"], "{variables}");
    }
}
