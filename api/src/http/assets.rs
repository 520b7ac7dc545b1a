//! Static files from memory: the widgets at `/widgets/` and GraphiQL at `/graphiql`.

use warp::http::{header, HeaderMap, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Rejection;

use tipx_schema::error::ErrorCode;

use super::{error_response, AppState, ResponseType};
use crate::assets::Asset;
use crate::graphiql::PAGE_CSP as GRAPHIQL_CSP;
use crate::widgets::{FRAME_CSP, FRAME_HTML};

/// Whether the client accepts gzip (`Accept-Encoding: gzip`, not with `q=0`).
pub(super) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or_default().trim();
            let q_zero = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    == Some(0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !q_zero
        })
}

/// Who may load a file from another origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sharing {
    /// Host pages on any origin (including ones that require CORP) may load it.
    AnyOrigin,
    /// Only this origin's own pages.
    SameOrigin,
}

/// Answers with a file from memory: gzip when the client takes it, ETag and 304.
fn serve_asset(
    asset: &Asset,
    headers: &HeaderMap,
    sharing: Sharing,
    csp: Option<&'static str>,
) -> Response {
    let etag = asset.etag();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let gzip = asset.gzip.as_ref().filter(|_| accepts_gzip(headers));
    let mut response = if fresh {
        let mut r = Response::new(Default::default());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        Response::new(gzip.unwrap_or(&asset.body).clone().into())
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(asset.cache_control),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static(match sharing {
            Sharing::AnyOrigin => "cross-origin",
            Sharing::SameOrigin => "same-origin",
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if gzip.is_some() && !fresh {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Some(csp) = csp {
        h.insert("content-security-policy", HeaderValue::from_static(csp));
        h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    }
    response
}

/// A file of the embeddable widgets.
pub(crate) async fn widget_file(
    state: AppState,
    tail: warp::path::Tail,
    headers: HeaderMap,
) -> Result<Response, Rejection> {
    let Some(assets) = &state.widgets else {
        return Ok(error_response(
            ErrorCode::WidgetsNotBuilt,
            "this server has no built widgets; run scripts/build-widgets.sh (scripts/run.sh does)",
            ResponseType::Json,
        ));
    };
    let path = tail.as_str();
    let Some(asset) = assets.get(path) else {
        return Ok(error_response(
            ErrorCode::NotFound,
            &format!("no widget file '{path}'; see /widgets/manifest.json"),
            ResponseType::Json,
        ));
    };
    let csp = path.ends_with(FRAME_HTML).then_some(FRAME_CSP);
    Ok(serve_asset(asset, &headers, Sharing::AnyOrigin, csp))
}

fn graphiql_not_built() -> Response {
    error_response(
        ErrorCode::GraphiqlNotBuilt,
        "this server has no built GraphiQL; run scripts/build-graphiql.sh (scripts/run.sh does). \
         Any GraphQL client can use /graphql meanwhile",
        ResponseType::Json,
    )
}

/// The GraphiQL page.
pub(crate) async fn graphiql_page(
    state: AppState,
    headers: HeaderMap,
) -> Result<Response, Rejection> {
    Ok(match &state.graphiql {
        Some(assets) => serve_asset(
            assets.page(),
            &headers,
            Sharing::SameOrigin,
            Some(GRAPHIQL_CSP),
        ),
        None => graphiql_not_built(),
    })
}

/// A file of GraphiQL's.
pub(crate) async fn graphiql_file(
    state: AppState,
    tail: warp::path::Tail,
    headers: HeaderMap,
) -> Result<Response, Rejection> {
    let Some(assets) = &state.graphiql else {
        return Ok(graphiql_not_built());
    };
    let path = tail.as_str();
    Ok(match assets.get(path) {
        Some(asset) => serve_asset(asset, &headers, Sharing::SameOrigin, None),
        None => error_response(
            ErrorCode::NotFound,
            &format!("no GraphiQL file '{path}'"),
            ResponseType::Json,
        ),
    })
}
