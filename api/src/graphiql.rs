//! GraphiQL at `/graphiql`, served entirely by tipx: no CDN, so it works in a closed network
//! and under a strict Content-Security-Policy.
//!
//! `scripts/build-graphiql.sh` copies the UMD builds of the npm packages pinned in
//! `api/graphiql/package-lock.json` (graphiql, react, react-dom) into a folder. At start the
//! server reads them, adds the start script and the page's stylesheet (compiled in), names the
//! version by a hash of the content and keeps everything in memory:
//!
//! - `/graphiql`: the page, with every script and stylesheet pinned by its `integrity` hash,
//!   its settings (endpoint, example query) in a JSON block, and a CSP that allows scripts,
//!   styles and requests from this origin only;
//! - `/graphiql/<version>/…`: the files, immutable (cached for a year).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_json::json;

use crate::assets::{read, short_hash, Asset, IMMUTABLE, SHORT};

/// Files the build leaves in the folder, in the order the page loads them.
pub const VENDOR_SCRIPTS: [&str; 3] = [
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
];
pub const VENDOR_CSS: &str = "graphiql.min.css";
/// Package versions, one `name version` a line (written by the build script).
pub const VERSIONS: &str = "VERSIONS";

const INIT_JS: &str = include_str!("../graphiql/init.js");
const PAGE_CSS: &str = include_str!("../graphiql/page.css");

/// The page's policy: everything from this origin only, no inline script or style, no frames.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// The query GraphiQL opens with: a search by country.
pub const EXAMPLE_QUERY: &str = r#"# TIP Exchange API: press ▶ or Ctrl-Enter to run.
# Docs (on the left) lists every type and field.
#
# Practices shared for Nigeria, newest first:
query PracticesInNigeria {
  search(filter: { countries: ["NG"], kinds: [PRACTICE] }, sort: NEWEST, first: 5) {
    totalHits
    hits {
      record {
        ... on Practice {
          recordId
          title
          leadOrganisation
          sources { url }
        }
      }
    }
  }
}
"#;

/// GraphiQL's files and page, ready to serve.
#[derive(Clone, Debug)]
pub struct GraphiqlAssets {
    /// `<crate version>-<content hash>`.
    pub version: String,
    /// What the build pinned, e.g. `graphiql 3.9.0, react 18.3.1, react-dom 18.3.1`.
    pub packages: String,
    files: BTreeMap<String, Asset>,
    page: Asset,
}

impl GraphiqlAssets {
    /// Reads the built files from `dir`. `Ok(None)` when the folder does not exist (GraphiQL
    /// was not built); an error when it exists but lacks a file.
    pub fn load(dir: &Path) -> anyhow::Result<Option<GraphiqlAssets>> {
        if !dir.exists() {
            return Ok(None);
        }
        let mut bodies: Vec<(&str, Vec<u8>)> = Vec::new();
        for name in VENDOR_SCRIPTS.iter().chain([&VENDOR_CSS]) {
            bodies.push((name, read(dir, name)?));
        }
        let packages = String::from_utf8(read(dir, VERSIONS)?)
            .context("VERSIONS is not UTF-8")?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        anyhow::ensure!(
            bodies[2].1.starts_with(b"!function") || bodies[2].1.starts_with(b"(function"),
            "{} is not GraphiQL's UMD build",
            dir.join(VENDOR_SCRIPTS[2]).display()
        );
        bodies.push(("init.js", INIT_JS.as_bytes().to_vec()));
        bodies.push(("page.css", PAGE_CSS.as_bytes().to_vec()));

        let parts: Vec<&[u8]> = bodies.iter().map(|(_, b)| b.as_slice()).collect();
        let version = format!("{}-{}", env!("CARGO_PKG_VERSION"), short_hash(&parts));
        let mut files = BTreeMap::new();
        for (name, body) in bodies {
            files.insert(
                format!("{version}/{name}"),
                Asset::new(name, body, IMMUTABLE)?,
            );
        }
        let page = page_html(&version, &files)?;
        Ok(Some(GraphiqlAssets {
            version,
            packages,
            files,
            page: Asset::new("graphiql.html", page.into_bytes(), SHORT)?,
        }))
    }

    /// A file under `/graphiql/`.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }

    /// The page at `/graphiql`.
    pub fn page(&self) -> &Asset {
        &self.page
    }
}

fn page_html(version: &str, files: &BTreeMap<String, Asset>) -> anyhow::Result<String> {
    // Paths are relative to /graphiql, so the page also works under a proxy's path prefix.
    let tag = |name: &str| -> anyhow::Result<(String, &str)> {
        let asset = files
            .get(&format!("{version}/{name}"))
            .with_context(|| format!("{name} missing from the GraphiQL files"))?;
        Ok((
            format!("graphiql/{version}/{name}"),
            asset.integrity.as_str(),
        ))
    };
    let mut head = String::new();
    for name in [VENDOR_CSS, "page.css"] {
        let (href, integrity) = tag(name)?;
        head.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{href}\" integrity=\"{integrity}\">\n"
        ));
    }
    let mut scripts = String::new();
    for name in VENDOR_SCRIPTS.iter().copied().chain(["init.js"]) {
        let (src, integrity) = tag(name)?;
        scripts.push_str(&format!(
            "<script src=\"{src}\" integrity=\"{integrity}\"></script>\n"
        ));
    }
    // `<` is escaped so nothing in the JSON can close the script element.
    let config = serde_json::to_string(&json!({ "endpoint": "graphql", "query": EXAMPLE_QUERY }))
        .context("writing GraphiQL's settings")?
        .replace('<', "\\u003c");
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>TIP Exchange · GraphiQL</title>\n{head}</head>\n<body>\n\
         <div id=\"graphiql\">Loading GraphiQL… (it needs JavaScript; any GraphQL client can \
         also use <code>/graphql</code>)</div>\n\
         <script type=\"application/json\" id=\"tipx-graphiql-config\">{config}</script>\n\
         {scripts}</body>\n</html>\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(dir: &Path) {
        for name in VENDOR_SCRIPTS {
            std::fs::write(dir.join(name), "!function(){}();\n").unwrap();
        }
        std::fs::write(dir.join(VENDOR_CSS), "body{}").unwrap();
        std::fs::write(dir.join(VERSIONS), "graphiql 3.9.0\nreact 18.3.1\n").unwrap();
    }

    #[test]
    fn a_missing_folder_means_not_built_and_a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(GraphiqlAssets::load(&dir.path().join("nope"))
            .unwrap()
            .is_none());
        let err = GraphiqlAssets::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains(VENDOR_SCRIPTS[0]), "{err:#}");
    }

    #[test]
    fn the_page_pins_every_file_by_its_hash_and_carries_no_inline_script() {
        let dir = tempfile::tempdir().unwrap();
        built(dir.path());
        let a = GraphiqlAssets::load(dir.path()).unwrap().unwrap();
        assert_eq!(a.packages, "graphiql 3.9.0, react 18.3.1");
        let page = std::str::from_utf8(&a.page().body).unwrap();
        for name in VENDOR_SCRIPTS
            .iter()
            .chain([&VENDOR_CSS, &"init.js", &"page.css"])
        {
            let asset = a.get(&format!("{}/{name}", a.version)).unwrap();
            assert_eq!(asset.cache_control, IMMUTABLE);
            assert!(
                page.contains(&format!(
                    "graphiql/{}/{name}\" integrity=\"{}\"",
                    a.version, asset.integrity
                )),
                "{name}: {page}"
            );
        }
        // The only script element without src is the JSON settings block.
        assert_eq!(page.matches("<script>").count(), 0);
        assert_eq!(page.matches("<script type=\"application/json\"").count(), 1);
        assert!(page.contains("PracticesInNigeria"));
    }
}
