//! The embeddable widgets' files, served at `/widgets/`.
//!
//! `scripts/build-widgets.sh` leaves five files in the widgets folder: wasm-bindgen's glue
//! (`tipx_widgets.js`), the WebAssembly (`tipx_widgets_bg.wasm`), the loader (`loader.js`) and
//! the iframe page (`frame.html`, `frame.css`). At start the server joins glue and loader
//! into one `tipx.js` that pins the WebAssembly by its hash, names the version by a hash of
//! the content, and keeps everything in memory, gzipped once:
//!
//! - `/widgets/<version>/…`: immutable files (cached for a year), safe to pin with
//!   Subresource Integrity;
//! - `/widgets/tipx.js`, `/widgets/frame.html`: the current version, cached for five minutes;
//! - `/widgets/manifest.json`: the version and the integrity hash of every file.
//!
//! Every node built from the same folder serves the same bytes under the same names, so
//! nodes behind a load balancer agree.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use serde_json::json;
use sha2::{Digest, Sha384};

use crate::assets::{read, short_hash};
pub use crate::assets::{Asset, IMMUTABLE, SHORT};

/// Files the build leaves in the widgets folder.
pub const GLUE: &str = "tipx_widgets.js";
pub const WASM: &str = "tipx_widgets_bg.wasm";
pub const LOADER: &str = "loader.js";
pub const FRAME_HTML: &str = "frame.html";
pub const FRAME_CSS: &str = "frame.css";

/// The policy of the iframe page: WebAssembly allowed, everything else from this origin only.
pub const FRAME_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
    form-action 'none'; frame-ancestors *";

/// The widget files, ready to serve.
#[derive(Clone, Debug)]
pub struct WidgetAssets {
    /// `<crate version>-<content hash>`, e.g. `0.1.0-3f9a1c2b7d`.
    pub version: String,
    files: BTreeMap<String, Asset>,
}

impl WidgetAssets {
    /// Reads the built widgets from `dir`. `Ok(None)` when the folder does not exist (the
    /// widgets were not built); an error when it exists but lacks a file.
    pub fn load(dir: &Path) -> anyhow::Result<Option<WidgetAssets>> {
        if !dir.exists() {
            return Ok(None);
        }
        let glue = String::from_utf8(read(dir, GLUE)?).context("the glue is not UTF-8")?;
        let wasm = read(dir, WASM)?;
        let loader = String::from_utf8(read(dir, LOADER)?).context("the loader is not UTF-8")?;
        let frame_html = read(dir, FRAME_HTML)?;
        let frame_css = read(dir, FRAME_CSS)?;
        anyhow::ensure!(
            wasm.starts_with(b"\0asm"),
            "{} is not WebAssembly",
            dir.join(WASM).display()
        );
        anyhow::ensure!(
            glue.contains("wasm_bindgen"),
            "{} is not wasm-bindgen's no-modules glue",
            dir.join(GLUE).display()
        );

        let wasm_integrity = format!("sha384-{}", STANDARD.encode(Sha384::digest(&wasm)));
        let script = format!(
            "{glue}\n{}",
            loader
                .replace("__TIPX_WASM_FILE__", WASM)
                .replace("__TIPX_WASM_INTEGRITY__", &wasm_integrity)
        );
        let digest = short_hash(&[script.as_bytes(), &wasm, &frame_html, &frame_css]);
        let version = format!("{}-{digest}", env!("CARGO_PKG_VERSION"));
        let script = script.replace("__TIPX_VERSION__", &version);

        let mut files = BTreeMap::new();
        let v = |name: &str| format!("{version}/{name}");
        files.insert(
            v("tipx.js"),
            Asset::new("tipx.js", script.into_bytes(), IMMUTABLE)?,
        );
        files.insert(v(WASM), Asset::new(WASM, wasm, IMMUTABLE)?);
        files.insert(
            v(FRAME_HTML),
            Asset::new(FRAME_HTML, frame_html.clone(), IMMUTABLE)?,
        );
        files.insert(
            v(FRAME_CSS),
            Asset::new(FRAME_CSS, frame_css.clone(), IMMUTABLE)?,
        );
        // The moving names: a one-line module that loads the current version, and the frame.
        let entry = format!(
            "// TIP Exchange widgets, current version. Pin /widgets/{version}/tipx.js with \
             its integrity hash (see /widgets/manifest.json) for a fixed version.\n\
             export * from \"./{version}/tipx.js\";\n"
        );
        files.insert(
            "tipx.js".into(),
            Asset::new("tipx.js", entry.into_bytes(), SHORT)?,
        );
        files.insert(
            FRAME_HTML.into(),
            Asset::new(FRAME_HTML, frame_html, SHORT)?,
        );
        files.insert(FRAME_CSS.into(), Asset::new(FRAME_CSS, frame_css, SHORT)?);
        let manifest = json!({
            "version": version,
            "files": files.iter().map(|(name, a)| (name.clone(), json!({
                "integrity": a.integrity,
                "bytes": a.body.len(),
                "gzipBytes": a.gzip.as_ref().map(Bytes::len),
                "contentType": a.content_type,
            }))).collect::<serde_json::Map<_, _>>(),
        });
        let manifest = serde_json::to_vec_pretty(&manifest).context("writing the manifest")?;
        files.insert(
            "manifest.json".into(),
            Asset::new("manifest.json", manifest, SHORT)?,
        );
        Ok(Some(WidgetAssets { version, files }))
    }

    /// The file at `path` under `/widgets/`.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }

    /// The integrity hash of the versioned `tipx.js`, for pinned snippets.
    pub fn script_integrity(&self) -> &str {
        self.files
            .get(&format!("{}/tipx.js", self.version))
            .map(|a| a.integrity.as_str())
            .unwrap_or_default()
    }

    /// Sizes of the versioned script and WebAssembly: (raw, gzip) bytes each.
    pub fn sizes(&self) -> [(usize, usize); 2] {
        ["tipx.js", WASM].map(|name| {
            self.files
                .get(&format!("{}/{name}", self.version))
                .map(|a| {
                    (
                        a.body.len(),
                        a.gzip.as_ref().map_or(a.body.len(), Bytes::len),
                    )
                })
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(dir: &Path, wasm: &[u8]) {
        std::fs::write(
            dir.join(GLUE),
            "let wasm_bindgen = (function(){ return 1; })();\n",
        )
        .unwrap();
        std::fs::write(dir.join(WASM), wasm).unwrap();
        std::fs::write(
            dir.join(LOADER),
            "const V = \"__TIPX_VERSION__\"; const I = \"__TIPX_WASM_INTEGRITY__\";\n",
        )
        .unwrap();
        std::fs::write(dir.join(FRAME_HTML), "<!doctype html><title>f</title>").unwrap();
        std::fs::write(dir.join(FRAME_CSS), "body{margin:0}").unwrap();
    }

    #[test]
    fn a_missing_folder_means_not_built_and_a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(WidgetAssets::load(&dir.path().join("nope"))
            .unwrap()
            .is_none());
        let err = WidgetAssets::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains(GLUE), "{err:#}");
    }

    #[test]
    fn the_script_pins_the_wasm_and_the_version_follows_the_content() {
        let dir = tempfile::tempdir().unwrap();
        built(dir.path(), b"\0asm\x01\0\0\0");
        let a = WidgetAssets::load(dir.path()).unwrap().unwrap();
        let script = a.get(&format!("{}/tipx.js", a.version)).unwrap();
        let text = std::str::from_utf8(&script.body).unwrap();
        let wasm = a.get(&format!("{}/{WASM}", a.version)).unwrap();
        assert!(text.contains(&wasm.integrity), "{text}");
        assert!(text.contains(&a.version));
        assert!(text.starts_with("let wasm_bindgen"));
        assert_eq!(script.cache_control, IMMUTABLE);
        assert_eq!(a.get("tipx.js").unwrap().cache_control, SHORT);

        // Same content, same version (every node agrees); new content, new version.
        let again = WidgetAssets::load(dir.path()).unwrap().unwrap();
        assert_eq!(again.version, a.version);
        built(dir.path(), b"\0asm\x01\0\0\0\0");
        let changed = WidgetAssets::load(dir.path()).unwrap().unwrap();
        assert_ne!(changed.version, a.version);
    }

    #[test]
    fn a_file_that_is_not_webassembly_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        built(dir.path(), b"<html>not found</html>");
        assert!(WidgetAssets::load(dir.path()).is_err());
    }
}
