//! The contributor and moderator pages, served by `tipx` at `/contribute` and `/review`: a
//! focal point signs in with a key (kept in this tab's session storage only), writes and
//! submits records for its countries; a moderator reviews the queue, compares a change with
//! the published version, publishes, sends back or retracts with a reason.
//!
//! The pages speak GraphQL over POST to the same origin's `/graphql`, with the key as a bearer
//! token. Their documents are the files in `widgets/queries/portal/`; a test of the server
//! checks every one of them against the schema.

pub mod client;
pub mod contribute;
pub mod form;
pub mod review;
pub mod text;

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::api::{self, Labels};
use crate::i18n::Lang;
use client::{run, session, Js, Obj, PortalError};
use text::{fill, t};

/// Which page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Contribute,
    Review,
}

/// Who the key is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub key: String,
    pub role: String,
    pub organisation: String,
    pub countries: Rc<Vec<String>>,
}

impl Viewer {
    pub fn may_contribute(&self) -> bool {
        matches!(self.role.as_str(), "CONTRIBUTOR" | "ADMIN")
    }

    pub fn may_review(&self) -> bool {
        matches!(self.role.as_str(), "MODERATOR" | "ADMIN")
    }
}

/// Asks the API who `key` is; a key it does not accept is an error.
pub async fn sign_in(key: &str) -> Result<Viewer, PortalError> {
    let data = run(
        Some(key),
        include_str!("../../queries/portal/viewer.graphql"),
        &Obj::new().value(),
    )
    .await?;
    let role = data.string("viewer.role");
    if role.is_empty() || role == "PUBLIC" {
        return Err(PortalError::new("UNAUTHENTICATED", "no key"));
    }
    Ok(Viewer {
        key: key.to_owned(),
        role,
        organisation: data.string("viewer.organisation"),
        countries: Rc::new(data.strings("viewer.countries")),
    })
}

/// Waits `ms` milliseconds (the autosave's pause).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A language's name in itself, for the language menu.
pub fn native_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "العربية",
        Lang::Zh => "中文",
        Lang::En => "English",
        Lang::Fr => "Français",
        Lang::Ru => "Русский",
        Lang::Es => "Español",
    }
}

/// An error from the API, as a sentence with its code.
pub fn error_text(lang: Lang, error: &PortalError) -> Html {
    html! {
        <div class="tipx-error" role="alert">
            <p>{ fill(t(lang, "failed"), &error.code) }</p>
            <p class="tipx-muted">{ error.message.clone() }</p>
        </div>
    }
}

/// The variables of a move (`submit`, `withdraw`, `publish`, `reject`, `retract`): the record,
/// the version the page holds (so a move on a changed record is a conflict), and the reason
/// where the move needs one.
pub fn move_variables(id: &str, version: Option<i64>, reason: Option<&str>) -> JsValue {
    let version = version.map_or(JsValue::NULL, |v| JsValue::from_f64(v as f64));
    let vars = Obj::new().set("id", id).set("version", version);
    match reason {
        Some(reason) => vars.set("reason", reason),
        None => vars,
    }
    .value()
}

/// A list of records as a query answered it at `path`: loading, its error, empty, or a row
/// per record.
pub fn record_list(
    lang: Lang,
    answer: &Option<Result<Js, PortalError>>,
    path: &str,
    label: &'static str,
    row: impl Fn(&Js) -> Html,
) -> Html {
    match answer {
        None => html! { <p role="status">{ t(lang, "loading") }</p> },
        Some(Err(e)) => error_text(lang, e),
        Some(Ok(data)) => {
            let nodes = data.list(path);
            if nodes.is_empty() {
                html! { <p class="tipx-empty">{ t(lang, "none_yet") }</p> }
            } else {
                html! { <ul class="tipx-rows" aria-label={label}>{ for nodes.iter().map(row) }</ul> }
            }
        }
    }
}

/// A history entry as one line: when, what, who, why.
pub fn history_line(lang: Lang, entry: &Js) -> Html {
    let code = entry.string("action");
    let action = text::action(lang, &code).map_or(code.clone(), str::to_owned);
    let at = entry.string("at");
    let day = at.get(..16).unwrap_or(&at).replace('T', " ");
    html! {
        <li>
            <span class="tipx-muted">{ day }</span>{ " · " }
            <strong data-action={code}>{ action }</strong>{ " · " }
            { entry.string("organisation") }
            if let Some(reason) = entry.str("reason").filter(|r| !r.is_empty()) {
                { " · " }<q dir="auto">{ reason }</q>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub page: Page,
    pub lang: Lang,
}

pub enum Msg {
    Lang(Lang),
    Labels(Result<Rc<Labels>, api::ApiError>),
    KeyInput(String),
    SignIn,
    SignedIn(Result<Viewer, PortalError>),
    SignOut,
}

/// The page: its header (title, language, who is signed in) and the sign-in form or the
/// page's work.
pub struct App {
    lang: Lang,
    labels: Option<Rc<Labels>>,
    viewer: Option<Viewer>,
    key_input: String,
    busy: bool,
    refused: bool,
    failure: Option<PortalError>,
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
        let _ = root.set_attribute("dir", lang.dir());
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let lang = ctx.props().lang;
        set_document_lang(lang);
        ctx.link()
            .send_future(async move { Msg::Labels(api::labels("/graphql", lang).await) });
        // A key kept from earlier in this tab signs in again.
        let kept = session::key();
        if let Some(key) = kept.clone() {
            ctx.link()
                .send_future(async move { Msg::SignedIn(sign_in(&key).await) });
        }
        App {
            lang,
            labels: None,
            viewer: None,
            key_input: String::new(),
            busy: kept.is_some(),
            refused: false,
            failure: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Lang(lang) => {
                self.lang = lang;
                set_document_lang(lang);
                ctx.link()
                    .send_future(async move { Msg::Labels(api::labels("/graphql", lang).await) });
            }
            Msg::Labels(Ok(labels)) => self.labels = Some(labels),
            Msg::Labels(Err(e)) => {
                self.failure = Some(PortalError::new(&e.code, e.message));
            }
            Msg::KeyInput(key) => {
                self.key_input = key;
                return false;
            }
            Msg::SignIn => {
                let key = self.key_input.trim().to_owned();
                if key.is_empty() {
                    self.refused = true;
                    return true;
                }
                self.busy = true;
                ctx.link()
                    .send_future(async move { Msg::SignedIn(sign_in(&key).await) });
            }
            Msg::SignedIn(result) => {
                self.busy = false;
                match result {
                    Ok(viewer) => {
                        session::keep(&viewer.key);
                        self.viewer = Some(viewer);
                        self.refused = false;
                        self.failure = None;
                        self.key_input.clear();
                    }
                    Err(e) if matches!(e.code.as_str(), "UNAUTHENTICATED" | "FORBIDDEN") => {
                        session::forget();
                        self.refused = true;
                    }
                    Err(e) => self.failure = Some(e),
                }
            }
            Msg::SignOut => {
                session::forget();
                self.viewer = None;
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let lang = self.lang;
        let page = ctx.props().page;
        let title = match page {
            Page::Contribute => t(lang, "contribute_title"),
            Page::Review => t(lang, "review_title"),
        };
        let on_lang = ctx.link().callback(|ev: Event| {
            let select: web_sys::HtmlSelectElement = ev.target_unchecked_into();
            Msg::Lang(Lang::parse(&select.value()).unwrap_or(Lang::En))
        });
        let who = self.viewer.as_ref().map(|v| {
            let countries = if v.countries.is_empty() {
                String::new()
            } else {
                format!(" · {}", fill(t(lang, "countries_of_key"), v.countries.join(", ")))
            };
            html! {
                <p class="tipx-who">
                    { fill(t(lang, "signed_in_as"), format!("{} ({})", v.organisation, v.role)) }
                    { countries }
                    { " " }
                    <button type="button" class="tipx-button tipx-secondary" onclick={ctx.link().callback(|_| Msg::SignOut)}>
                        { t(lang, "sign_out") }
                    </button>
                </p>
            }
        });
        let body = match (&self.viewer, &self.labels) {
            (None, _) => self.sign_in_form(ctx),
            (Some(_), None) => html! { <p role="status">{ t(lang, "loading") }</p> },
            (Some(viewer), Some(labels)) => match page {
                Page::Contribute if viewer.may_contribute() => html! {
                    <contribute::Contribute lang={lang} viewer={viewer.clone()} labels={labels.clone()}/>
                },
                Page::Review if viewer.may_review() => html! {
                    <review::Review lang={lang} viewer={viewer.clone()} labels={labels.clone()}/>
                },
                Page::Contribute => {
                    html! { <p class="tipx-error" role="alert">{ t(lang, "not_contributor") }</p> }
                }
                Page::Review => {
                    html! { <p class="tipx-error" role="alert">{ t(lang, "not_moderator") }</p> }
                }
            },
        };
        html! {
            <div class="tipx-portal" lang={lang.code()} dir={lang.dir()}>
                <header class="tipx-portal-header">
                    <nav aria-label={t(lang, "home")}><a href="/">{ "TIP Exchange" }</a></nav>
                    <h1>{ title }</h1>
                    <label for="tipx-lang">{ t(lang, "language") }</label>
                    <select id="tipx-lang" onchange={on_lang}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.code()} selected={*l == lang}>{ native_name(*l) }</option>
                        }) }
                    </select>
                    { for who }
                </header>
                <main>
                    if let Some(failure) = &self.failure { { error_text(lang, failure) } }
                    { body }
                </main>
            </div>
        }
    }
}

impl App {
    fn sign_in_form(&self, ctx: &Context<Self>) -> Html {
        let lang = self.lang;
        let onsubmit = ctx.link().callback(|ev: SubmitEvent| {
            ev.prevent_default();
            Msg::SignIn
        });
        let oninput = ctx.link().callback(|ev: InputEvent| {
            let input: web_sys::HtmlInputElement = ev.target_unchecked_into();
            Msg::KeyInput(input.value())
        });
        let invalid = self.refused.then_some("true");
        html! {
            <form class="tipx-sign-in" {onsubmit}>
                <label for="tipx-key">{ t(lang, "key_label") }</label>
                <p class="tipx-hint" id="tipx-key-help">{ t(lang, "key_help") }</p>
                if self.refused {
                    <p class="tipx-field-error" id="tipx-key-error" role="alert">{ t(lang, "key_refused") }</p>
                }
                <input type="password" id="tipx-key" autocomplete="off" spellcheck="false"
                    aria-describedby={if self.refused { "tipx-key-help tipx-key-error" } else { "tipx-key-help" }}
                    aria-invalid={invalid} {oninput}/>
                <button type="submit" class="tipx-button" disabled={self.busy}>{ t(lang, "sign_in") }</button>
            </form>
        }
    }
}

/// The portal's stylesheet, adopted by the document.
pub const STYLESHEET: &str = concat!(include_str!("../style.css"), include_str!("portal.css"));

fn adopt_stylesheet(document: &web_sys::Document) -> Result<(), JsValue> {
    let sheet = web_sys::CssStyleSheet::new()?;
    sheet.replace_sync(STYLESHEET)?;
    let sheets = js_sys::Array::of1(&sheet);
    js_sys::Reflect::set(document, &"adoptedStyleSheets".into(), &sheets)?;
    Ok(())
}

/// Starts the page `page` (`contribute` or `review`) in the element `root`, in the language
/// of `lang` (a BCP 47 tag; English when it is not a UN language).
#[wasm_bindgen]
pub fn start_page(page: &str, root: web_sys::Element, lang: &str) -> Result<(), JsValue> {
    let page = match page {
        "contribute" => Page::Contribute,
        "review" => Page::Review,
        other => return Err(JsValue::from_str(&format!("no page called '{other}'"))),
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        adopt_stylesheet(&document)?;
    }
    yew::Renderer::<App>::with_root_and_props(
        root,
        AppProps {
            page,
            lang: Lang::resolve(Some(lang)),
        },
    )
    .render();
    Ok(())
}
