//! The embeddable widgets' files, served at `/widgets/`.
//!
//! `scripts/build-widgets.sh` leaves in the widgets folder, for each widget (`search`,
//! `country`, `record`), its own WebAssembly (`<kind>.wasm`) and wasm-bindgen's glue for it
//! (`<kind>.js`, a classic script defining the global `tipx_<kind>`); and the loader
//! (`loader.js`) and the iframe page (`frame.html`, `frame.css`). At start the server writes
//! into the loader the names and integrity hashes of every widget's files, so `tipx.js` is
//! small and fetches a widget's code only when its element is on the page; it names the
//! version by a hash of the content and keeps everything in memory, gzipped once:
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
use bytes::Bytes;
use serde_json::json;

use crate::assets::{read, short_hash};
pub use crate::assets::{Asset, IMMUTABLE, SHORT};

/// The modules, each built on its own: the three widgets and the contributor and moderator
/// pages (`portal`, which the loader never loads: `/contribute` and `/review` do).
pub const KINDS: [&str; 4] = ["search", "country", "record", "portal"];
/// Files the build leaves in the widgets folder besides each widget's `<kind>.js` and
/// `<kind>.wasm`.
pub const LOADER: &str = "loader.js";
pub const FRAME_HTML: &str = "frame.html";
pub const FRAME_CSS: &str = "frame.css";
/// The script that starts the contributor and moderator pages.
pub const PAGE_JS: &str = "page.js";

/// The policy of the contributor and moderator pages: this origin only, WebAssembly allowed,
/// never in a frame (they act with a key).
pub const PORTAL_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

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

/// One widget's glue and WebAssembly, as read from the folder.
struct Module {
    kind: &'static str,
    glue: Vec<u8>,
    wasm: Vec<u8>,
}

impl WidgetAssets {
    /// Reads the built widgets from `dir`. `Ok(None)` when the folder does not exist (the
    /// widgets were not built); an error when it exists but lacks a file.
    pub fn load(dir: &Path) -> anyhow::Result<Option<WidgetAssets>> {
        if !dir.exists() {
            return Ok(None);
        }
        let loader = String::from_utf8(read(dir, LOADER)?).context("the loader is not UTF-8")?;
        let frame_html = read(dir, FRAME_HTML)?;
        let frame_css = read(dir, FRAME_CSS)?;
        let page_js = read(dir, PAGE_JS)?;
        let mut modules = Vec::new();
        for kind in KINDS {
            let (js, wasm) = (format!("{kind}.js"), format!("{kind}.wasm"));
            let glue =
                String::from_utf8(read(dir, &js)?).with_context(|| format!("{js} is not UTF-8"))?;
            let global = format!("tipx_{kind}");
            anyhow::ensure!(
                glue.contains(&global),
                "{} is not wasm-bindgen's no-modules glue for the global {global}",
                dir.join(&js).display()
            );
            let wasm_bytes = read(dir, &wasm)?;
            anyhow::ensure!(
                wasm_bytes.starts_with(b"\0asm"),
                "{} is not WebAssembly",
                dir.join(&wasm).display()
            );
            // The glue declares its global with `let`; the loader finds it under `self.__tipx`.
            let glue = format!("{glue}\n(self.__tipx = self.__tipx || {{}}).{kind} = {global};\n");
            modules.push(Module {
                kind,
                glue: glue.into_bytes(),
                wasm: wasm_bytes,
            });
        }

        let mut parts: Vec<&[u8]> = vec![loader.as_bytes(), &frame_html, &frame_css, &page_js];
        for m in &modules {
            parts.push(&m.glue);
            parts.push(&m.wasm);
        }
        let version = format!("{}-{}", env!("CARGO_PKG_VERSION"), short_hash(&parts));
        let v = |name: &str| format!("{version}/{name}");

        let mut files = BTreeMap::new();
        let mut table = serde_json::Map::new();
        for m in modules {
            let (js, wasm) = (format!("{}.js", m.kind), format!("{}.wasm", m.kind));
            let glue = Asset::new(&js, m.glue, IMMUTABLE)?;
            let wasm_asset = Asset::new(&wasm, m.wasm, IMMUTABLE)?;
            table.insert(
                m.kind.to_owned(),
                json!({
                    "js": js, "jsIntegrity": glue.integrity,
                    "wasm": wasm, "wasmIntegrity": wasm_asset.integrity,
                }),
            );
            files.insert(v(&js), glue);
            files.insert(v(&wasm), wasm_asset);
        }
        let script = loader
            .replace(
                "__TIPX_MODULES__",
                &serde_json::Value::Object(table).to_string(),
            )
            .replace("__TIPX_VERSION__", &version);
        files.insert(
            v("tipx.js"),
            Asset::new("tipx.js", script.into_bytes(), IMMUTABLE)?,
        );
        files.insert(
            v(FRAME_HTML),
            Asset::new(FRAME_HTML, frame_html.clone(), IMMUTABLE)?,
        );
        files.insert(
            v(FRAME_CSS),
            Asset::new(FRAME_CSS, frame_css.clone(), IMMUTABLE)?,
        );
        files.insert(v(PAGE_JS), Asset::new(PAGE_JS, page_js, IMMUTABLE)?);
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

    /// The versioned path under `/widgets/` and the integrity hash of a file of this version.
    pub fn pinned(&self, name: &str) -> Option<(String, &str)> {
        let path = format!("{}/{name}", self.version);
        let asset = self.files.get(&path)?;
        Some((path, asset.integrity.as_str()))
    }

    /// The integrity hash of the versioned `tipx.js`, for pinned snippets.
    pub fn script_integrity(&self) -> &str {
        self.files
            .get(&format!("{}/tipx.js", self.version))
            .map(|a| a.integrity.as_str())
            .unwrap_or_default()
    }

    /// What a page downloads: the loader, then per widget on the page its glue and
    /// WebAssembly. Each as (name, raw bytes, gzip bytes).
    pub fn sizes(&self) -> Vec<(String, usize, usize)> {
        std::iter::once("tipx.js".to_owned())
            .chain(
                KINDS
                    .iter()
                    .filter(|k| **k != "portal")
                    .flat_map(|k| [format!("{k}.js"), format!("{k}.wasm")]),
            )
            .filter_map(|name| {
                let a = self.files.get(&format!("{}/{name}", self.version))?;
                let gzip = a.gzip.as_ref().map_or(a.body.len(), Bytes::len);
                Some((name, a.body.len(), gzip))
            })
            .collect()
    }

    /// The gzip bytes a page with one widget of `kind` downloads: loader, glue, WebAssembly.
    pub fn first_load_gzip(&self, kind: &str) -> usize {
        self.sizes()
            .iter()
            .filter(|(name, _, _)| name == "tipx.js" || name.starts_with(&format!("{kind}.")))
            .map(|(_, _, gz)| gz)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(dir: &Path, wasm: &[u8]) {
        for kind in KINDS {
            std::fs::write(
                dir.join(format!("{kind}.js")),
                format!("let tipx_{kind} = (function(){{ return 1; }})();\n"),
            )
            .unwrap();
            std::fs::write(dir.join(format!("{kind}.wasm")), wasm).unwrap();
        }
        std::fs::write(
            dir.join(LOADER),
            "const V = \"__TIPX_VERSION__\"; const M = __TIPX_MODULES__;\n",
        )
        .unwrap();
        std::fs::write(dir.join(FRAME_HTML), "<!doctype html><title>f</title>").unwrap();
        std::fs::write(dir.join(FRAME_CSS), "body{margin:0}").unwrap();
        std::fs::write(dir.join(PAGE_JS), "start();").unwrap();
    }

    #[test]
    fn a_missing_folder_means_not_built_and_a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(WidgetAssets::load(&dir.path().join("nope"))
            .unwrap()
            .is_none());
        let err = WidgetAssets::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains(LOADER), "{err:#}");
        built(dir.path(), b"\0asm\x01\0\0\0");
        std::fs::remove_file(dir.path().join("country.wasm")).unwrap();
        let err = WidgetAssets::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("country.wasm"), "{err:#}");
    }

    #[test]
    fn the_loader_pins_every_module_and_the_version_follows_the_content() {
        let dir = tempfile::tempdir().unwrap();
        built(dir.path(), b"\0asm\x01\0\0\0");
        let a = WidgetAssets::load(dir.path()).unwrap().unwrap();
        let script = a.get(&format!("{}/tipx.js", a.version)).unwrap();
        let text = std::str::from_utf8(&script.body).unwrap();
        for kind in KINDS {
            let wasm = a.get(&format!("{}/{kind}.wasm", a.version)).unwrap();
            let glue = a.get(&format!("{}/{kind}.js", a.version)).unwrap();
            assert!(text.contains(&wasm.integrity), "{text}");
            assert!(text.contains(&glue.integrity), "{text}");
            let glue = std::str::from_utf8(&glue.body).unwrap();
            assert!(
                glue.ends_with(&format!(".{kind} = tipx_{kind};\n")),
                "{glue}"
            );
        }
        assert!(text.contains(&a.version));
        assert!(!text.contains("__TIPX_"), "{text}");
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
    fn a_file_that_is_not_webassembly_or_not_the_glue_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        built(dir.path(), b"<html>not found</html>");
        assert!(WidgetAssets::load(dir.path()).is_err());
        built(dir.path(), b"\0asm\x01\0\0\0");
        std::fs::write(dir.path().join("record.js"), "let wasm_bindgen = 1;").unwrap();
        let err = WidgetAssets::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("tipx_record"), "{err:#}");
    }
}
