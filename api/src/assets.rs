//! Static files served from memory: read once at start, hashed for Subresource Integrity
//! and ETags, gzipped once. The widgets (`widgets.rs`) and GraphiQL (`graphiql.rs`) are built
//! from these.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use sha2::{Digest, Sha256, Sha384};

/// `Cache-Control` of versioned files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of the unversioned names, which move to each new version.
pub const SHORT: &str = "public, max-age=300";

/// One servable file.
#[derive(Clone, Debug)]
pub struct Asset {
    pub content_type: &'static str,
    pub body: Bytes,
    /// The gzipped body, when that is smaller.
    pub gzip: Option<Bytes>,
    /// `sha384-…`, as `integrity` attributes take it.
    pub integrity: String,
    pub cache_control: &'static str,
}

impl Asset {
    pub fn new(name: &str, body: Vec<u8>, cache_control: &'static str) -> anyhow::Result<Asset> {
        let integrity = format!("sha384-{}", STANDARD.encode(Sha384::digest(&body)));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&body).context("gzipping")?;
        let gzipped = encoder.finish().context("gzipping")?;
        Ok(Asset {
            content_type: content_type(name),
            gzip: (gzipped.len() < body.len()).then(|| Bytes::from(gzipped)),
            body: Bytes::from(body),
            integrity,
            cache_control,
        })
    }

    /// The ETag: the content hash, so every node gives the same one.
    pub fn etag(&self) -> String {
        format!("\"{}\"", &self.integrity[7..])
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Reads one file of a built folder, naming it in the error.
pub fn read(dir: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
}

/// Ten hex digits of the SHA-256 of these parts, to name a version by its content.
pub fn short_hash(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect()
}
