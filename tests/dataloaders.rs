//! The N+1 guarantee: the number of store calls does not grow with the page size.

use std::collections::HashMap;

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// The node's own background work (the indexer polling the outbox, the heartbeat, locks, the
/// webhook dispatcher looking for webhooks) runs beside the request; it is not the request's
/// cost.
const BACKGROUND: &[&str] = &[
    "outbox_pending",
    "outbox_ack",
    "outbox_stats",
    "node_heartbeat",
    "live_nodes",
    "lock",
    "try_lock",
    "list_webhooks",
    "webhook_position",
    "due_deliveries",
];

/// The store calls one request costs. DataLoaders gather the keys that arrive within a
/// millisecond; on a loaded machine a batch can be cut in two, so the query runs a few times
/// and the cheapest run counts. An N+1 pattern costs the same on every run, so it still shows.
async fn calls_for(app: &TestApp, query: &str) -> HashMap<String, u64> {
    let mut cheapest: Option<HashMap<String, u64>> = None;
    for _ in 0..3 {
        let calls = one_run(app, query).await;
        let total: u64 = calls.values().sum();
        if cheapest
            .as_ref()
            .is_none_or(|c| total < c.values().sum::<u64>())
        {
            cheapest = Some(calls);
        }
    }
    cheapest.expect("three runs")
}

async fn one_run(app: &TestApp, query: &str) -> HashMap<String, u64> {
    let before = app.store_calls().await;
    app.data(query, json!({})).await;
    let after = app.store_calls().await;
    after
        .into_iter()
        .filter(|(k, _)| !BACKGROUND.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v - before.get(&k).copied().unwrap_or(0)))
        .collect()
}

#[tokio::test]
async fn a_page_of_100_practices_with_their_countries_costs_a_handful_of_store_calls() {
    let app = spawn_app().await;
    let query = |n: usize| {
        format!("{{ practices(first: {n}) {{ nodes {{ title countries {{ name region {{ name }} }} }} }} }}")
    };
    let small = calls_for(&app, &query(3)).await;
    let large = calls_for(&app, &query(100)).await;
    // Without DataLoaders this would be one countries call per practice and one regions call
    // per country: well over a hundred.
    let total: u64 = large.values().sum();
    assert!(
        total <= 5,
        "a constant handful of calls for 100 practices, got {large:?}"
    );
    assert_eq!(large["list_records"], 1);
    assert!(
        large["countries"] <= 2 && large["regions"] <= 2,
        "{large:?}"
    );
    assert!(
        total <= small.values().sum::<u64>() + 2,
        "small {small:?} vs large {large:?}"
    );
}

#[tokio::test]
async fn cases_with_their_laws_and_countries_with_treaty_status_are_batched() {
    let app = spawn_app().await;
    let large = calls_for(&app, "{ cases(first: 100) { nodes { lawsApplied { title } countries { treatyStatus { status instrument { shortName } } } } } }").await;
    let total: u64 = large.values().sum();
    assert!(
        total <= 8,
        "a constant handful of calls for 100 cases, got {large:?}"
    );
    assert_eq!(
        large["instruments"], 1,
        "instruments are loaded once per request"
    );
}
