//! HTTP: the routes of the server, one module per concern.
//!
//! - `graphql`: GraphQL over HTTP (POST and GET), media types, status codes, body limits;
//! - `assets`: the widgets' files and GraphiQL, from memory;
//! - `ops`: `/health` and `/metrics`;
//! - `export`: `/export/…`, the bulk downloads;
//! - `subscriptions`: GraphQL over WebSocket at `/graphql` (the change feed);
//! - `portal`: the contributor and moderator pages, `/contribute` and `/review`;
//! - `serve`: the server loop (request ids, the access log) and `metrics`, what it counts;
//! - here: the shared state, the route table, the landing page and error answers.

mod assets;
mod export;
mod graphql;
pub mod metrics;
mod ops;
mod persisted;
mod portal;
pub mod rate;
pub mod serve;
mod subscriptions;

pub use persisted::{query_id, PersistedQueries};

use std::convert::Infallible;
use std::sync::Arc;

use serde_json::json;
use warp::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use tipx_schema::error::ErrorCode;
use tipx_schema::graphql::TipxSchema;
use tipx_schema::search::SearchBackend;
use tipx_schema::store::Store;

use crate::graphiql::GraphiqlAssets;
use crate::store::StoreCalls;
use crate::widgets::WidgetAssets;

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
    /// The built GraphiQL, when there is one.
    pub graphiql: Option<Arc<GraphiqlAssets>>,
    /// Wakes this node's indexer after a write, so a publication is searchable at once
    /// rather than at the next poll.
    pub indexer: Arc<tokio::sync::Notify>,
    /// Documents known by their SHA-256 (the widgets' from the start; others once sent).
    pub persisted: Arc<PersistedQueries>,
    /// Whether `GET /__bench/constant` is served (benchmarks only).
    pub bench_route: bool,
    /// This node's id in the deployment (`/health` lists every node).
    pub node_id: String,
    /// Victim counts below this are never shown or exported.
    pub privacy: tipx_schema::core::privacy::SmallCounts,
    /// Wakes this node's change-feed poller after a write.
    pub feed_wake: Arc<tokio::sync::Notify>,
    /// Longest a query may run (`None`: no limit); mutations are never cut.
    pub query_timeout: Option<std::time::Duration>,
    /// Rate limits of this node (`None`: switched off).
    pub rate: Option<Arc<rate::RateLimits>>,
    /// WebSocket connections this node still takes (`server.max_websockets`).
    pub websockets: Arc<tokio::sync::Semaphore>,
    /// Turns true when the node shuts down: open WebSockets are closed (1001).
    pub closing: tokio::sync::watch::Receiver<bool>,
    /// Requests counted for `/metrics`.
    pub metrics: Arc<metrics::HttpMetrics>,
    /// Search backend failures counted for `/metrics`.
    pub search_errors: Arc<crate::search::SearchErrors>,
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

/// A GraphQL-shaped error body with one error carrying `extensions.code` (and, for
/// `INTERNAL`, the request's id, which the server's log line names too).
pub fn error_response(code: ErrorCode, message: &str, as_type: ResponseType) -> Response {
    let body = match serve::RequestId::current().filter(|_| code == ErrorCode::Internal) {
        Some(id) => json!({ "errors": [{
            "message": format!("{message} (request {id})"),
            "extensions": { "code": code.as_str(), "requestId": id.as_str() },
        }] }),
        None => {
            json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
        }
    };
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
        .and(serve::client_addr())
        .and(warp::header::headers_cloned())
        .and(warp::header::optional::<u64>("content-length"))
        .and(warp::body::stream())
        .and_then(graphql::post_graphql);
    let graphql_get = warp::path("graphql")
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and(serve::client_addr())
        .and(warp::header::headers_cloned())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(graphql::get_graphql);
    let graphiql_page = warp::path("graphiql")
        .and(warp::path::end())
        .and(warp::get().or(warp::head()).unify())
        .and(with_state.clone())
        .and(warp::header::headers_cloned())
        .and_then(assets::graphiql_page);
    let graphiql_files = warp::path("graphiql")
        .and(warp::get().or(warp::head()).unify())
        .and(with_state.clone())
        .and(warp::path::tail())
        .and(warp::header::headers_cloned())
        .and_then(assets::graphiql_file);
    let health = warp::path("health")
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and_then(ops::health);
    let metrics = warp::path("metrics")
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and_then(ops::metrics);
    let widgets = warp::path("widgets")
        .and(warp::get().or(warp::head()).unify())
        .and(with_state.clone())
        .and(warp::path::tail())
        .and(warp::header::headers_cloned())
        .and_then(assets::widget_file);
    let websocket = warp::path("graphql")
        .and(warp::path::end())
        .and(warp::ws())
        .and(warp::header::optional::<String>("sec-websocket-protocol"))
        .and(with_state.clone())
        .and_then(subscriptions::upgrade);
    let export_index = warp::path("export")
        .and(warp::path::end())
        .and(warp::get().or(warp::head()).unify())
        .and(with_state.clone())
        .and_then(export::index);
    let export_file = warp::path!("export" / String)
        .and(
            warp::get()
                .map(|| false)
                .or(warp::head().map(|| true))
                .unify(),
        )
        .and(with_state.clone())
        .and(warp::header::headers_cloned())
        .and_then(
            |name: String, head: bool, state: AppState, headers: HeaderMap| {
                export::file(state, name, headers, head)
            },
        );
    // The benchmarks' floor: the same server, HTTP stack and JSON answer as
    // `{ __typename }`, with no GraphQL behind it. Off unless `server.bench_route`.
    let bench = warp::path!("__bench" / "constant")
        .and(warp::get())
        .and(with_state.clone())
        .and_then(|state: AppState| async move {
            if state.bench_route {
                let mut reply = warp::reply::with_header(
                    r#"{"data":{"__typename":"Query"}}"#,
                    header::CONTENT_TYPE,
                    "application/json",
                )
                .into_response();
                reply
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                Ok::<_, Infallible>(reply)
            } else {
                Ok(error_response(
                    ErrorCode::NotFound,
                    "no such route",
                    ResponseType::Json,
                ))
            }
        });
    // Browsers ask for it on every page; "no content" keeps their consoles quiet.
    let portal = warp::path::param::<String>()
        .and(warp::path::end())
        .and(warp::get())
        .and(with_state.clone())
        .and_then(portal::portal_page);
    let favicon = warp::path("favicon.ico")
        .and(warp::path::end())
        .and(warp::get())
        .map(|| warp::reply::with_status(warp::reply(), StatusCode::NO_CONTENT).into_response());
    let index = warp::path::end()
        .and(warp::get())
        .and(with_state.clone())
        .and(warp::header::headers_cloned())
        .map(|state: AppState, headers: HeaderMap| {
            let mut response = warp::reply::html(demo_page(&state, &headers)).into_response();
            let h = response.headers_mut();
            if let Ok(csp) = HeaderValue::from_str(&crate::demo::csp(&public_origin(&headers))) {
                h.insert("content-security-policy", csp);
            }
            h.insert(
                "x-content-type-options",
                HeaderValue::from_static("nosniff"),
            );
            h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
            h.insert("x-frame-options", HeaderValue::from_static("DENY"));
            response
        });

    let cors = warp::cors()
        .allow_any_origin()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_methods([Method::HEAD])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::IF_NONE_MATCH])
        .max_age(86_400);

    websocket
        .or(graphql_post)
        .unify()
        .or(graphql_get)
        .unify()
        .or(graphiql_page)
        .unify()
        .or(graphiql_files)
        .unify()
        .or(health)
        .unify()
        .or(metrics)
        .unify()
        .or(widgets)
        .unify()
        // Boxed here and below: each `or` nests the type once more, and past a dozen the
        // compiler spends minutes on it.
        .boxed()
        .or(export_index)
        .unify()
        .or(export_file)
        .unify()
        .or(portal)
        .unify()
        .or(favicon)
        .unify()
        .or(bench)
        .unify()
        .or(index)
        .unify()
        .with(cors)
        .map(as_response)
        .recover(handle_rejection)
        .unify()
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
