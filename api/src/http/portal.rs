//! The contributor and moderator pages, `/contribute` and `/review`: a small HTML page that
//! loads this version's portal module (pinned by integrity hash) and starts it. The page is
//! the same for everyone; who is signed in lives in the tab's session storage, never here.

use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Rejection;

use tipx_schema::error::ErrorCode;

use super::{error_response, AppState, ResponseType};
use crate::widgets::{WidgetAssets, PAGE_JS, PORTAL_CSP};

/// The page `page` (`contribute` or `review`), or `None` when the portal is not in `assets`.
pub fn page_html(assets: &WidgetAssets, page: &str) -> Option<String> {
    let (glue, glue_sri) = assets.pinned("portal.js")?;
    let (wasm, wasm_sri) = assets.pinned("portal.wasm")?;
    let (start, start_sri) = assets.pinned(PAGE_JS)?;
    let title = match page {
        "review" => "TIP Exchange: review submissions",
        _ => "TIP Exchange: contribute records",
    };
    Some(format!(
        r#"<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<script src="/widgets/{glue}" integrity="{glue_sri}" crossorigin="anonymous" defer></script>
<script src="/widgets/{start}" integrity="{start_sri}" crossorigin="anonymous" defer></script>
</head>
<body data-page="{page}" data-wasm="/widgets/{wasm}" data-wasm-integrity="{wasm_sri}">
<div id="tipx-app"><p>Loading…</p><noscript><p>These pages need JavaScript and WebAssembly. Partner systems can do the same through the GraphQL API at /graphql.</p></noscript></div>
</body>
</html>
"#
    ))
}

/// Answers `/contribute` and `/review`; other one-segment paths are not this route's.
pub(crate) async fn portal_page(page: String, state: AppState) -> Result<Response, Rejection> {
    let page = match page.as_str() {
        "contribute" => "contribute",
        "review" => "review",
        _ => return Err(warp::reject::not_found()),
    };
    let html = state
        .widgets
        .as_deref()
        .and_then(|assets| page_html(assets, page));
    let Some(html) = html else {
        return Ok(error_response(
            ErrorCode::WidgetsNotBuilt,
            "this server has no built pages; run scripts/build-widgets.sh (scripts/run.sh does)",
            ResponseType::Json,
        ));
    };
    let mut response = Response::new(html.into());
    *response.status_mut() = StatusCode::OK;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(PORTAL_CSP),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    Ok(response)
}
