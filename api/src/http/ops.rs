//! Operations: `/health` and `/metrics`.

use std::convert::Infallible;

use serde_json::json;
use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Reply;

use super::AppState;

/// An outbox entry older than this means search lags behind the store.
const CATCHING_UP_AGE_SECS: u64 = 30;

pub(crate) async fn health(state: AppState) -> Result<Response, Infallible> {
    let store_ok = state.store.ping().await.is_ok();
    let search = state.search.status().await;
    let outbox = state.store.outbox_stats().await.ok();
    // While the indexer works through a large backlog (a full index at start), search
    // answers from what is indexed so far: the node serves, and says it is catching up.
    let pending = outbox.as_ref().map_or(0, |o| o.pending);
    let behind = outbox.as_ref().and_then(|o| o.oldest_age_secs).unwrap_or(0);
    let search_status = if !search.available {
        "unavailable"
    } else if pending >= crate::indexer::CATCHING_UP_PENDING || behind >= CATCHING_UP_AGE_SECS {
        "catching_up"
    } else {
        "ok"
    };
    // The store is essential; a search backend that is down degrades search only.
    let (status, code) = match (store_ok, search.available) {
        (true, true) => ("ok", StatusCode::OK),
        (true, false) => ("degraded", StatusCode::OK),
        (false, _) => ("unavailable", StatusCode::SERVICE_UNAVAILABLE),
    };
    // Every node on this store, from their reports: the whole deployment at a glance.
    let nodes = state
        .store
        .live_nodes(crate::startup::NODE_ALIVE_SECS)
        .await
        .unwrap_or_default();
    let draining = nodes.iter().find(|n| n.node.drains_outbox);
    let body = json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "node": state.node_id,
        "nodes": nodes.iter().map(|n| json!({
            "id": n.node.id,
            "addr": n.node.addr,
            "search": n.node.search,
            "version": n.node.version,
            "started_at": n.node.started_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "seen_secs_ago": n.seen_secs_ago,
            "drains_outbox": n.node.drains_outbox,
        })).collect::<Vec<_>>(),
        "store": { "backend": state.store.backend_name(), "status": if store_ok { "ok" } else { "unavailable" } },
        "search": {
            "backend": state.search.name(),
            "status": search_status,
            "caught_up": search.available && outbox.is_some() && pending == 0,
            "documents": search.documents,
            "detail": search.detail,
            "outbox": outbox.map(|o| json!({
                "pending": o.pending,
                "oldest_age_secs": o.oldest_age_secs,
                "drained_by": draining.map(|n| n.node.id.clone()),
            })),
        },
    });
    let mut response = warp::reply::with_status(warp::reply::json(&body), code).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(crate) async fn metrics(state: AppState) -> Result<Response, Infallible> {
    let mut text = String::from(
        "# HELP tipx_store_calls_total Calls to the store, by method.\n# TYPE tipx_store_calls_total counter\n",
    );
    for (method, n) in state.calls.snapshot() {
        text.push_str(&format!(
            "tipx_store_calls_total{{method=\"{method}\"}} {n}\n"
        ));
    }
    if let Some(rate) = &state.rate {
        text.push_str(
            "# HELP tipx_rate_limited_total Requests refused with 429, by bucket.\n# TYPE tipx_rate_limited_total counter\n",
        );
        for (bucket, n) in rate.refusals() {
            text.push_str(&format!(
                "tipx_rate_limited_total{{bucket=\"{bucket}\"}} {n}\n"
            ));
        }
    }
    state.metrics.write(&mut text);
    text.push_str(
        "# HELP tipx_search_errors_total Search backend failures, by operation and kind.\n# TYPE tipx_search_errors_total counter\n",
    );
    for ((operation, kind), n) in state.search_errors.snapshot() {
        text.push_str(&format!(
            "tipx_search_errors_total{{backend=\"{}\",operation=\"{operation}\",kind=\"{kind}\"}} {n}\n",
            state.search.name()
        ));
    }
    text.push_str(&format!(
        "# HELP tipx_search_up Whether the search backend answers (1) or not (0).\n# TYPE tipx_search_up gauge\ntipx_search_up{{backend=\"{}\"}} {}\n",
        state.search.name(),
        u8::from(state.search.status().await.available)
    ));
    // The outbox: changes committed to the store but not yet in the search index.
    if let Ok(outbox) = state.store.outbox_stats().await {
        text.push_str(&format!(
            "# HELP tipx_outbox_pending Changes waiting to be indexed.\n# TYPE tipx_outbox_pending gauge\ntipx_outbox_pending {}\n\
             # HELP tipx_outbox_oldest_age_seconds Age of the oldest change waiting to be indexed (0: none).\n# TYPE tipx_outbox_oldest_age_seconds gauge\ntipx_outbox_oldest_age_seconds {}\n",
            outbox.pending,
            outbox.oldest_age_secs.unwrap_or(0)
        ));
    }
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
