//! HTTP: GraphQL over HTTP (POST and GET), GraphiQL, health, metrics and the landing page.
//!
//! The GraphQL endpoint follows the GraphQL-over-HTTP specification: it answers
//! `application/graphql-response+json` when the client accepts it (with 4xx statuses for
//! requests that fail before execution) and `application/json` otherwise (status 200 for any
//! well-formed request); GET carries queries only, and mutations over GET get 405.

use std::convert::Infallible;
use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use bytes::Bytes;
use serde_json::json;
use warp::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use tipx_schema::error::ErrorCode;
use tipx_schema::graphql::{request_data, set_code, TipxSchema};
use tipx_schema::search::SearchBackend;
use tipx_schema::store::Store;

use crate::store::StoreCalls;
use crate::widgets::{WidgetAssets, FRAME_CSP, FRAME_HTML};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What every handler shares. Nothing here is per-client state: any node can answer any request.
#[derive(Clone)]
pub struct AppState {
    pub schema: TipxSchema,
    pub store: Arc<dyn Store>,
    pub search: Arc<dyn SearchBackend>,
    pub calls: Arc<StoreCalls>,
    pub max_body_bytes: u64,
    pub cache_max_age_secs: u32,
    /// The built widgets, when there are any.
    pub widgets: Option<Arc<WidgetAssets>>,
}

/// The media type the response is written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResponseType {
    GraphqlResponse,
    Json,
}

impl ResponseType {
    fn content_type(self) -> &'static str {
        match self {
            ResponseType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            ResponseType::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response media type from `Accept`. No header means `application/json`, as the
/// specification asks of servers during its transition period.
fn negotiate(accept: Option<&str>) -> Option<ResponseType> {
    let Some(accept) = accept else {
        return Some(ResponseType::Json);
    };
    let mut best: Option<(f32, ResponseType)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let kind = match media.as_str() {
            GRAPHQL_RESPONSE => ResponseType::GraphqlResponse,
            JSON | "application/*" | "*/*" => ResponseType::Json,
            _ => continue,
        };
        if q > 0.0
            && best.is_none_or(|(bq, bk)| {
                q > bq || (q == bq && kind == ResponseType::GraphqlResponse && bk != kind)
            })
        {
            best = Some((q, kind));
        }
    }
    best.map(|(_, kind)| kind)
}

/// A GraphQL-shaped error body with one error carrying `extensions.code`.
pub fn error_response(code: ErrorCode, message: &str, as_type: ResponseType) -> Response {
    let body =
        json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    let mut response = warp::reply::with_status(
        warp::reply::json(&body),
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    )
    .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(as_type.content_type()),
    );
    response
}

/// Codes that mean the request failed before execution (no `data`).
fn is_request_error(code: &str) -> bool {
    [
        ErrorCode::ParseFailed,
        ErrorCode::ValidationFailed,
        ErrorCode::QueryTooComplex,
        ErrorCode::BadRequest,
    ]
    .iter()
    .any(|c| c.as_str() == code)
}

async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    response_type: ResponseType,
    cacheable: bool,
) -> Response {
    let mut response = state
        .schema
        .execute(request_data(request, state.store.clone()))
        .await;
    // async-graphql answers a few request errors (an unknown or missing operation name) before
    // any extension runs; they get their code here.
    for err in &mut response.errors {
        set_code(err, ErrorCode::BadRequest);
    }
    let failed_before_execution = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .is_some_and(
                    |c| matches!(c, async_graphql::Value::String(s) if is_request_error(s)),
                )
        });
    let status = if failed_before_execution && response_type == ResponseType::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let cache = if cacheable && response.errors.is_empty() {
        format!("public, max-age={}", state.cache_max_age_secs)
    } else {
        "no-store".to_owned()
    };
    let body = match serde_json::to_vec(&response) {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error.cause = %err, "serialising a GraphQL response");
            return error_response(ErrorCode::Internal, "internal error", response_type);
        }
    };
    let mut reply = warp::reply::with_status(body, status).into_response();
    let headers = reply.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(response_type.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&cache) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    reply
}

/// The response media type for these headers, or a 406 answer.
#[allow(clippy::result_large_err)] // returned once per request, straight to warp
fn negotiate_headers(headers: &HeaderMap) -> Result<ResponseType, Response> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    negotiate(accept).ok_or_else(|| {
        error_response(
            ErrorCode::NotAcceptable,
            "Accept must allow application/graphql-response+json or application/json",
            ResponseType::Json,
        )
    })
}

async fn post_graphql(
    state: AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Infallible> {
    let response_type = match negotiate_headers(&headers) {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if content_type != JSON {
        return Ok(error_response(
            ErrorCode::UnsupportedMediaType,
            "POST /graphql takes Content-Type: application/json",
            response_type,
        ));
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            return Ok(error_response(
                ErrorCode::BadRequest,
                &format!("the body is not a GraphQL request (JSON with a \"query\" string): {err}"),
                response_type,
            ))
        }
    };
    Ok(execute(&state, request, response_type, false).await)
}

/// Reads a GET request's parameters as the GraphQL-over-HTTP specification names them
/// (`query`, `operationName`, `variables`, `extensions`). async-graphql's own parser expects
/// `operation_name`, so it is not used.
fn parse_get_request(raw: &str) -> Result<async_graphql::Request, String> {
    #[derive(serde::Deserialize)]
    struct Params {
        #[serde(default)]
        query: String,
        #[serde(rename = "operationName")]
        operation_name: Option<String>,
        variables: Option<String>,
        extensions: Option<String>,
    }
    let params: Params = serde_urlencoded::from_str(raw).map_err(|e| e.to_string())?;
    let mut request = async_graphql::Request::new(params.query);
    if let Some(name) = params.operation_name.filter(|n| !n.is_empty()) {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables.filter(|v| !v.is_empty()) {
        let value: serde_json::Value =
            serde_json::from_str(&vars).map_err(|e| format!("invalid variables: {e}"))?;
        request = request.variables(async_graphql::Variables::from_json(value));
    }
    if let Some(ext) = params.extensions.filter(|v| !v.is_empty()) {
        request.extensions =
            serde_json::from_str(&ext).map_err(|e| format!("invalid extensions: {e}"))?;
    }
    Ok(request)
}

async fn get_graphql(
    state: AppState,
    headers: HeaderMap,
    raw_query: String,
) -> Result<Response, Infallible> {
    let response_type = match negotiate_headers(&headers) {
        Ok(t) => t,
        Err(response) => return Ok(response),
    };
    let request = match parse_get_request(&raw_query) {
        Ok(request) => request,
        Err(err) => {
            return Ok(error_response(
                ErrorCode::BadRequest,
                &format!("GET /graphql needs ?query=… (and optional variables as JSON): {err}"),
                response_type,
            ))
        }
    };
    // GET is for reads only: a mutation or subscription must come by POST.
    if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
        let selected = match &request.operation_name {
            Some(name) => document
                .operations
                .iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                .map(|(_, op)| op.node.ty),
            None => document.operations.iter().next().map(|(_, op)| op.node.ty),
        };
        if matches!(
            selected,
            Some(OperationType::Mutation | OperationType::Subscription)
        ) {
            let mut response = error_response(
                ErrorCode::MethodNotAllowed,
                "mutations must be sent with POST",
                response_type,
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return Ok(response);
        }
    }
    Ok(execute(&state, request, response_type, true).await)
}

async fn health(state: AppState) -> Result<Response, Infallible> {
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

async fn metrics(state: AppState) -> Result<Response, Infallible> {
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

/// Whether the client accepts gzip (`Accept-Encoding: gzip`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
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

/// A file of the embeddable widgets.
async fn widget_file(
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
    let etag = asset.etag();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let gzip = asset.gzip.as_ref().filter(|_| accepts_gzip(&headers));
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
    // Host pages on any origin (including ones that require CORP) may load these files.
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if gzip.is_some() && !fresh {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if path.ends_with(FRAME_HTML) {
        h.insert(
            "content-security-policy",
            HeaderValue::from_static(FRAME_CSP),
        );
    }
    Ok(response)
}

/// The origin the visitor reached this server at, for copy-paste snippets.
fn public_origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost:8080");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// The home page: what the server is, and every widget live with its snippet.
fn demo_page(state: &AppState, headers: &HeaderMap) -> String {
    crate::demo::page(state.widgets.as_deref(), &public_origin(headers))
}

/// Every route of the server.
pub fn routes(state: AppState) -> impl Filter<Extract = (impl Reply,), Error = Infallible> + Clone {
    let with_state = {
        let state = state.clone();
        warp::any().map(move || state.clone())
    };
    let graphql_post = warp::path("graphql")
        .and(warp::path::end())
        .and(warp::post())
        .and(with_state.clone())
        .and(warp::header::headers_cloned())
        .and(warp::body::content_length_limit(state.max_body_bytes))
        .and(warp::body::bytes())
        .and_then(post_graphql);
    let graphql_get = warp::path("graphql")
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and(warp::header::headers_cloned())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(get_graphql);
    let graphiql = warp::path("graphiql")
        .and(warp::path::end())
        .and(warp::get())
        .map(|| {
            warp::reply::html(
                GraphiQLSource::build()
                    .endpoint("/graphql")
                    .title("TIP Exchange GraphiQL")
                    .finish(),
            )
            .into_response()
        });
    let health = warp::path("health")
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and_then(health);
    let metrics = warp::path("metrics")
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and_then(metrics);
    let widgets = warp::path("widgets")
        .and(warp::get().or(warp::head()).unify())
        .and(with_state.clone())
        .and(warp::path::tail())
        .and(warp::header::headers_cloned())
        .and_then(widget_file);
    // Browsers ask for it on every page; "no content" keeps their consoles quiet.
    let favicon = warp::path("favicon.ico")
        .and(warp::path::end())
        .and(warp::get())
        .map(|| warp::reply::with_status(warp::reply(), StatusCode::NO_CONTENT).into_response());
    let index = warp::path::end()
        .and(warp::get())
        .and(with_state.clone())
        .and(warp::header::headers_cloned())
        .map(|state: AppState, headers: HeaderMap| {
            warp::reply::html(demo_page(&state, &headers)).into_response()
        });

    let cors = warp::cors()
        .allow_any_origin()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_methods([Method::HEAD])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
        .max_age(86_400);

    graphql_post
        .or(graphql_get)
        .unify()
        .or(graphiql)
        .unify()
        .or(health)
        .unify()
        .or(metrics)
        .unify()
        .or(widgets)
        .unify()
        .or(favicon)
        .unify()
        .or(index)
        .unify()
        .with(cors)
        .map(as_response)
        .recover(handle_rejection)
        .unify()
        .with(warp::log::custom(|info| {
            // One line per request; the query string is left out (it can be long).
            tracing::info!(
                method = %info.method(),
                path = %info.path(),
                status = info.status().as_u16(),
                duration_ms = info.elapsed().as_secs_f64() * 1000.0,
                "request"
            );
        }))
}

fn as_response<R: Reply>(reply: R) -> Response {
    reply.into_response()
}

/// Turns warp's rejections into errors with codes.
async fn handle_rejection(rejection: Rejection) -> Result<Response, Infallible> {
    let (code, message) = if rejection.is_not_found() {
        (
            ErrorCode::NotFound,
            "no such route; the API is at /graphql".to_owned(),
        )
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        (
            ErrorCode::PayloadTooLarge,
            "the request body is larger than the server accepts".to_owned(),
        )
    } else if rejection.find::<warp::reject::LengthRequired>().is_some() {
        (
            ErrorCode::BadRequest,
            "send the request body with a Content-Length".to_owned(),
        )
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        (
            ErrorCode::MethodNotAllowed,
            "method not allowed on this route".to_owned(),
        )
    } else if let Some(cors) = rejection.find::<warp::cors::CorsForbidden>() {
        (ErrorCode::Forbidden, cors.to_string())
    } else {
        tracing::error!(?rejection, "unhandled rejection");
        (ErrorCode::Internal, "internal error".to_owned())
    };
    Ok(error_response(code, &message, ResponseType::Json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_graphql_response_json_and_defaults_to_json() {
        assert_eq!(negotiate(None), Some(ResponseType::Json));
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(ResponseType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(Some("application/json")),
            Some(ResponseType::Json)
        );
        assert_eq!(negotiate(Some("*/*")), Some(ResponseType::Json));
        assert_eq!(negotiate(Some("text/html")), None);
    }
}
