//! `/graphiql`: GraphiQL served by tipx itself, every file pinned by its hash, under a strict
//! Content-Security-Policy. Small stand-in files play the npm build here (what the server does
//! with them does not depend on their content); tests/e2e/graphiql.e2e.mjs runs the real
//! GraphiQL in Chromium with the network cut off.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha384};

use crate::helpers::{error_codes, spawn_app_with, TestApp};

fn build_fixture(dir: &Path) {
    for name in [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
    ] {
        std::fs::write(dir.join(name), format!("!function(){{/* {name} */}}();\n")).unwrap();
    }
    std::fs::write(dir.join("graphiql.min.css"), ".graphiql-container{}\n").unwrap();
    std::fs::write(dir.join("VERSIONS"), "graphiql 3.9.0\nreact 18.3.1\n").unwrap();
}

async fn app_with_graphiql(dir: &Path) -> TestApp {
    let path = dir.to_path_buf();
    spawn_app_with(tempfile::tempdir().unwrap(), move |s| {
        s.server.graphiql_dir = path
    })
    .await
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn the_page_has_a_strict_policy_and_pins_every_file_it_loads() {
    let dir = tempfile::tempdir().unwrap();
    build_fixture(dir.path());
    let app = app_with_graphiql(dir.path()).await;

    let response = get(&app, "/graphiql").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self';",
        "style-src 'self';",
        "connect-src 'self';",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    let page = response.text().await.unwrap();

    // Every script and stylesheet the page names is served, immutable, with the hash the page
    // pins it by; nothing comes from another host.
    let mut pinned = 0;
    for piece in page.split(['<', '>']) {
        let attr = |name: &str| {
            piece
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        let Some(url) = attr("src").or_else(|| attr("href")) else {
            continue;
        };
        assert!(url.starts_with("graphiql/"), "{url} is not served by tipx");
        let integrity = attr("integrity").unwrap_or_else(|| panic!("{url} has no integrity"));
        let file = get(&app, &format!("/{url}")).await;
        assert_eq!(file.status(), 200, "{url}");
        assert_eq!(
            file.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let body = file.bytes().await.unwrap();
        assert_eq!(
            integrity,
            format!("sha384-{}", STANDARD.encode(Sha384::digest(&body))),
            "{url}"
        );
        pinned += 1;
    }
    // React, ReactDOM, GraphiQL, its stylesheet, the page's stylesheet and the start script.
    assert_eq!(pinned, 6, "{page}");
    assert!(page.contains("PracticesInNigeria"), "the example query");
}

#[tokio::test]
async fn a_server_without_built_graphiql_says_how_to_build_it() {
    let missing = tempfile::tempdir().unwrap();
    let app = app_with_graphiql(&missing.path().join("nope")).await;
    let response = get(&app, "/graphiql").await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error_codes(&body), ["GRAPHIQL_NOT_BUILT"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("scripts/build-graphiql.sh"));
    // The API itself works.
    let answer = app.gql("{ __typename }", serde_json::json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query");
}
