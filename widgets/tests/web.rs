//! Component tests in a real browser (headless Chromium through wasm-bindgen-test-runner):
//! widgets are mounted into a test element, as yew's own tests do.
//!
//! The tests marked "live" talk to a running tipx server over HTTP, from another origin.
//! `scripts/test.sh` starts one with the seed and passes its GraphQL URL as TIPX_TEST_API
//! when it builds these tests; without it they fail and say so.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use tipx_widgets::api::Labels;
use tipx_widgets::i18n::Lang;
use tipx_widgets::record::{Card, CardProps, CardView};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element in the page to mount into.
fn test_root() -> Element {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

async fn pause(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// Waits (up to 10 s) until `check` holds, and fails with `what` otherwise.
async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        pause(50).await;
    }
    panic!("timed out waiting until {what}");
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn api() -> &'static str {
    match option_env!("TIPX_TEST_API") {
        Some(url) => url,
        None => panic!(
            "TIPX_TEST_API is not set: these tests need a running tipx server \
             (scripts/test.sh starts one and sets it)"
        ),
    }
}

#[wasm_bindgen_test]
async fn a_record_card_shows_translated_labels_and_safe_source_links() {
    let root = test_root();
    let card = Card {
        kind: "PRACTICE".into(),
        record_id: "PR99".into(),
        title: "Hotline <b>test</b>".into(),
        summary: "A summary.".into(),
        place: "Nigeria".into(),
        facts: vec![("Année".into(), "2019".into())],
        tags: vec![(
            "Formes de traite".into(),
            "forms",
            vec!["FORCED_LABOUR".into()],
        )],
        sources: vec![("https://example.org/report".into(), None)],
    };
    let labels = Labels::from_triples([
        ("recordKinds", "PRACTICE", "Pratique de prévention"),
        ("forms", "FORCED_LABOUR", "Travail forcé"),
    ]);
    yew::Renderer::<CardView>::with_root_and_props(
        root.clone(),
        CardProps {
            card: Rc::new(card),
            labels: Rc::new(labels),
            lang: Lang::Fr,
        },
    )
    .render();
    until("the card renders", || {
        !text(&root, ".tipx-title").is_empty()
    })
    .await;

    assert_eq!(text(&root, ".tipx-badge"), "Pratique de prévention");
    assert_eq!(text(&root, ".tipx-tag"), "Travail forcé");
    // Text from the API is text: no element is made from it.
    assert_eq!(text(&root, ".tipx-title"), "Hotline <b>test</b>");
    assert!(root.query_selector(".tipx-title b").unwrap().is_none());
    let link = root.query_selector(".tipx-list a").unwrap().unwrap();
    assert_eq!(
        link.get_attribute("href").unwrap(),
        "https://example.org/report"
    );
    assert_eq!(link.get_attribute("target").unwrap(), "_blank");
    assert_eq!(link.get_attribute("rel").unwrap(), "noopener noreferrer");
    assert_eq!(link.text_content().unwrap(), "example.org");
}

#[wasm_bindgen_test]
async fn a_bad_attribute_is_shown_in_place_of_the_widget() {
    let root = test_root();
    let _widget = tipx_widgets::mount("search", root.clone(), r#"{"kind":"statute"}"#).unwrap();
    until("the error shows", || {
        root.query_selector("[role=alert]").unwrap().is_some()
    })
    .await;
    let message = text(&root, "[role=alert]");
    assert!(message.contains("<tipx-search>"), "{message}");
    assert!(message.contains("attribute kind"), "{message}");
    assert!(message.contains("statute"), "{message}");
    assert!(tipx_widgets::mount("nonsense", test_root(), "{}").is_err());
}

/// Asks the API directly (not through the widgets' code) and returns `data`.
async fn api_data(gql: &str) -> serde_json::Value {
    let url = format!("{}?query={}", api(), js_sys::encode_uri_component(gql));
    let window = web_sys::window().unwrap();
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&url))
            .await
            .unwrap()
            .unchecked_into();
    let body = wasm_bindgen_futures::JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(value["errors"].is_null(), "{body}");
    value["data"].clone()
}

/// The total the API gives for a query.
async fn api_total(query: &str) -> i64 {
    let gql = format!(
        "{{ search(query: {}) {{ totalHits }} }}",
        serde_json::to_string(query).unwrap()
    );
    api_data(&gql).await["search"]["totalHits"]
        .as_i64()
        .unwrap()
}

fn count_in(status: &str) -> i64 {
    status
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap_or(-1)
}

#[wasm_bindgen_test]
async fn live_search_counts_match_the_api_while_typing_and_paging() {
    let root = test_root();
    let attrs = format!(r#"{{"api":"{}","page-size":"5","lang":"en"}}"#, api());
    let _widget = tipx_widgets::mount("search", root.clone(), &attrs).unwrap();

    let everything = api_total("").await;
    until("the first results arrive", || {
        text(&root, ".tipx-count").starts_with("Records found")
    })
    .await;
    assert_eq!(count_in(&text(&root, ".tipx-count")), everything);
    assert_eq!(root.query_selector_all(".tipx-hit").unwrap().length(), 5);
    let current = root.query_selector("[aria-current=page]").unwrap().unwrap();
    assert_eq!(current.text_content().unwrap(), "1");
    assert_eq!(
        root.query_selector(".tipx-count")
            .unwrap()
            .unwrap()
            .get_attribute("aria-live")
            .unwrap(),
        "polite"
    );

    // Typing: the search waits for a pause, then shows the API's total for the words.
    let input: HtmlInputElement = root
        .query_selector("#tipx-q")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("forced labour");
    let event = web_sys::InputEvent::new("input").unwrap();
    input.dispatch_event(&event).unwrap();
    let expected = api_total("forced labour").await;
    assert!(
        expected > 0 && expected < everything,
        "{expected} of {everything}"
    );
    until("the typed search settles", || {
        count_in(&text(&root, ".tipx-count")) == expected
    })
    .await;
    assert!(
        root.query_selector(".tipx-hit mark").unwrap().is_some(),
        "matched words are marked"
    );

    // Paging: page 2 becomes the current page.
    let page2: HtmlElement = root
        .query_selector("button[aria-label='Page 2']")
        .unwrap()
        .expect("a page 2 button")
        .unchecked_into();
    page2.click();
    until("page 2 is current", || {
        root.query_selector("[aria-current=page]")
            .unwrap()
            .and_then(|e| e.text_content())
            .as_deref()
            == Some("2")
    })
    .await;
    until("page 2 arrives", || {
        root.query_selector(".tipx-hits")
            .unwrap()
            .and_then(|e| e.get_attribute("start"))
            .as_deref()
            == Some("6")
    })
    .await;
}

#[wasm_bindgen_test]
async fn live_widgets_in_arabic_read_right_to_left() {
    let root = test_root();
    let attrs = format!(r#"{{"api":"{}","code":"NG","lang":"ar"}}"#, api());
    let _widget = tipx_widgets::mount("country", root.clone(), &attrs).unwrap();
    until("the profile arrives", || {
        root.query_selector(".tipx-card").unwrap().is_some()
    })
    .await;
    let frame = root.query_selector(".tipx-root").unwrap().unwrap();
    assert_eq!(frame.get_attribute("dir").unwrap(), "rtl");
    assert_eq!(frame.get_attribute("lang").unwrap(), "ar");
    assert_eq!(text(&root, "#tipx-treaties"), Lang::Ar.ui().treaty_status);
    // Each instrument's status is the API's, labelled in Arabic.
    let data = api_data(
        r#"{ country(code: "NG") { treatyStatus { instrumentId status } } taxonomy(lang: "ar") { lists { name entries { code label } } } }"#,
    )
    .await;
    let labels = data["taxonomy"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "partyStatuses")
        .unwrap()["entries"]
        .clone();
    let rows = root.query_selector_all("tr[data-instrument]").unwrap();
    assert!(rows.length() >= 7, "the key instruments are listed");
    for i in 0..rows.length() {
        let row: Element = rows.get(i).unwrap().unchecked_into();
        let id = row.get_attribute("data-instrument").unwrap();
        let status = data["country"]["treatyStatus"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["instrumentId"] == id.as_str())
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned();
        let label = labels
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["code"] == status.as_str())
            .unwrap()["label"]
            .as_str()
            .unwrap()
            .to_owned();
        let cell = row.query_selector(".tipx-status").unwrap().unwrap();
        assert!(
            cell.get_attribute("class")
                .unwrap_or_default()
                .contains(&format!("tipx-status-{}", status.to_ascii_lowercase())),
            "{id}"
        );
        assert_eq!(cell.text_content().unwrap(), label, "{id}");
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_api_shows_an_error_with_its_code_and_a_retry_button() {
    let root = test_root();
    // Port 9 (discard) on loopback: nothing answers there.
    let _widget = tipx_widgets::mount(
        "search",
        root.clone(),
        r#"{"api":"http://127.0.0.1:9/graphql","lang":"es"}"#,
    )
    .unwrap();
    until("the error shows", || {
        root.query_selector("[role=alert]").unwrap().is_some()
    })
    .await;
    let message = text(&root, "[role=alert]");
    assert!(message.contains("NETWORK"), "{message}");
    assert!(message.starts_with("No se pudieron cargar"), "{message}");
    let retry = root
        .query_selector("[role=alert] button")
        .unwrap()
        .expect("a retry button");
    assert_eq!(retry.text_content().unwrap(), Lang::Es.ui().retry);
}

#[wasm_bindgen_test]
async fn live_search_with_no_match_says_so() {
    let root = test_root();
    let attrs = format!(r#"{{"api":"{}","q":"zzqxv wvqzz","lang":"zh"}}"#, api());
    let _widget = tipx_widgets::mount("search", root.clone(), &attrs).unwrap();
    assert_eq!(api_total("zzqxv wvqzz").await, 0);
    until("the empty state shows", || {
        root.query_selector(".tipx-empty").unwrap().is_some()
    })
    .await;
    assert_eq!(text(&root, ".tipx-empty"), Lang::Zh.ui().no_results);
    assert_eq!(count_in(&text(&root, ".tipx-count")), 0);
    assert!(root.query_selector(".tipx-pages").unwrap().is_none());
}
