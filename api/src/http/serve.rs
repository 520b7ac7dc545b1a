//! The server loop: warp's routes on hyper, with what every request gets before any route runs.
//!
//! warp's own `serve` would do, but it gives a route no way to learn an id made for its request.
//! Here each request gets:
//! - an id: the caller's `X-Request-Id` when it is a short token, otherwise a new random one;
//!   it is sent back in `X-Request-Id`, is the `id` of the `request` span every log line of the
//!   request is written in, and is what an `INTERNAL` error names (see [`RequestId::current`]);
//! - its client address, for the rate limits ([`client_addr`]);
//! - one access log line and its place in `/metrics` (status and latency by route);
//! - `X-Content-Type-Options: nosniff` on every answer (HTML pages add their own policies).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use futures::future::{select, Either};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tower_service::Service;
use tracing::Instrument;
use warp::http::HeaderValue;
use warp::Filter;

use super::metrics::HttpMetrics;

tokio::task_local! {
    static REQUEST_ID: RequestId;
}

/// Longest `X-Request-Id` taken from a caller; a longer or stranger one is replaced.
const MAX_INCOMING_ID: usize = 64;

/// The id of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// The caller's id when it is 1 to 64 letters, digits, `-`, `_`, `.` or `:` (so it can go
    /// into a log line as it is), otherwise a new one.
    fn for_request(headers: &warp::http::HeaderMap) -> RequestId {
        headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= MAX_INCOMING_ID
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            })
            .map(|v| RequestId(v.into()))
            .unwrap_or_else(RequestId::new)
    }

    /// 16 random bytes in hex.
    fn new() -> RequestId {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // Never fails on the systems tipx runs on; a clock-based id still tells requests apart.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            bytes = nanos.to_le_bytes();
        }
        RequestId(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                .into(),
        )
    }

    /// The id of the request this task serves, if it serves one.
    pub fn current() -> Option<RequestId> {
        REQUEST_ID.try_with(Clone::clone).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The connection's remote address, put on each request by the loop below.
#[derive(Clone, Copy, Debug)]
struct ClientAddr(SocketAddr);

/// The address of the client at the other end of the connection (not a proxy's header).
pub fn client_addr() -> impl Filter<Extract = (Option<SocketAddr>,), Error = Infallible> + Clone {
    warp::ext::optional::<ClientAddr>().map(|addr: Option<ClientAddr>| addr.map(|a| a.0))
}

/// Serves `routes` (warp's routes as a service: `warp::service(filter)`) on `listener` until
/// `shutdown` resolves, then waits for the requests under way (upgraded connections, the
/// WebSockets, are closed by their own watcher).
pub async fn serve<S>(
    routes: S,
    listener: tokio::net::TcpListener,
    metrics: Arc<HttpMetrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    S: Service<
            hyper::Request<hyper::body::Incoming>,
            Response = warp::reply::Response,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = match select(std::pin::pin!(listener.accept()), &mut shutdown).await {
            Either::Left((Ok(accepted), _)) => accepted,
            Either::Left((Err(err), _)) => {
                accept_failed(err).await;
                continue;
            }
            Either::Right(((), _)) => break,
        };
        let (stream, remote) = accepted;
        let routes = routes.clone();
        let metrics = metrics.clone();
        let service = hyper::service::service_fn(move |request| {
            one_request(routes.clone(), metrics.clone(), remote, request)
        });
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(err) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

async fn one_request<S>(
    mut routes: S,
    metrics: Arc<HttpMetrics>,
    remote: SocketAddr,
    mut request: hyper::Request<hyper::body::Incoming>,
) -> Result<warp::reply::Response, Infallible>
where
    S: Service<
        hyper::Request<hyper::body::Incoming>,
        Response = warp::reply::Response,
        Error = Infallible,
    >,
{
    let id = RequestId::for_request(request.headers());
    request.extensions_mut().insert(ClientAddr(remote));
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let span = tracing::info_span!("request", id = %id);
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), routes.call(request))
        .instrument(span.clone())
        .await?;
    let elapsed = started.elapsed();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        headers.insert("x-request-id", value);
    }
    // No answer is ever to be read as another type than it says (JSON as HTML, say).
    headers
        .entry("x-content-type-options")
        .or_insert(HeaderValue::from_static("nosniff"));
    let status = response.status().as_u16();
    metrics.record_http(&path, status, elapsed);
    span.in_scope(|| {
        // One line per request; the query string is left out (it can be long).
        tracing::info!(
            method = %method,
            path = %path,
            status,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            "request"
        );
    });
    Ok(response)
}

/// What hyper 0.14's server did: connection errors are the client's business; others (such
/// as running out of file descriptors) are logged and the loop pauses a second.
async fn accept_failed(err: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        err.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}
