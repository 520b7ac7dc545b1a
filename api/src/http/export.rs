//! Bulk export over HTTP: `GET /export/{laws,practices,cases,treaty-status}.{jsonl,csv}`, the
//! data dictionary and the licences, and `GET /export` listing them.
//!
//! A file is streamed a page of records at a time (memory stays flat whatever the size),
//! gzip-compressed when the client accepts it, with an `ETag` from the public change log (a
//! record published, updated or retracted changes it), so a partner's nightly
//! `If-None-Match` costs one small query when nothing changed.

use std::convert::Infallible;
use std::io::Write;

use bytes::Bytes;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use warp::http::{header, HeaderMap, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Reply;

use tipx_schema::error::ErrorCode;

use super::assets::accepts_gzip;
use super::graphql::if_none_match as matches_etag;
use super::{error_response, AppState, ResponseType};
use crate::export::{dictionary, Format, RowPages, Table, TableWriter, LICENCE, TABLES};

const DICTIONARY_FILE: &str = "DATA-DICTIONARY.md";
const LICENCE_FILE: &str = "LICENCE.md";

/// `GET /export`: what can be downloaded.
pub(crate) async fn index(state: AppState) -> Result<Response, Infallible> {
    let mut files = Vec::new();
    for table in TABLES {
        for format in [Format::Jsonl, Format::Csv] {
            let name = format!("{}.{}", table.name(), format.extension());
            files.push(serde_json::json!({
                "name": name,
                "url": format!("/export/{name}"),
                "media_type": format.media_type(),
            }));
        }
    }
    let body = serde_json::json!({
        "files": files,
        "dictionary": format!("/export/{DICTIONARY_FILE}"),
        "licence": format!("/export/{LICENCE_FILE}"),
        "note": "Published records only. Send Accept-Encoding: gzip for a compressed download and If-None-Match with the last ETag to skip an unchanged file.",
    });
    let mut response = warp::reply::json(&body).into_response();
    cache_headers(response.headers_mut(), state.cache_max_age_secs);
    Ok(response)
}

/// `GET /export/<file>`.
pub(crate) async fn file(
    state: AppState,
    name: String,
    headers: HeaderMap,
    head: bool,
) -> Result<Response, Infallible> {
    let gzip = accepts_gzip(&headers);
    if name == DICTIONARY_FILE || name == LICENCE_FILE {
        let text = if name == DICTIONARY_FILE {
            dictionary(state.privacy)
        } else {
            LICENCE.to_owned()
        };
        let etag = etag(&[name.as_str(), &text]);
        return Ok(answer(
            &state,
            &headers,
            etag,
            "text/markdown; charset=utf-8",
            &name,
            false,
            head,
            || Response::new(text.into()),
        ));
    }
    let Some((table, format)) = name
        .rsplit_once('.')
        .and_then(|(t, ext)| Some((Table::from_name(t)?, Format::from_extension(ext)?)))
    else {
        let known: Vec<String> = TABLES
            .iter()
            .flat_map(|t| ["jsonl", "csv"].map(|ext| format!("{}.{ext}", t.name())))
            .collect();
        return Ok(error_response(
            ErrorCode::NotFound,
            &format!(
                "no export file {name:?}; there are {}, {DICTIONARY_FILE} and {LICENCE_FILE}",
                known.join(", ")
            ),
            ResponseType::Json,
        ));
    };
    // What the file's content depends on: the change log for its kind (the reference data's
    // fingerprint for treaty status), the privacy threshold and this version's format.
    let stamp = match table.kind() {
        Some(kind) => state
            .store
            .changes_head(Some(kind))
            .await
            .map(|seq| seq.to_string()),
        None => state
            .store
            .get_meta(crate::seed::FINGERPRINT_KEY)
            .await
            .map(|f| f.unwrap_or_default()),
    };
    let stamp = match stamp {
        Ok(stamp) => stamp,
        Err(err) => {
            tracing::error!(error = %err, file = %name, "export: the store did not answer");
            return Ok(error_response(
                ErrorCode::Unavailable,
                "the store is not answering; try again shortly",
                ResponseType::Json,
            ));
        }
    };
    let threshold = state.privacy.threshold.to_string();
    let etag = etag(&[
        name.as_str(),
        &stamp,
        &threshold,
        env!("CARGO_PKG_VERSION"),
        if gzip { "gzip" } else { "identity" },
    ]);
    let body = || stream(state.clone(), table, format, gzip);
    Ok(answer(
        &state,
        &headers,
        etag,
        format.media_type(),
        &name,
        gzip,
        head,
        body,
    ))
}

/// The response, or `304 Not Modified` when the client holds this version.
#[allow(clippy::too_many_arguments)]
fn answer(
    state: &AppState,
    request: &HeaderMap,
    etag: String,
    media_type: &'static str,
    name: &str,
    gzip: bool,
    head: bool,
    body: impl FnOnce() -> Response,
) -> Response {
    let not_modified = matches_etag(request, &etag);
    let mut response = if not_modified || head {
        Response::new(Vec::<u8>::new().into())
    } else {
        body()
    };
    if not_modified {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    cache_headers(headers, state.cache_max_age_secs);
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !not_modified {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        if gzip {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
    }
    response
}

fn cache_headers(headers: &mut HeaderMap, max_age: u32) {
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        headers.insert(header::CACHE_CONTROL, value);
    }
}

/// A strong ETag over the parts that decide the bytes sent.
fn etag(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Chunks of a file in flight; the producer stops when the client goes away.
const CHUNKS_IN_FLIGHT: usize = 4;

/// The file's bytes, produced a page at a time as the client reads: a task writes pages into
/// a small channel and the response body reads from it, so memory stays flat and a client
/// that hangs up stops the work.
fn stream(state: AppState, table: Table, format: Format, gzip: bool) -> Response {
    let (sender, receiver) = mpsc::channel::<std::io::Result<Bytes>>(CHUNKS_IN_FLIGHT);
    tokio::spawn(async move {
        if let Err(err) = produce(&state, table, format, gzip, &sender).await {
            // The body ends with an error: the client sees an incomplete download (the
            // connection is cut), never a silently short file.
            tracing::error!(error = %err, table = table.name(), "export: the download failed");
            let _ = sender
                .send(Err(std::io::Error::other(err.to_string())))
                .await;
        }
    });
    warp::reply::stream(Chunks(receiver)).into_response()
}

/// Writes the file into `sender` a page at a time.
async fn produce(
    state: &AppState,
    table: Table,
    format: Format,
    gzip: bool,
    sender: &mpsc::Sender<std::io::Result<Bytes>>,
) -> anyhow::Result<()> {
    let mut writer = TableWriter::new(Vec::new(), table, format, state.privacy)?;
    let mut gz = gzip.then(|| GzEncoder::new(Vec::new(), flate2::Compression::default()));
    let mut pages = RowPages::new(table, state.privacy);
    loop {
        let page = pages.next_page(state.store.as_ref()).await?;
        let last = page.is_none();
        for row in page.iter().flatten() {
            writer.write(row)?;
        }
        let mut out = writer.take_output()?;
        if let Some(gz) = &mut gz {
            gz.write_all(&out)?;
            out = std::mem::take(gz.get_mut());
        }
        if last {
            if let Some(gz) = gz.take() {
                out.extend(gz.finish()?);
            }
        }
        if !out.is_empty() && sender.send(Ok(Bytes::from(out))).await.is_err() {
            tracing::debug!(table = table.name(), "export: the client went away");
            return Ok(());
        }
        if last {
            return Ok(());
        }
    }
}

/// The receiving end as a body stream.
struct Chunks(mpsc::Receiver<std::io::Result<Bytes>>);

impl futures::Stream for Chunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn gzip_is_used_only_when_accepted() {
        assert!(accepts_gzip(&headers(
            header::ACCEPT_ENCODING,
            "gzip, deflate, br"
        )));
        assert!(accepts_gzip(&headers(
            header::ACCEPT_ENCODING,
            "br;q=1.0, GZIP;q=0.5"
        )));
        assert!(!accepts_gzip(&headers(header::ACCEPT_ENCODING, "gzip;q=0")));
        assert!(!accepts_gzip(&headers(header::ACCEPT_ENCODING, "identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_star() {
        let tag = etag(&["laws.csv", "12"]);
        let list: &'static str = Box::leak(format!("\"x\", W/{tag}").into_boxed_str());
        assert!(matches_etag(&headers(header::IF_NONE_MATCH, list), &tag));
        assert!(matches_etag(&headers(header::IF_NONE_MATCH, "*"), &tag));
        assert!(!matches_etag(
            &headers(header::IF_NONE_MATCH, "\"x\""),
            &tag
        ));
        assert_ne!(tag, etag(&["laws.csv", "13"]));
    }
}
