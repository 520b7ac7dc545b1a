//! Operations: `/health` and `/metrics`.

use std::convert::Infallible;

use serde_json::json;
use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Reply;

use super::AppState;

pub(crate) async fn health(state: AppState) -> Result<Response, Infallible> {
    let store_ok = state.store.ping().await.is_ok();
    let search = state.search.status().await;
    let outbox = state.store.outbox_stats().await.ok();
    // The store is essential; a search backend that is down degrades search only.
    let (status, code) = match (store_ok, search.available) {
        (true, true) => ("ok", StatusCode::OK),
        (true, false) => ("degraded", StatusCode::OK),
        (false, _) => ("unavailable", StatusCode::SERVICE_UNAVAILABLE),
    };
    let body = json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "store": { "backend": state.store.backend_name(), "status": if store_ok { "ok" } else { "unavailable" } },
        "search": {
            "backend": state.search.name(),
            "status": if search.available { "ok" } else { "unavailable" },
            "documents": search.documents,
            "detail": search.detail,
            "outbox": outbox.map(|o| json!({ "pending": o.pending, "oldest_age_secs": o.oldest_age_secs })),
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
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
