//! `/review`: the queue of submissions (oldest first, by country and kind), one submission
//! with its changes against the published version and its history, and the moderator's
//! moves: publish, send back with a reason, retract a published record with a reason.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::client::{run, str_array, Js, Obj, PortalError};
use super::contribute::{countries_of, PageProps};
use super::form::{self, Input, Kind, Value};
use super::text::{field, t};
use super::{error_text, history_line, move_variables, record_list};
use crate::api::Labels;
use crate::i18n::Lang;

pub enum Msg {
    Load,
    Loaded(Result<Js, PortalError>),
    Country(String),
    Kind(String),
    Open(Kind, String),
    Done(Option<&'static str>),
    RetractId(String),
    RetractKind(String),
    RetractFind,
    RetractFound(Result<Js, PortalError>),
}

/// The moderator's page.
pub struct Review {
    country: String,
    kind: String,
    queue: Option<Result<Js, PortalError>>,
    open: Option<(Kind, String)>,
    notice: Option<&'static str>,
    retract_id: String,
    retract_kind: String,
    retract_found: Option<Result<Js, PortalError>>,
}

impl Component for Review {
    type Message = Msg;
    type Properties = PageProps;

    fn create(ctx: &Context<Self>) -> Self {
        ctx.link().send_message(Msg::Load);
        Review {
            country: String::new(),
            kind: String::new(),
            queue: None,
            open: None,
            notice: None,
            retract_id: String::new(),
            retract_kind: "PRACTICE".to_owned(),
            retract_found: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Load => {
                let key = ctx.props().viewer.key.clone();
                let countries: Vec<String> = self
                    .country
                    .split(',')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty())
                    .collect();
                let kinds: Vec<String> = (!self.kind.is_empty())
                    .then(|| self.kind.clone())
                    .into_iter()
                    .collect();
                self.queue = None;
                ctx.link().send_future(async move {
                    let vars = Obj::new()
                        .set("countries", str_array(&countries))
                        .set("kinds", str_array(&kinds))
                        .value();
                    Msg::Loaded(
                        run(
                            Some(&key),
                            include_str!("../../queries/portal/queue.graphql"),
                            &vars,
                        )
                        .await,
                    )
                });
            }
            Msg::Loaded(result) => self.queue = Some(result),
            Msg::Country(c) => {
                self.country = c;
                return false;
            }
            Msg::Kind(k) => {
                self.kind = k;
                ctx.link().send_message(Msg::Load);
            }
            Msg::Open(kind, id) => {
                self.notice = None;
                self.open = Some((kind, id));
            }
            Msg::Done(notice) => {
                self.notice = notice;
                self.open = None;
                self.retract_found = None;
                ctx.link().send_message(Msg::Load);
            }
            Msg::RetractId(id) => {
                self.retract_id = id;
                return false;
            }
            Msg::RetractKind(kind) => {
                self.retract_kind = kind;
                return false;
            }
            Msg::RetractFind => {
                let key = ctx.props().viewer.key.clone();
                let id = self.retract_id.trim().to_owned();
                let kind = self.retract_kind.clone();
                ctx.link().send_future(async move {
                    let vars = Obj::new()
                        .set("id", id.as_str())
                        .set("law", kind == "LAW")
                        .set("practice", kind == "PRACTICE")
                        .set("case", kind == "CASE")
                        .value();
                    Msg::RetractFound(
                        run(
                            Some(&key),
                            include_str!("../../queries/portal/published.graphql"),
                            &vars,
                        )
                        .await,
                    )
                });
            }
            Msg::RetractFound(result) => self.retract_found = Some(result),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let lang = props.lang;
        if let Some((kind, id)) = &self.open {
            return html! {
                <Submission lang={lang} viewer={props.viewer.clone()} labels={props.labels.clone()}
                    kind={*kind} id={id.clone()} on_done={ctx.link().callback(Msg::Done)}/>
            };
        }
        let on_country = ctx.link().callback(|ev: InputEvent| {
            let input: HtmlInputElement = ev.target_unchecked_into();
            Msg::Country(input.value())
        });
        let on_kind = ctx.link().callback(|ev: Event| {
            let select: HtmlSelectElement = ev.target_unchecked_into();
            Msg::Kind(select.value())
        });
        let on_filter = ctx.link().callback(|ev: SubmitEvent| {
            ev.prevent_default();
            Msg::Load
        });
        let kinds = Kind::ALL.iter().map(|k| {
            html! {
                <option value={k.code()} selected={self.kind == k.code()}>
                    { props.labels.get("recordKinds", k.code()).to_owned() }
                </option>
            }
        });
        let list = record_list(
            lang,
            &self.queue,
            "reviewQueue.nodes",
            t(lang, "queue"),
            |r| self.row(ctx, r),
        );
        html! {
            <>
                if let Some(notice) = self.notice {
                    <p class="tipx-notice" role="status">{ t(lang, notice) }</p>
                }
                <section>
                    <h2>{ t(lang, "queue") }</h2>
                    <form class="tipx-toolbar" onsubmit={on_filter}>
                        <div>
                            <label for="tipx-q-country">{ t(lang, "filter_country") }</label>
                            <input type="text" id="tipx-q-country" value={self.country.clone()} oninput={on_country} size="6"/>
                        </div>
                        <div>
                            <label for="tipx-q-kind">{ t(lang, "filter_kind") }</label>
                            <select id="tipx-q-kind" onchange={on_kind}>
                                <option value="" selected={self.kind.is_empty()}>{ t(lang, "all_kinds") }</option>
                                { for kinds }
                            </select>
                        </div>
                        <button type="submit" class="tipx-button tipx-secondary">{ t(lang, "show") }</button>
                    </form>
                    { list }
                </section>
                { self.retract_box(ctx) }
            </>
        }
    }
}

impl Review {
    fn row(&self, ctx: &Context<Self>, record: &Js) -> Html {
        let props = ctx.props();
        let lang = props.lang;
        let Some(kind) = Kind::from_typename(&record.string("__typename")) else {
            return Html::default();
        };
        let id = record.string("recordId");
        let by = record
            .list("history")
            .last()
            .map(|h| h.string("organisation"))
            .unwrap_or_default();
        let open = {
            let id = id.clone();
            ctx.link().callback(move |_| Msg::Open(kind, id.clone()))
        };
        html! {
            <li data-record={id.clone()}>
                { crate::common::kind_badge(kind.code(), props.labels.get("recordKinds", kind.code())) }
                <span class="tipx-item-title" dir="auto">{ record.string("title") }</span>
                <span class="tipx-muted">{ format!("{id} · {} · {by}", countries_of(record).join(", ")) }</span>
                <button type="button" class="tipx-button tipx-secondary" onclick={open}
                    aria-label={format!("{} {}", t(lang, "open"), record.string("title"))}>
                    { t(lang, "open") }
                </button>
            </li>
        }
    }

    fn retract_box(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let lang = props.lang;
        let on_id = ctx.link().callback(|ev: InputEvent| {
            let input: HtmlInputElement = ev.target_unchecked_into();
            Msg::RetractId(input.value())
        });
        let on_kind = ctx.link().callback(|ev: Event| {
            let select: HtmlSelectElement = ev.target_unchecked_into();
            Msg::RetractKind(select.value())
        });
        let on_find = ctx.link().callback(|ev: SubmitEvent| {
            ev.prevent_default();
            Msg::RetractFind
        });
        let found = match &self.retract_found {
            None => Html::default(),
            Some(Err(e)) => error_text(lang, e),
            Some(Ok(data)) => {
                let record = ["law", "practice", "case"]
                    .into_iter()
                    .map(|k| data.at(k))
                    .find(Js::is_present);
                match record {
                    Some(record) => html! {
                        <div>
                            <p><strong dir="auto">{ record.string("title") }</strong>
                               { format!(" · {} · v{}", record.string("recordId"), record.int("version").unwrap_or_default()) }</p>
                            <Decide lang={lang} key_={props.viewer.key.clone()} id={record.string("recordId")}
                                version={record.int("version")} actions={vec!["retract"]}
                                on_done={ctx.link().callback(Msg::Done)}/>
                        </div>
                    },
                    None => Html::default(),
                }
            }
        };
        html! {
            <section>
                <h2>{ t(lang, "retract_title") }</h2>
                <form class="tipx-toolbar" onsubmit={on_find}>
                    <div>
                        <label for="tipx-r-kind">{ t(lang, "filter_kind") }</label>
                        <select id="tipx-r-kind" onchange={on_kind}>
                            { for Kind::ALL.iter().map(|k| html! {
                                <option value={k.code()} selected={self.retract_kind == k.code()}>
                                    { props.labels.get("recordKinds", k.code()).to_owned() }
                                </option>
                            }) }
                        </select>
                    </div>
                    <div>
                        <label for="tipx-r-id">{ t(lang, "record_id") }</label>
                        <input type="text" id="tipx-r-id" value={self.retract_id.clone()} oninput={on_id} size="10"/>
                    </div>
                    <button type="submit" class="tipx-button tipx-secondary">{ t(lang, "find") }</button>
                </form>
                { found }
            </section>
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SubmissionProps {
    pub lang: Lang,
    pub viewer: super::Viewer,
    pub labels: Rc<Labels>,
    pub kind: Kind,
    pub id: String,
    pub on_done: Callback<Option<&'static str>>,
}

/// One submission: its content, its changes against the published version, its history and
/// the moderator's decision.
#[function_component(Submission)]
pub fn submission(props: &SubmissionProps) -> Html {
    let lang = props.lang;
    let loaded = use_state(|| None::<Result<Js, PortalError>>);
    {
        let loaded = loaded.clone();
        let (key, id) = (props.viewer.key.clone(), props.id.clone());
        use_effect_with(id.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = run(
                    Some(&key),
                    include_str!("../../queries/portal/draft.graphql"),
                    &Obj::new().set("id", id.as_str()).value(),
                )
                .await;
                loaded.set(Some(result));
            });
        });
    }
    let back = html! {
        <button type="button" class="tipx-link-button" onclick={props.on_done.reform(|_| None)}>
            { t(lang, "back") }
        </button>
    };
    let record = match &*loaded {
        None => return html! { <>{ back }<p role="status">{ t(lang, "loading") }</p></> },
        Some(Err(e)) => return html! { <>{ back }{ error_text(lang, e) }</> },
        Some(Ok(data)) => data.at("draft"),
    };
    let values = form::from_record(props.kind, &record);
    let labels = &props.labels;
    let facts = props.kind.fields().iter().filter_map(|spec| {
        let shown = match (spec.input, values.get(spec.name)?) {
            (Input::Choice(list), Value::Text(code)) if !code.is_empty() => labels.get(list, code).to_owned(),
            (Input::Many(list), Value::List(codes)) if !codes.is_empty() => codes
                .iter()
                .map(|c| labels.get(list, c).to_owned())
                .collect::<Vec<_>>()
                .join(", "),
            (_, Value::List(items)) if !items.is_empty() => items.join(", "),
            (_, Value::Text(s)) if !s.is_empty() => s.clone(),
            (_, Value::Flag(true)) => t(lang, "yes").to_owned(),
            (_, Value::Sources(rows)) if !rows.is_empty() => {
                return Some(html! {
                    <div>
                        <dt>{ field(lang, spec.name) }</dt>
                        <dd><ul class="tipx-list">{ for rows.iter().map(|(url, title)| html! {
                            <li>{ crate::common::source_link(url, Some(title)) }<span class="tipx-muted">{ format!(" {url}") }</span></li>
                        }) }</ul></dd>
                    </div>
                })
            }
            _ => return None,
        };
        Some(html! {
            <div><dt>{ field(lang, spec.name) }</dt><dd dir="auto">{ shown }</dd></div>
        })
    });
    let changes = record.list("changesFromPublished");
    let diff = if changes.is_empty() {
        html! { <p>{ t(lang, "new_record") }</p> }
    } else {
        html! {
            <table class="tipx-table tipx-diff">
                <thead><tr>
                    <th scope="col">{ t(lang, "field") }</th>
                    <th scope="col">{ t(lang, "before") }</th>
                    <th scope="col">{ t(lang, "after") }</th>
                </tr></thead>
                <tbody>
                    { for changes.iter().map(|c| html! {
                        <tr data-field={c.string("field")}>
                            <th scope="row">{ label_of(lang, &c.string("field")) }</th>
                            <td class="tipx-before" dir="auto">{ json_text(&c.string("before")) }</td>
                            <td class="tipx-after" dir="auto">{ json_text(&c.string("after")) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    };
    let status = record.string("status");
    let actions = if status == "SUBMITTED" {
        vec!["publish", "reject"]
    } else {
        Vec::new()
    };
    html! {
        <article class="tipx-submission">
            { back }
            <h2 dir="auto">{ record.string("title") }</h2>
            <p class="tipx-muted">
                { format!("{} · {} · v{} · ", props.id, labels.get("recordKinds", props.kind.code()), record.int("version").unwrap_or_default()) }
                { labels.get("recordStatuses", &status).to_owned() }
            </p>
            <section>
                <h3>{ t(lang, "changes") }</h3>
                { diff }
            </section>
            <section>
                <h3>{ t(lang, "content") }</h3>
                <dl class="tipx-facts">{ for facts }</dl>
            </section>
            <section>
                <h3>{ t(lang, "history") }</h3>
                <ul class="tipx-list">{ for record.list("history").iter().map(|h| history_line(lang, h)) }</ul>
            </section>
            if !actions.is_empty() {
                <Decide lang={lang} key_={props.viewer.key.clone()} id={props.id.clone()}
                    version={record.int("version")} actions={actions} on_done={props.on_done.clone()}/>
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct DecideProps {
    pub lang: Lang,
    pub key_: String,
    pub id: String,
    pub version: Option<i64>,
    /// Of `publish`, `reject`, `retract`.
    pub actions: Vec<&'static str>,
    pub on_done: Callback<Option<&'static str>>,
}

/// The moderator's buttons, with the reason that sending back and retracting need.
#[function_component(Decide)]
pub fn decide(props: &DecideProps) -> Html {
    let lang = props.lang;
    let reason = use_state(String::new);
    let missing_reason = use_state(|| false);
    let failure = use_state(|| None::<PortalError>);
    let busy = use_state(|| false);
    let act = |action: &'static str| {
        let (reason, missing_reason, failure, busy) = (
            reason.clone(),
            missing_reason.clone(),
            failure.clone(),
            busy.clone(),
        );
        let (key, id, version, on_done) = (
            props.key_.clone(),
            props.id.clone(),
            props.version,
            props.on_done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let needs_reason = action != "publish";
            let text = reason.trim().to_owned();
            if needs_reason && text.is_empty() {
                missing_reason.set(true);
                return;
            }
            missing_reason.set(false);
            busy.set(true);
            let (failure, busy, key, id, on_done) = (
                failure.clone(),
                busy.clone(),
                key.clone(),
                id.clone(),
                on_done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let vars = move_variables(&id, version, needs_reason.then_some(text.as_str()));
                let document = match action {
                    "publish" => include_str!("../../queries/portal/publish.graphql"),
                    "reject" => include_str!("../../queries/portal/reject.graphql"),
                    _ => include_str!("../../queries/portal/retract.graphql"),
                };
                let result = run(Some(&key), document, &vars).await;
                busy.set(false);
                match result {
                    Ok(_) => on_done.emit(Some(match action {
                        "publish" => "published_ok",
                        "reject" => "rejected_ok",
                        _ => "retracted_ok",
                    })),
                    Err(e) => failure.set(Some(e)),
                }
            });
        })
    };
    let needs_reason = props.actions.iter().any(|a| *a != "publish");
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |ev: InputEvent| {
            let input: HtmlTextAreaElement = ev.target_unchecked_into();
            reason.set(input.value());
        })
    };
    let reason_id = format!("tipx-reason-{}", props.id);
    html! {
        <div class="tipx-decide">
            if let Some(e) = &*failure { { error_text(lang, e) } }
            if needs_reason {
                <div class={classes!("tipx-field", missing_reason.then_some("tipx-invalid"))}>
                    <label for={reason_id.clone()}>{ t(lang, "reason") }</label>
                    if *missing_reason {
                        <p class="tipx-field-error" id={format!("{reason_id}-error")} role="alert">{ t(lang, "reason_needed") }</p>
                    }
                    <textarea id={reason_id.clone()} rows="3" value={(*reason).clone()} oninput={on_reason} dir="auto"
                        aria-invalid={missing_reason.then_some("true")}
                        aria-describedby={missing_reason.then(|| format!("{reason_id}-error"))}/>
                </div>
            }
            <div class="tipx-actions">
                { for props.actions.iter().map(|action| {
                    let class = if *action == "publish" { classes!("tipx-button") } else { classes!("tipx-button", "tipx-secondary") };
                    html! {
                        <button type="button" {class} disabled={*busy} data-action={*action} onclick={act(action)}>
                            { t(lang, action) }
                        </button>
                    }
                }) }
            </div>
        </div>
    }
}

/// A changed field's label, or its API name when the form does not show it.
fn label_of(lang: Lang, name: &str) -> String {
    match field(lang, name) {
        "" => name.to_owned(),
        label => label.to_owned(),
    }
}

/// A value of the diff (JSON text) as a person reads it: a string without its quotes, a list
/// of strings joined by commas, anything else as the JSON itself.
fn json_text(json: &str) -> String {
    let Ok(value) = js_sys::JSON::parse(json) else {
        return json.to_owned();
    };
    if let Some(s) = value.as_string() {
        return s;
    }
    let list = Js(value).strings_only();
    list.unwrap_or_else(|| json.to_owned())
}
