//! TIP Exchange widgets: `<tipx-search>`, `<tipx-country>` and `<tipx-record>`, written with
//! yew and compiled to WebAssembly. The JavaScript loader (`widgets/loader/loader.js`) defines
//! the custom elements, gives each its own Shadow DOM and calls [`mount`] with the element's
//! attributes. The widgets reach the server only through GraphQL over HTTP (see [`api`]).
//!
//! The same crate, built with the `portal` feature, is the contributor and moderator pages
//! that `tipx` serves at `/contribute` and `/review` (see [`portal`]).

// A build with one widget leaves the others' helpers unused.
#![cfg_attr(
    not(all(
        feature = "search",
        feature = "country",
        feature = "record",
        feature = "portal"
    )),
    allow(dead_code, unused_imports, unused_variables, unreachable_code)
)]

pub mod api;
pub mod common;
pub mod config;
#[cfg(feature = "country")]
pub mod country;
pub mod highlight;
pub mod i18n;
#[cfg(feature = "portal")]
pub mod portal;
#[cfg(feature = "record")]
pub mod record;
#[cfg(any(feature = "country", feature = "record"))]
pub mod remote;
#[cfg(feature = "search")]
pub mod search;
pub mod small;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::AppHandle;

use crate::common::{ConfigError, ConfigErrorProps};
use crate::config::Attrs;
#[cfg(feature = "country")]
use crate::{
    config::CountryConfig,
    country::{CountryProps, CountryWidget},
};
#[cfg(feature = "record")]
use crate::{
    config::RecordConfig,
    record::{RecordProps, RecordWidget},
};
#[cfg(feature = "search")]
use crate::{
    config::SearchConfig,
    search::{SearchProps, SearchWidget},
};

/// The widgets' stylesheet; the loader adopts it into every shadow root.
pub const STYLESHEET: &str = include_str!("style.css");

/// The stylesheet, for the loader.
#[wasm_bindgen]
pub fn stylesheet() -> String {
    STYLESHEET.to_owned()
}

/// The crate version the loader reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

enum Handle {
    #[cfg(feature = "search")]
    Search(AppHandle<SearchWidget>),
    #[cfg(feature = "country")]
    Country(AppHandle<CountryWidget>),
    #[cfg(feature = "record")]
    Record(AppHandle<RecordWidget>),
    Invalid(AppHandle<ConfigError>),
}

/// A mounted widget: the loader updates it when attributes change and destroys it when the
/// element leaves the page.
#[wasm_bindgen]
pub struct Widget {
    kind: String,
    root: web_sys::Element,
    handle: Option<Handle>,
}

fn parse_attrs(json: &str) -> Result<Attrs, JsValue> {
    // The browser parses the JSON; no JSON parser is compiled into the WebAssembly.
    let bad = || JsValue::from_str("bad attributes: not a JSON object of strings");
    let object: js_sys::Object = js_sys::JSON::parse(json)
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or_else(bad)?;
    js_sys::Object::entries(&object)
        .iter()
        .map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect::<Option<Attrs>>()
        .ok_or_else(bad)
}

fn tag(kind: &str) -> String {
    format!("tipx-{kind}")
}

fn render(kind: &str, root: &web_sys::Element, attrs: &Attrs) -> Result<Handle, JsValue> {
    let root = root.clone();
    let invalid = |message: String| {
        web_sys::console::error_1(&JsValue::from_str(&format!("<{}>: {message}", tag(kind))));
        Handle::Invalid(
            yew::Renderer::<ConfigError>::with_root_and_props(
                root.clone(),
                ConfigErrorProps {
                    tag: tag(kind).into(),
                    message: message.into(),
                },
            )
            .render(),
        )
    };
    Ok(match kind {
        #[cfg(feature = "search")]
        "search" => match SearchConfig::from_attrs(attrs) {
            Ok(config) => Handle::Search(
                yew::Renderer::<SearchWidget>::with_root_and_props(root, SearchProps { config })
                    .render(),
            ),
            Err(e) => invalid(e.to_string()),
        },
        #[cfg(feature = "country")]
        "country" => match CountryConfig::from_attrs(attrs) {
            Ok(config) => Handle::Country(
                yew::Renderer::<CountryWidget>::with_root_and_props(root, CountryProps { config })
                    .render(),
            ),
            Err(e) => invalid(e.to_string()),
        },
        #[cfg(feature = "record")]
        "record" => match RecordConfig::from_attrs(attrs) {
            Ok(config) => Handle::Record(
                yew::Renderer::<RecordWidget>::with_root_and_props(root, RecordProps { config })
                    .render(),
            ),
            Err(e) => invalid(e.to_string()),
        },
        other => {
            return Err(JsValue::from_str(&format!(
                "no widget called '{other}' in this module"
            )))
        }
    })
}

/// Mounts the widget `kind` (`search`, `country`, `record`) into `root`, configured by the
/// element's attributes as a JSON object of strings.
#[wasm_bindgen]
pub fn mount(kind: &str, root: web_sys::Element, attrs_json: &str) -> Result<Widget, JsValue> {
    let attrs = parse_attrs(attrs_json)?;
    let handle = render(kind, &root, &attrs)?;
    Ok(Widget {
        kind: kind.to_owned(),
        root,
        handle: Some(handle),
    })
}

#[wasm_bindgen]
impl Widget {
    /// Applies new attributes. A widget keeps its state where it can: a new `lang` keeps the
    /// visitor's query, filters and page.
    pub fn update(&mut self, attrs_json: &str) -> Result<(), JsValue> {
        let attrs = parse_attrs(attrs_json)?;
        let updated = match self.handle.as_mut() {
            #[cfg(feature = "search")]
            Some(Handle::Search(h)) => SearchConfig::from_attrs(&attrs)
                .map(|config| h.update(SearchProps { config }))
                .is_ok(),
            #[cfg(feature = "country")]
            Some(Handle::Country(h)) => CountryConfig::from_attrs(&attrs)
                .map(|config| h.update(CountryProps { config }))
                .is_ok(),
            #[cfg(feature = "record")]
            Some(Handle::Record(h)) => RecordConfig::from_attrs(&attrs)
                .map(|config| h.update(RecordProps { config }))
                .is_ok(),
            _ => false,
        };
        if !updated {
            // Switching between valid and invalid settings: start again.
            self.unmount();
            self.handle = Some(render(&self.kind, &self.root, &attrs)?);
        }
        Ok(())
    }

    /// Removes the widget from the page.
    pub fn destroy(&mut self) {
        self.unmount();
    }

    fn unmount(&mut self) {
        match self.handle.take() {
            #[cfg(feature = "search")]
            Some(Handle::Search(h)) => h.destroy(),
            #[cfg(feature = "country")]
            Some(Handle::Country(h)) => h.destroy(),
            #[cfg(feature = "record")]
            Some(Handle::Record(h)) => h.destroy(),
            Some(Handle::Invalid(h)) => h.destroy(),
            None => {}
        }
    }
}
