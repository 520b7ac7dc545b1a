//! GraphQL over HTTP (POST and GET), as the GraphQL-over-HTTP specification asks.
//!
//! The endpoint answers `application/graphql-response+json` when the client accepts it (with
//! 4xx statuses for requests that fail before execution) and `application/json` otherwise
//! (status 200 for any well-formed request). A request that fails before execution never
//! carries a `data` entry. GET carries queries only; mutations over GET get 405. Bodies over
//! the limit get 413 even when the client sends the whole body before reading.

use std::convert::Infallible;

use async_graphql::parser::types::OperationType;
use bytes::{Buf, Bytes, BytesMut};
use futures::{Stream, StreamExt};
use warp::http::{header, HeaderMap, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Reply;

use tipx_schema::error::ErrorCode;
use tipx_schema::graphql::{request_data, set_code};

use super::rate;
use super::{error_response, AppState, ResponseType};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

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

/// Who the request acts as, from its `Authorization` header, or the 401 answer.
#[allow(clippy::result_large_err)] // returned once per request, straight to warp
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    response_type: ResponseType,
) -> Result<tipx_schema::core::Actor, (Response, ErrorCode)> {
    let header = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("<not text>"));
    match tipx_schema::core::keys::authenticate(state.store.as_ref(), header).await {
        Ok(actor) => {
            if let Some(id) = &actor.key_id {
                tracing::debug!(key.id = %id, role = actor.role.code(), "request with a key");
            }
            Ok(actor)
        }
        Err(err) => {
            let code = err.code();
            if code == ErrorCode::Unauthenticated {
                tracing::info!("request refused: invalid or revoked key");
            }
            let mut response = error_response(code, &err.to_string(), response_type);
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tipx\""),
            );
            Err((response, code))
        }
    }
}

/// Whether the operation the request runs is a mutation (a document that does not parse is
/// not: it fails anyway).
fn is_mutation(request: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    // Every request passes here: a document without the keyword holds no mutation, and most
    // reads are answered without a second parse.
    if !request.query.contains("mutation") {
        return false;
    }
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let is = |t: OperationType| t == OperationType::Mutation;
    match &document.operations {
        DocumentOperations::Single(op) => is(op.node.ty),
        DocumentOperations::Multiple(ops) => match &request.operation_name {
            Some(name) => ops.get(name.as_str()).is_some_and(|op| is(op.node.ty)),
            None => ops.values().any(|op| is(op.node.ty)),
        },
    }
}

/// The `429` answer of a request over its limit.
fn rate_limited(refused: &rate::Refused, response_type: ResponseType) -> Response {
    let what = match refused.bucket {
        rate::Bucket::Reads => format!("{} requests a minute", refused.limit),
        rate::Bucket::Writes => format!("{} changes a minute", refused.limit),
        rate::Bucket::FailedKeys => format!("{} unknown keys a minute", refused.limit),
    };
    let mut response = error_response(
        ErrorCode::RateLimited,
        &format!(
            "too many requests: this key or address may send {what}; try again in {} s",
            refused.retry_after.as_secs().max(1)
        ),
        response_type,
    );
    rate::set_refused_headers(response.headers_mut(), refused);
    response
}

/// Runs a request and counts it in `/metrics` by operation name and outcome.
async fn execute(
    state: &AppState,
    remote: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
    request: async_graphql::Request,
    response_type: ResponseType,
    cacheable: bool,
) -> Response {
    let started = std::time::Instant::now();
    let operation = request
        .operation_name
        .clone()
        .or_else(|| leading_operation_name(&request.query).map(str::to_owned));
    let (response, outcome) =
        execute_counted(state, remote, headers, request, response_type, cacheable).await;
    state
        .metrics
        .record_graphql(operation.as_deref(), outcome, started.elapsed());
    response
}

/// The name of a document's operation when the document starts with it (`query Name …`), as
/// partners name their operations without sending `operationName`. Anything else, such as a
/// document starting with a fragment, is counted as anonymous.
fn leading_operation_name(document: &str) -> Option<&str> {
    let mut rest = document;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '\u{feff}');
        match rest.strip_prefix('#') {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => break,
        }
    }
    let after = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|k| rest.strip_prefix(k))?;
    let name = after.trim_start();
    if name.len() == after.len() {
        return None;
    }
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// The first error code of an answer, or `ok`.
fn outcome_of(errors: &[async_graphql::ServerError]) -> &'static str {
    errors
        .iter()
        .find_map(|e| match e.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(code) => ErrorCode::ALL
                .iter()
                .find(|c| c.as_str() == code)
                .map(|c| c.as_str()),
            _ => None,
        })
        .unwrap_or(if errors.is_empty() { "ok" } else { "error" })
}

/// Gives each `INTERNAL` error the request's id (in `extensions.requestId` and its message),
/// so a partner's report can be matched with the server's log line.
fn name_request_in_internal_errors(errors: &mut [async_graphql::ServerError]) {
    let Some(id) = super::serve::RequestId::current() else {
        return;
    };
    for err in errors {
        let internal = err
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| matches!(c, async_graphql::Value::String(s) if s == ErrorCode::Internal.as_str()));
        if internal {
            err.message = format!("internal error (request {id})");
            err.extensions
                .get_or_insert_with(Default::default)
                .set("requestId", id.as_str());
        }
    }
}

async fn execute_counted(
    state: &AppState,
    remote: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
    request: async_graphql::Request,
    response_type: ResponseType,
    cacheable: bool,
) -> (Response, &'static str) {
    let request_headers = headers;
    let limits = state.rate.as_deref();
    let client = limits.and_then(|l| l.client(remote, headers));
    let has_key = headers.contains_key(header::AUTHORIZATION);
    if let Some(refused) = limits.filter(|_| has_key).and_then(|l| l.blocked(client)) {
        return (
            rate_limited(&refused, response_type),
            ErrorCode::RateLimited.as_str(),
        );
    }
    let actor = match authenticate(state, headers, response_type).await {
        Ok(actor) => actor,
        Err((response, code)) => {
            if code == ErrorCode::Unauthenticated {
                state.metrics.key_failed();
                if let Some(l) = limits {
                    l.failed_key(client);
                }
            }
            return (response, code.as_str());
        }
    };
    let mutation = is_mutation(&request);
    let allowed = match limits.map(|l| l.check(actor.key_id.as_deref(), client, mutation)) {
        Some(Err(refused)) => {
            return (
                rate_limited(&refused, response_type),
                ErrorCode::RateLimited.as_str(),
            )
        }
        Some(Ok(allowed)) => allowed,
        None => None,
    };
    // Answers to a key are its own: never stored by shared caches.
    let cacheable = cacheable && actor.key_id.is_none();
    let may_write = actor.key_id.is_some();
    let run = state
        .schema
        .execute(request_data(request, state.store.clone(), actor));
    let mut response = match state.query_timeout.filter(|_| !mutation) {
        // A query is only reading: stopping it loses nothing.
        Some(limit) => match tokio::time::timeout(limit, run).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(
                    timeout_ms = limit.as_millis() as u64,
                    "query stopped: too long"
                );
                let response = error_response(
                    ErrorCode::Timeout,
                    &format!(
                        "the query ran longer than {} ms and was stopped; ask for a smaller page or fewer fields",
                        limit.as_millis()
                    ),
                    response_type,
                );
                return (response, ErrorCode::Timeout.as_str());
            }
        },
        None => run.await,
    };
    if may_write {
        // Only a request with a key can write, and what it wrote is committed by now: the
        // indexer looks at the outbox at once instead of at its next poll.
        state.indexer.notify_one();
        state.feed_wake.notify_one();
    }
    // async-graphql answers a few request errors (an unknown or missing operation name) before
    // any extension runs; they get their code here.
    for err in &mut response.errors {
        set_code(err, ErrorCode::BadRequest);
    }
    name_request_in_internal_errors(&mut response.errors);
    let outcome = outcome_of(&response.errors);
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
    // A request that failed before execution has no `data` entry at all (GraphQL spec,
    // "Response Format"; GraphQL over HTTP asks the same of graphql-response+json).
    let serialised = if failed_before_execution {
        serde_json::to_vec(&serde_json::json!({ "errors": response.errors }))
    } else {
        serde_json::to_vec(&response)
    };
    let body = match serialised {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error.cause = %err, "serialising a GraphQL response");
            return (
                error_response(ErrorCode::Internal, "internal error", response_type),
                ErrorCode::Internal.as_str(),
            );
        }
    };
    // A cacheable answer carries a validator: the same request answered with the same bytes
    // gets `304 Not Modified` and no body when the client already holds them.
    let etag = (cacheable && response.errors.is_empty()).then(|| etag_of(&body));
    let not_modified = etag
        .as_deref()
        .is_some_and(|tag| if_none_match(request_headers, tag));
    let mut reply = if not_modified {
        warp::reply::with_status(Vec::new(), StatusCode::NOT_MODIFIED).into_response()
    } else {
        warp::reply::with_status(body, status).into_response()
    };
    let headers = reply.headers_mut();
    if !not_modified {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(response_type.content_type()),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&cache) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    if let Some(value) = etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    // Answers that shared caches may keep do not carry a client's remaining count.
    if let Some(allowed) = allowed.filter(|_| cache == "no-store") {
        rate::set_headers(
            headers,
            allowed.limit,
            allowed.remaining,
            std::time::Duration::from_secs(60),
        );
    }
    (reply, outcome)
}

/// A strong validator for a response body: the first 128 bits of its SHA-256, quoted.
fn etag_of(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak validators compare equal too
/// (RFC 9110, 13.1.2: the weak comparison).
pub(super) fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
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

/// How much of an oversized body is still read (and thrown away) so that a client which sends
/// its whole body before reading hears the 413. Beyond this the connection is closed.
const DRAIN_LIMIT: u64 = 32 * 1024 * 1024;
/// How long draining an oversized body may take.
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Larger than the limit; `drained` tells whether the rest was read, so the connection
    /// can stay open.
    TooLarge { drained: bool },
    /// The client went away or sent a malformed body.
    Read,
}

/// Reads a request body of at most `limit` bytes. A longer one is read to its end and dropped
/// (up to [`DRAIN_LIMIT`] bytes and [`DRAIN_TIMEOUT`]) before the error, because a client that
/// writes the whole body before reading would otherwise see a reset connection instead of the
/// 413 answer.
pub(crate) async fn read_body<S, B>(
    body: S,
    limit: u64,
    content_length: Option<u64>,
) -> Result<Bytes, BodyError>
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut body = std::pin::pin!(body);
    if content_length.is_some_and(|n| n > limit) {
        let drained =
            content_length.is_some_and(|n| n <= DRAIN_LIMIT) && drain(body.as_mut(), 0).await;
        return Err(BodyError::TooLarge { drained });
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.map_err(|_| BodyError::Read)?;
        let len = chunk.remaining() as u64;
        if buf.len() as u64 + len > limit {
            let drained = drain(body.as_mut(), buf.len() as u64 + len).await;
            return Err(BodyError::TooLarge { drained });
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            buf.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(buf.freeze())
}

/// Reads and drops the rest of a body; true when it ended within the drain limits.
async fn drain<S, B>(mut body: std::pin::Pin<&mut S>, mut seen: u64) -> bool
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let read_all = async {
        while let Some(chunk) = body.next().await {
            let Ok(chunk) = chunk else { return false };
            seen += chunk.remaining() as u64;
            if seen > DRAIN_LIMIT {
                return false;
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIMEOUT, read_all)
        .await
        .unwrap_or(false)
}

pub(crate) async fn post_graphql<S, B>(
    state: AppState,
    remote: Option<std::net::SocketAddr>,
    headers: HeaderMap,
    content_length: Option<u64>,
    body: S,
) -> Result<Response, Infallible>
where
    S: Stream<Item = Result<B, warp::Error>> + Send,
    B: Buf + Send,
{
    let body = match read_body(body, state.max_body_bytes, content_length).await {
        Ok(body) => body,
        Err(BodyError::TooLarge { drained }) => {
            let mut response = error_response(
                ErrorCode::PayloadTooLarge,
                &format!(
                    "the request body is larger than the server accepts ({} bytes)",
                    state.max_body_bytes
                ),
                negotiate_headers(&headers).unwrap_or(ResponseType::Json),
            );
            if !drained {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            return Ok(response);
        }
        Err(BodyError::Read) => {
            return Ok(error_response(
                ErrorCode::BadRequest,
                "the request body could not be read",
                ResponseType::Json,
            ))
        }
    };
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
    let mut request = request;
    if let Err((code, message)) = state.persisted.resolve(&mut request) {
        return Ok(no_store(error_response(code, &message, response_type)));
    }
    Ok(execute(&state, remote, &headers, request, response_type, false).await)
}

/// Marks an error answer as not to be stored by any cache.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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

pub(crate) async fn get_graphql(
    state: AppState,
    remote: Option<std::net::SocketAddr>,
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
    let mut request = request;
    if let Err((code, message)) = state.persisted.resolve(&mut request) {
        return Ok(no_store(error_response(code, &message, response_type)));
    }
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
    Ok(execute(&state, remote, &headers, request, response_type, true).await)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leading_operation_name_is_read_without_parsing() {
        assert_eq!(
            leading_operation_name("query Search($q: String) { x }"),
            Some("Search")
        );
        assert_eq!(
            leading_operation_name("# widgets\n  mutation Save{x}"),
            Some("Save")
        );
        assert_eq!(leading_operation_name("{ __typename }"), None);
        assert_eq!(leading_operation_name("query { x }"), None);
        assert_eq!(leading_operation_name("queryX { x }"), None);
        assert_eq!(
            leading_operation_name("fragment F on Q { x } query A { ...F }"),
            None
        );
    }

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
