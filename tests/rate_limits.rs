//! Rate limits on `/graphql`, over real HTTP: per client address without a key, per key with
//! one, writes apart, failed keys harder; `429` with `Retry-After`, the `RateLimit` headers and
//! the code `RATE_LIMITED`; refusals counted in `/metrics`.

use serde_json::{json, Value};

use crate::helpers::{error_codes, key, spawn_app_with, TestApp};

async fn limited(adjust: impl FnOnce(&mut tipx_api::config::RateLimitSettings)) -> TestApp {
    spawn_app_with(tempfile::tempdir().unwrap(), |s| {
        s.rate_limits.enabled = true;
        s.rate_limits.reads_per_minute = 60;
        s.rate_limits.burst = 5;
        s.rate_limits.writes_per_minute = 2;
        s.rate_limits.failed_keys_per_minute = 3;
        adjust(&mut s.rate_limits);
    })
    .await
}

async fn post(
    app: &TestApp,
    secret: Option<&str>,
    query: &str,
    extra: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }));
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

const READ: &str = "{ practices(first: 1) { totalCount } }";

#[tokio::test]
async fn an_address_gets_its_burst_then_429_with_retry_after_and_a_key_has_its_own_bucket() {
    let app = limited(|_| {}).await;
    let (_, reader) = key(&app, "partner", &[], "A partner database");
    for n in (0..5).rev() {
        let (status, headers, body) = post(&app, None, READ, &[]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(headers["ratelimit-policy"], "60;w=60");
        let state = headers["ratelimit"].to_str().unwrap();
        assert!(
            state.starts_with(&format!("limit=60, remaining={n},")),
            "{state}"
        );
    }
    let (status, headers, body) = post(&app, None, READ, &[]).await;
    assert_eq!(status, 429, "the sixth request at once is refused: {body}");
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(
        (1..=2).contains(&retry),
        "one request a second refills: {retry}"
    );
    assert!(headers["ratelimit"]
        .to_str()
        .unwrap()
        .contains("remaining=0"));
    // The partner's key is its own bucket, whatever its address did.
    let (status, _, body) = post(&app, Some(&reader), READ, &[]).await;
    assert_eq!(status, 200, "{body}");
    // Refusals are counted for operators.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("tipx_rate_limited_total{bucket=\"reads\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn writes_have_their_own_smaller_bucket_per_key() {
    let app = limited(|r| r.burst = 50).await;
    let (_, ng) = key(&app, "contributor", &["NG"], "Ministry of Justice, Nigeria");
    let write = "mutation { submit(id: \"PRC9999\") { __typename } }";
    for _ in 0..2 {
        let (status, _, body) = post(&app, Some(&ng), write, &[]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "counted, then answered");
    }
    let (status, _, body) = post(&app, Some(&ng), write, &[]).await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2 changes a minute"),
        "{body}"
    );
    // Reading is still allowed to the same key.
    let (status, _, body) = post(&app, Some(&ng), READ, &[]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn after_three_unknown_keys_an_address_is_refused_even_with_a_good_key_but_may_read_without()
{
    let app = limited(|r| r.burst = 50).await;
    let (_, good) = key(&app, "partner", &[], "A partner database");
    for _ in 0..3 {
        let (status, _, body) = post(
            &app,
            Some("tipx_guessed-secret-0000000000000000000000000"),
            READ,
            &[],
        )
        .await;
        assert_eq!(status, 401, "{body}");
    }
    // The fourth failure empties the bucket: from then on keyed requests wait.
    let (status, _, _) = post(
        &app,
        Some("tipx_guessed-secret-0000000000000000000000000"),
        READ,
        &[],
    )
    .await;
    assert_eq!(status, 401);
    let (status, headers, body) = post(&app, Some(&good), READ, &[]).await;
    assert_eq!(status, 429, "no key is even looked up: {body}");
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown keys"));
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    let (status, _, body) = post(&app, None, READ, &[]).await;
    assert_eq!(status, 200, "public reads go on: {body}");
}

#[tokio::test]
async fn behind_a_proxy_the_configured_header_names_the_client() {
    let app = limited(|r| r.client_ip_header = "X-Forwarded-For".into()).await;
    for _ in 0..5 {
        let (status, _, _) = post(&app, None, READ, &[("x-forwarded-for", "198.51.100.7")]).await;
        assert_eq!(status, 200);
    }
    let (status, _, _) = post(&app, None, READ, &[("x-forwarded-for", "198.51.100.7")]).await;
    assert_eq!(status, 429);
    // Another client behind the same proxy has its own bucket.
    let (status, _, body) = post(
        &app,
        None,
        READ,
        &[("x-forwarded-for", "203.0.113.9, 10.0.0.1")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn switched_off_nothing_is_counted() {
    let app = limited(|r| r.enabled = false).await;
    for _ in 0..20 {
        let (status, headers, _) = post(&app, None, READ, &[]).await;
        assert_eq!(status, 200);
        assert!(!headers.contains_key("ratelimit"));
    }
}
