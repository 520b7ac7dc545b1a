//! `/widgets/`: the built widget files, with content types, gzip, caching by version, ETags,
//! integrity hashes and CORS; and the home page that shows them. A folder of small stand-in
//! files plays the build here (what the server does with the files does not depend on what
//! they contain); the real bundle is tested in a browser by tests/e2e.

use std::io::Read;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha384};

use crate::helpers::{error_codes, spawn_app_with, TestApp};

/// The widgets' modules and the contributor and moderator pages' module.
const KINDS: [&str; 4] = ["search", "country", "record", "portal"];

fn build_fixture(dir: &Path) {
    for kind in KINDS {
        let glue =
            format!("let tipx_{kind} = (function() {{ /* glue */ return {{}}; }})();\n").repeat(40);
        std::fs::write(dir.join(format!("{kind}.js")), glue).unwrap();
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend(std::iter::repeat_n(kind.len() as u8, 4000));
        std::fs::write(dir.join(format!("{kind}.wasm")), wasm).unwrap();
    }
    std::fs::write(
        dir.join("loader.js"),
        "const TIPX_VERSION = \"__TIPX_VERSION__\";\nconst MODULES = __TIPX_MODULES__;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("frame.html"),
        "<!doctype html><script type=module src=tipx.js></script>",
    )
    .unwrap();
    std::fs::write(dir.join("frame.css"), "body { margin: 0 }").unwrap();
    std::fs::write(dir.join("page.js"), "/* starts the page */").unwrap();
}

async fn app_with_widgets() -> (TestApp, tempfile::TempDir) {
    let widgets = tempfile::tempdir().unwrap();
    build_fixture(widgets.path());
    let path = widgets.path().to_path_buf();
    let app = spawn_app_with(tempfile::tempdir().unwrap(), move |s| {
        s.server.widgets_dir = path
    })
    .await;
    (app, widgets)
}

/// GETs a path of the server.
async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.get(path).await
}

fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", STANDARD.encode(Sha384::digest(bytes)))
}

async fn manifest(app: &TestApp) -> Value {
    get(app, "/widgets/manifest.json")
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn versioned_files_are_immutable_and_match_their_integrity_hashes() {
    let (app, _dir) = app_with_widgets().await;
    let manifest = manifest(&app).await;
    let version = manifest["version"].as_str().unwrap();
    assert!(version.starts_with(env!("CARGO_PKG_VERSION")), "{version}");
    for (name, content_type) in [
        ("tipx.js", "text/javascript; charset=utf-8"),
        ("search.js", "text/javascript; charset=utf-8"),
        ("search.wasm", "application/wasm"),
        ("country.js", "text/javascript; charset=utf-8"),
        ("country.wasm", "application/wasm"),
        ("record.js", "text/javascript; charset=utf-8"),
        ("record.wasm", "application/wasm"),
        ("frame.html", "text/html; charset=utf-8"),
        ("frame.css", "text/css; charset=utf-8"),
    ] {
        let path = format!("{version}/{name}");
        let response = get(&app, &format!("/widgets/{path}")).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        let body = response.bytes().await.unwrap();
        assert_eq!(manifest["files"][&path]["integrity"], sri(&body), "{path}");
        assert_eq!(manifest["files"][&path]["bytes"], body.len(), "{path}");
    }
    // The loader pins every widget's glue and WebAssembly by their hashes.
    let script = get(&app, &format!("/widgets/{version}/tipx.js"))
        .await
        .text()
        .await
        .unwrap();
    for kind in KINDS {
        for file in [format!("{kind}.js"), format!("{kind}.wasm")] {
            let sri = manifest["files"][&format!("{version}/{file}")]["integrity"]
                .as_str()
                .unwrap();
            assert!(script.contains(sri), "{file} is pinned");
        }
    }
    assert!(script.contains(version));
    assert!(!script.contains("__TIPX_"), "every placeholder is filled");
}

#[tokio::test]
async fn the_current_names_move_with_versions_and_are_cached_briefly() {
    let (app, _dir) = app_with_widgets().await;
    let version = manifest(&app).await["version"].as_str().unwrap().to_owned();
    let response = get(&app, "/widgets/tipx.js").await;
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    let entry = response.text().await.unwrap();
    assert!(
        entry.contains(&format!("export * from \"./{version}/tipx.js\"")),
        "{entry}"
    );
}

#[tokio::test]
async fn files_are_gzipped_for_clients_that_accept_it_and_revalidate_by_etag() {
    let (app, _dir) = app_with_widgets().await;
    let version = manifest(&app).await["version"].as_str().unwrap().to_owned();
    let url = app.url(&format!("/widgets/{version}/search.wasm"));
    let plain = app.client.get(&url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let etag = plain.headers()["etag"].clone();
    let plain = plain.bytes().await.unwrap();

    let zipped = app
        .client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.headers()["vary"], "Accept-Encoding");
    let zipped = zipped.bytes().await.unwrap();
    assert!(zipped.len() < plain.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    let refused = app
        .client
        .get(&url)
        .header("accept-encoding", "gzip;q=0, identity")
        .send()
        .await
        .unwrap();
    assert!(refused.headers().get("content-encoding").is_none());

    let again = app
        .client
        .get(&url)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn any_origin_may_load_the_files_and_the_frame_has_a_strict_policy() {
    let (app, _dir) = app_with_widgets().await;
    let version = manifest(&app).await["version"].as_str().unwrap().to_owned();
    let response = app
        .client
        .get(app.url(&format!("/widgets/{version}/record.wasm")))
        .header("origin", "https://ngo.example.net")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://ngo.example.net"
    );
    assert_eq!(
        response.headers()["cross-origin-resource-policy"],
        "cross-origin"
    );

    let frame = get(&app, "/widgets/frame.html").await;
    let csp = frame.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors *"), "{csp}");
}

#[tokio::test]
async fn unknown_files_and_unbuilt_widgets_get_coded_errors() {
    let (app, _dir) = app_with_widgets().await;
    let response = get(&app, "/widgets/0.0.0-nope/tipx.js").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["NOT_FOUND"]);

    let app = spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.server.widgets_dir = "/nonexistent/widgets".into()
    })
    .await;
    let response = get(&app, "/widgets/tipx.js").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["WIDGETS_NOT_BUILT"]);
    // The home page says how to build them.
    let home = get(&app, "/").await.text().await.unwrap();
    assert!(home.contains("scripts/build-widgets.sh"));
}

#[tokio::test]
async fn a_broken_widgets_folder_stops_the_server_from_starting() {
    let widgets = tempfile::tempdir().unwrap();
    build_fixture(widgets.path());
    std::fs::write(widgets.path().join("country.wasm"), "<html>404</html>").unwrap();
    let mut settings = tipx_api::config::Settings::for_tests(tempfile::tempdir().unwrap().path());
    settings.server.widgets_dir = widgets.path().to_path_buf();
    let err = tipx_api::startup::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(format!("{err:#}").contains("is not WebAssembly"), "{err:#}");
}

#[tokio::test]
async fn the_home_page_shows_each_widget_with_its_snippet_and_the_pinned_version() {
    let (app, _dir) = app_with_widgets().await;
    let manifest = manifest(&app).await;
    let version = manifest["version"].as_str().unwrap();
    let home = get(&app, "/").await.text().await.unwrap();
    for tag in ["<tipx-search", "<tipx-country", "<tipx-record"] {
        assert!(home.contains(tag), "live {tag}");
        assert!(home.contains(&tag.replace('<', "&lt;")), "snippet of {tag}");
    }
    let integrity = manifest["files"][&format!("{version}/tipx.js")]["integrity"]
        .as_str()
        .unwrap();
    assert!(
        home.contains(integrity),
        "the pinned snippet carries the script's hash"
    );
    assert!(home.contains("wasm-unsafe-eval"));
    assert!(home.contains("--tipx-accent"));
    // The icon browsers ask for on every page gets an empty answer, not an error.
    let icon = get(&app, "/favicon.ico").await;
    assert_eq!(icon.status(), 204);
}

#[tokio::test]
async fn the_contributor_and_moderator_pages_pin_their_files_and_refuse_framing() {
    let (app, _dir) = app_with_widgets().await;
    for page in ["contribute", "review"] {
        let response = get(&app, &format!("/{page}")).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("data-page=\"{page}\"")), "{html}");
        // Every file the page names is served, and its bytes match the integrity hash given.
        for name in ["portal.js", "page.js", "portal.wasm"] {
            let at = html
                .find(name)
                .unwrap_or_else(|| panic!("{name} in {html}"));
            let start = html[..at].rfind('"').unwrap() + 1;
            let path = &html[start..at + name.len()];
            let rest = &html[at..];
            let integrity = rest
                .split("integrity=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap();
            let body = get(&app, path).await.bytes().await.unwrap();
            assert_eq!(sri(&body), integrity, "{path}");
        }
        assert!(!html.contains("<script>"), "no inline script: {html}");
    }
    // Other one-word paths are still not found, with their code.
    let missing = get(&app, "/contributions").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn without_built_pages_the_contributor_page_says_how_to_build_them() {
    let app = crate::helpers::spawn_app().await;
    let response = get(&app, "/contribute").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["WIDGETS_NOT_BUILT"]);
}
