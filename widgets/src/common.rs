//! Pieces every widget uses: the widget frame (language, direction), states, sources, badges.

use yew::prelude::*;

use crate::api::ApiError;
use crate::highlight;
use crate::i18n::{fill, Lang};

/// Text with the matched words marked.
pub fn highlighted(html: &str) -> Html {
    highlight::pieces(html)
        .into_iter()
        .map(|p| {
            if p.matched {
                html! { <mark>{ p.text }</mark> }
            } else {
                html! { { p.text } }
            }
        })
        .collect()
}

/// A kind badge: the label is text, so the kind never rests on colour alone.
pub fn kind_badge(kind: &str, label: &str) -> Html {
    let class = classes!(
        "tipx-badge",
        format!("tipx-badge-{}", kind.to_ascii_lowercase())
    );
    html! { <span class={class}>{ label.to_owned() }</span> }
}

/// The host of a URL, for short source links.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.strip_prefix("www.").unwrap_or(host)
}

/// A link to a source, opening in a new tab without giving it access to the host page.
pub fn source_link(url: &str, title: Option<&str>) -> Html {
    let text = title
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| host_of(url).to_owned());
    // Only web addresses become links; anything else is shown as text.
    if url.starts_with("https://") || url.starts_with("http://") {
        html! { <a href={url.to_owned()} target="_blank" rel="noopener noreferrer">{ text }</a> }
    } else {
        html! { <span>{ text }</span> }
    }
}

/// The error state, with the code the API gave, and a retry button when one helps.
pub fn error_box(lang: Lang, error: &ApiError, retry: Option<Callback<MouseEvent>>) -> Html {
    let ui = lang.ui();
    html! {
        <div class="tipx-error" role="alert">
            <p>{ fill(ui.load_error, "", &error.code) }</p>
            <p class="tipx-muted">{ error.message.clone() }</p>
            if let Some(retry) = retry {
                <button type="button" class="tipx-button" onclick={retry}>{ ui.retry }</button>
            }
        </div>
    }
}

/// A bad attribute, shown where the widget would be.
#[derive(Properties, PartialEq)]
pub struct ConfigErrorProps {
    pub tag: AttrValue,
    pub message: AttrValue,
}

#[function_component(ConfigError)]
pub fn config_error(props: &ConfigErrorProps) -> Html {
    html! {
        <div class="tipx-root" dir="ltr" lang="en">
            <div class="tipx-error" role="alert">
                <p><strong>{ format!("<{}>", props.tag) }</strong>{ ": " }{ props.message.clone() }</p>
            </div>
        </div>
    }
}

/// The footer naming where the data comes from.
pub fn footer(lang: Lang) -> Html {
    html! { <p class="tipx-footer tipx-muted">{ lang.ui().data_from }</p> }
}
