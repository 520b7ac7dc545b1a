//! `/contribute`: the key's drafts and submissions with their status and the moderators'
//! reasons, and the editor that creates, autosaves and submits a record.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::client::{run, FieldError, Js, Obj, PortalError};
use super::form::{self, dom_id, field_of, Kind, RecordForm, Value, Values};
use super::text::{field, fill, t};
use super::{error_text, history_line, move_variables, record_list, sleep, Viewer};
use crate::api::Labels;
use crate::i18n::Lang;

/// How long the editor waits after the last keystroke before it saves.
const AUTOSAVE_MS: i32 = 2_000;

/// The reason the moderators gave when they last sent the record back, if that is its
/// latest move.
pub fn sent_back_reason(record: &Js) -> Option<String> {
    let history = record.list("history");
    let last = history.last()?;
    (last.string("action") == "REJECT" && record.string("status") == "DRAFT")
        .then(|| last.string("reason"))
}

/// A record's countries as codes (a law has one `country`).
pub fn countries_of(record: &Js) -> Vec<String> {
    let mut codes = record.strings("countries");
    if let Some(code) = record.str("country.code") {
        codes.push(code);
    }
    codes
}

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub lang: Lang,
    pub viewer: Viewer,
    pub labels: Rc<Labels>,
}

enum Mode {
    List,
    Edit { kind: Kind, id: Option<String> },
}

pub enum Msg {
    Load,
    Loaded(Result<Js, PortalError>),
    Open(Kind, Option<String>),
    Done(Option<&'static str>),
    ChangeId(String),
    Propose,
    Proposed(Result<Js, PortalError>),
}

/// The contributor's page: the list, or the editor.
pub struct Contribute {
    mode: Mode,
    drafts: Option<Result<Js, PortalError>>,
    notice: Option<&'static str>,
    change_id: String,
    change_failure: Option<PortalError>,
}

impl Component for Contribute {
    type Message = Msg;
    type Properties = PageProps;

    fn create(ctx: &Context<Self>) -> Self {
        ctx.link().send_message(Msg::Load);
        Contribute {
            mode: Mode::List,
            drafts: None,
            notice: None,
            change_id: String::new(),
            change_failure: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Load => {
                let key = ctx.props().viewer.key.clone();
                ctx.link().send_future(async move {
                    Msg::Loaded(
                        run(
                            Some(&key),
                            include_str!("../../queries/portal/drafts.graphql"),
                            &Obj::new().value(),
                        )
                        .await,
                    )
                });
            }
            Msg::Loaded(result) => self.drafts = Some(result),
            Msg::Open(kind, id) => {
                self.notice = None;
                self.mode = Mode::Edit { kind, id };
            }
            Msg::Done(notice) => {
                self.notice = notice;
                self.mode = Mode::List;
                self.drafts = None;
                ctx.link().send_message(Msg::Load);
            }
            Msg::ChangeId(id) => {
                self.change_id = id;
                return false;
            }
            Msg::Propose => {
                let key = ctx.props().viewer.key.clone();
                let id = self.change_id.trim().to_owned();
                ctx.link().send_future(async move {
                    Msg::Proposed(
                        run(
                            Some(&key),
                            include_str!("../../queries/portal/proposeChange.graphql"),
                            &Obj::new().set("id", id.as_str()).value(),
                        )
                        .await,
                    )
                });
            }
            Msg::Proposed(Ok(data)) => {
                let record = data.at("proposeChange");
                if let Some(kind) = Kind::from_typename(&record.string("__typename")) {
                    self.change_failure = None;
                    self.change_id.clear();
                    self.notice = None;
                    self.mode = Mode::Edit {
                        kind,
                        id: record.str("recordId"),
                    };
                }
            }
            Msg::Proposed(Err(e)) => self.change_failure = Some(e),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let lang = props.lang;
        if let Mode::Edit { kind, id } = &self.mode {
            return html! {
                <Editor lang={lang} viewer={props.viewer.clone()} labels={props.labels.clone()}
                    kind={*kind} id={id.clone()} on_done={ctx.link().callback(Msg::Done)}/>
            };
        }
        let new_buttons = Kind::ALL.iter().map(|kind| {
            let kind = *kind;
            let label = match kind {
                Kind::Law => t(lang, "new_law"),
                Kind::Practice => t(lang, "new_practice"),
                Kind::Case => t(lang, "new_case"),
            };
            html! {
                <button type="button" class="tipx-button" onclick={ctx.link().callback(move |_| Msg::Open(kind, None))}>
                    { label }
                </button>
            }
        });
        let list = record_list(
            lang,
            &self.drafts,
            "myDrafts.nodes",
            t(lang, "your_drafts"),
            |r| self.row(ctx, r),
        );
        html! {
            <>
                if let Some(notice) = self.notice {
                    <p class="tipx-notice" role="status">{ t(lang, notice) }</p>
                }
                <div class="tipx-actions">{ for new_buttons }</div>
                <section>
                    <h2>{ t(lang, "your_drafts") }</h2>
                    { list }
                </section>
                <section>
                    <h2>{ t(lang, "propose_title") }</h2>
                    <p class="tipx-hint">{ t(lang, "propose_help") }</p>
                    if let Some(e) = &self.change_failure { { error_text(lang, e) } }
                    <form class="tipx-toolbar" onsubmit={ctx.link().callback(|ev: SubmitEvent| { ev.prevent_default(); Msg::Propose })}>
                        <div>
                            <label for="tipx-change-id">{ t(lang, "record_id") }</label>
                            <input type="text" id="tipx-change-id" size="10" value={self.change_id.clone()}
                                oninput={ctx.link().callback(|ev: InputEvent| {
                                    let input: web_sys::HtmlInputElement = ev.target_unchecked_into();
                                    Msg::ChangeId(input.value())
                                })}/>
                        </div>
                        <button type="submit" class="tipx-button tipx-secondary">{ t(lang, "edit") }</button>
                    </form>
                </section>
            </>
        }
    }
}

impl Contribute {
    fn row(&self, ctx: &Context<Self>, record: &Js) -> Html {
        let props = ctx.props();
        let lang = props.lang;
        let Some(kind) = Kind::from_typename(&record.string("__typename")) else {
            return Html::default();
        };
        let id = record.string("recordId");
        let status = record.string("status");
        let editable = status == "DRAFT";
        let open = {
            let id = id.clone();
            ctx.link()
                .callback(move |_| Msg::Open(kind, Some(id.clone())))
        };
        html! {
            <li data-record={id.clone()} data-status={status.clone()}>
                { crate::common::kind_badge(kind.code(), props.labels.get("recordKinds", kind.code())) }
                <span class="tipx-item-title" dir="auto">{ record.string("title") }</span>
                <span class="tipx-muted">{ format!("{} · {}", id, countries_of(record).join(", ")) }</span>
                <strong class="tipx-status">{ props.labels.get("recordStatuses", &status).to_owned() }</strong>
                <button type="button" class="tipx-button tipx-secondary" onclick={open}
                    aria-label={format!("{} {}", if editable { t(lang, "edit") } else { t(lang, "open") }, record.string("title"))}>
                    { if editable { t(lang, "edit") } else { t(lang, "open") } }
                </button>
                if let Some(reason) = sent_back_reason(record) {
                    <p class="tipx-warning tipx-wide">
                        { fill(t(lang, "sent_back"), reason) }
                    </p>
                }
            </li>
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub lang: Lang,
    pub viewer: Viewer,
    pub labels: Rc<Labels>,
    pub kind: Kind,
    pub id: Option<String>,
    pub on_done: Callback<Option<&'static str>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Open,
    Conflict,
}

pub enum EditorMsg {
    Loaded(Result<Js, PortalError>, Purpose),
    Change(&'static str, Value),
    Tick(u32),
    Save,
    Saved(Result<Js, PortalError>, u32, bool),
    Submit,
    Withdraw,
    Moved(Result<Js, PortalError>, &'static str),
    TakeTheirs,
}

#[derive(Clone, PartialEq)]
enum Note {
    None,
    Saving,
    Saved(i64),
    NotSaved,
}

/// Creating or editing one record.
pub struct Editor {
    kind: Kind,
    id: Option<String>,
    version: Option<i64>,
    status: String,
    values: Values,
    errors: Vec<FieldError>,
    history: Vec<Js>,
    sent_back: Option<String>,
    /// Bumped on every change; a save remembers the edit it saved.
    edits: u32,
    saved_edit: u32,
    saving: bool,
    note: Note,
    conflict: Option<(i64, Vec<&'static str>, Values)>,
    loading: bool,
    failure: Option<PortalError>,
}

async fn draft_query(key: String, id: String) -> Result<Js, PortalError> {
    run(
        Some(&key),
        include_str!("../../queries/portal/draft.graphql"),
        &Obj::new().set("id", id.as_str()).value(),
    )
    .await
}

impl Component for Editor {
    type Message = EditorMsg;
    type Properties = EditorProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        if let Some(id) = props.id.clone() {
            let key = props.viewer.key.clone();
            ctx.link().send_future(async move {
                EditorMsg::Loaded(draft_query(key, id).await, Purpose::Open)
            });
        }
        Editor {
            kind: props.kind,
            id: props.id.clone(),
            version: None,
            status: "DRAFT".to_owned(),
            values: form::blank(props.kind, props.lang, &props.viewer.countries),
            errors: Vec::new(),
            history: Vec::new(),
            sent_back: None,
            edits: 0,
            saved_edit: 0,
            saving: false,
            note: Note::None,
            conflict: None,
            loading: props.id.is_some(),
            failure: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: EditorMsg) -> bool {
        match msg {
            EditorMsg::Loaded(Err(e), _) => {
                self.loading = false;
                self.failure = Some(e);
            }
            EditorMsg::Loaded(Ok(data), purpose) => {
                self.loading = false;
                let record = data.at("draft");
                let version = record.int("version");
                let theirs = form::from_record(self.kind, &record);
                self.history = record.list("history");
                self.status = record.string("status");
                self.sent_back = sent_back_reason(&record);
                match purpose {
                    Purpose::Open => {
                        self.values = theirs;
                        self.version = version;
                        self.saved_edit = self.edits;
                    }
                    Purpose::Conflict => {
                        let differing = form::differing(self.kind, &self.values, &theirs);
                        self.version = version;
                        self.conflict = Some((version.unwrap_or_default(), differing, theirs));
                        self.note = Note::NotSaved;
                    }
                }
            }
            EditorMsg::Change(name, value) => {
                self.values.insert(name, value);
                self.edits += 1;
                if self.id.is_some() && self.editable() {
                    let edit = self.edits;
                    ctx.link().send_future(async move {
                        sleep(AUTOSAVE_MS).await;
                        EditorMsg::Tick(edit)
                    });
                }
            }
            EditorMsg::Tick(edit) => {
                // Only the last change's timer saves, and only what is not saved yet.
                if edit == self.edits && !self.saving && self.saved_edit != self.edits {
                    self.save(ctx, false);
                }
                return false;
            }
            EditorMsg::Save => self.save(ctx, false),
            EditorMsg::Submit => {
                if self.id.is_some() && self.saved_edit == self.edits && self.conflict.is_none() {
                    self.submit(ctx);
                } else {
                    self.save(ctx, true);
                }
            }
            EditorMsg::Saved(result, edit, then_submit) => {
                self.saving = false;
                match result {
                    Ok(data) => {
                        let field = if self.id.is_some() {
                            self.kind.update_field()
                        } else {
                            self.kind.create_field()
                        };
                        let record = data.at(field);
                        self.id = record.str("recordId");
                        self.version = record.int("version");
                        self.status = record.string("status");
                        self.saved_edit = edit;
                        self.errors.clear();
                        self.conflict = None;
                        self.note = Note::Saved(self.version.unwrap_or_default());
                        if then_submit {
                            self.submit(ctx);
                        } else if self.edits != edit {
                            // Typed on while saving: save that too, after the pause.
                            let edit = self.edits;
                            ctx.link().send_future(async move {
                                sleep(AUTOSAVE_MS).await;
                                EditorMsg::Tick(edit)
                            });
                        }
                    }
                    Err(e) if e.code == "CONFLICT" => {
                        if let Some(id) = self.id.clone() {
                            let key = ctx.props().viewer.key.clone();
                            ctx.link().send_future(async move {
                                EditorMsg::Loaded(draft_query(key, id).await, Purpose::Conflict)
                            });
                        }
                    }
                    Err(e) if !e.fields.is_empty() => {
                        self.errors = e.fields;
                        self.note = Note::NotSaved;
                        if then_submit {
                            focus_summary();
                        }
                    }
                    Err(e) => {
                        self.note = Note::NotSaved;
                        self.failure = Some(e);
                    }
                }
            }
            EditorMsg::Withdraw => self.move_record(
                ctx,
                "withdraw",
                include_str!("../../queries/portal/withdraw.graphql"),
            ),
            EditorMsg::Moved(result, action) => match result {
                Ok(data) => {
                    let record = data.at(action);
                    self.version = record.int("version");
                    self.status = record.string("status");
                    self.failure = None;
                    if action == "submit" {
                        ctx.props().on_done.emit(Some("submitted"));
                    }
                }
                Err(e) => self.failure = Some(e),
            },
            EditorMsg::TakeTheirs => {
                if let Some((_, _, theirs)) = self.conflict.take() {
                    self.values = theirs;
                    self.edits += 1;
                    self.saved_edit = self.edits;
                    self.note = Note::Saved(self.version.unwrap_or_default());
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let lang = props.lang;
        if self.loading {
            return html! { <p role="status">{ t(lang, "loading") }</p> };
        }
        let heading = match (self.kind, &self.id) {
            (Kind::Law, None) => t(lang, "new_law").to_owned(),
            (Kind::Practice, None) => t(lang, "new_practice").to_owned(),
            (Kind::Case, None) => t(lang, "new_case").to_owned(),
            (kind, Some(id)) => format!("{} {id}", props.labels.get("recordKinds", kind.code())),
        };
        let editable = self.editable();
        let note = match &self.note {
            Note::None => Html::default(),
            Note::Saving => html! { { t(lang, "saving") } },
            Note::Saved(v) => html! { { fill(t(lang, "saved"), v) } },
            Note::NotSaved => html! { <strong>{ t(lang, "not_saved") }</strong> },
        };
        let summary = (!self.errors.is_empty()).then(|| {
            html! {
                <div class="tipx-summary" id="tipx-error-summary" role="alert" tabindex="-1">
                    <p><strong>{ fill(t(lang, "problems"), self.errors.len()) }</strong></p>
                    <ul>
                        { for self.errors.iter().map(|e| {
                            let target = field_of(self.kind, &e.field).unwrap_or("title");
                            html! {
                                <li><a href={format!("#{}", dom_id(target))}>
                                    { format!("{}: {}", field(lang, target), form::message(lang, e)) }
                                </a></li>
                            }
                        }) }
                    </ul>
                </div>
            }
        });
        let conflict = self.conflict.as_ref().map(|(version, differing, _)| {
            let names: Vec<&str> = differing.iter().map(|n| field(lang, n)).collect();
            html! {
                <div class="tipx-warning" role="alert">
                    <p>{ fill(t(lang, "conflict"), version) }</p>
                    if !names.is_empty() {
                        <p>{ fill(t(lang, "conflict_fields"), names.join(", ")) }</p>
                    }
                    <button type="button" class="tipx-button tipx-secondary" onclick={ctx.link().callback(|_| EditorMsg::TakeTheirs)}>
                        { t(lang, "take_theirs") }
                    </button>
                </div>
            }
        });
        let on_change = ctx
            .link()
            .callback(|(name, value): (&'static str, Value)| EditorMsg::Change(name, value));
        let onsubmit = ctx.link().callback(|ev: SubmitEvent| {
            ev.prevent_default();
            EditorMsg::Submit
        });
        html! {
            <form class="tipx-editor" {onsubmit} novalidate=true>
                <button type="button" class="tipx-link-button" onclick={props.on_done.reform(|_| None)}>
                    { t(lang, "back") }
                </button>
                <h2>{ heading }</h2>
                <p class="tipx-muted">
                    { props.labels.get("recordStatuses", &self.status).to_owned() }
                    if let Some(v) = self.version { { format!(" · v{v}") } }
                </p>
                if let Some(reason) = &self.sent_back {
                    <p class="tipx-warning">{ fill(t(lang, "sent_back"), reason) }</p>
                }
                if let Some(failure) = &self.failure { { error_text(lang, failure) } }
                { for conflict }
                { for summary }
                <RecordForm kind={self.kind} lang={lang} labels={props.labels.clone()}
                    key_countries={props.viewer.countries.clone()} values={self.values.clone()}
                    errors={self.errors.clone()} readonly={!editable} {on_change}/>
                <div class="tipx-actions">
                    if editable {
                        <button type="button" class="tipx-button tipx-secondary" disabled={self.saving}
                            onclick={ctx.link().callback(|_| EditorMsg::Save)}>{ t(lang, "save") }</button>
                        <button type="submit" class="tipx-button" disabled={self.saving}>{ t(lang, "submit") }</button>
                    } else if self.status == "SUBMITTED" {
                        <button type="button" class="tipx-button tipx-secondary"
                            onclick={ctx.link().callback(|_| EditorMsg::Withdraw)}>{ t(lang, "withdraw") }</button>
                    }
                    <span role="status" class="tipx-muted">{ note }</span>
                </div>
                if editable { <p class="tipx-hint">{ t(lang, "autosave") }</p> }
                if !self.history.is_empty() {
                    <section>
                        <h3>{ t(lang, "history") }</h3>
                        <ul class="tipx-list">{ for self.history.iter().map(|h| history_line(lang, h)) }</ul>
                    </section>
                }
            </form>
        }
    }
}

fn focus_summary() {
    // After the summary renders: move focus there so a screen reader reads the problems.
    wasm_bindgen_futures::spawn_local(async {
        sleep(0).await;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("tipx-error-summary"))
        {
            use wasm_bindgen::JsCast;
            if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

impl Editor {
    fn editable(&self) -> bool {
        self.status == "DRAFT"
    }

    fn save(&mut self, ctx: &Context<Self>, then_submit: bool) {
        let props = ctx.props();
        let input = match form::to_input(self.kind, &self.values, props.lang) {
            Ok(input) => input,
            Err(problems) => {
                self.errors = problems;
                self.note = Note::NotSaved;
                if then_submit {
                    focus_summary();
                }
                return;
            }
        };
        self.saving = true;
        self.note = Note::Saving;
        let edit = self.edits;
        let key = props.viewer.key.clone();
        let (document, vars) = match (&self.id, self.version) {
            (Some(id), Some(version)) => (
                self.kind.update_document(),
                Obj::new()
                    .set("id", id.as_str())
                    .set("version", JsValue::from_f64(version as f64))
                    .set("input", input)
                    .value(),
            ),
            _ => (
                self.kind.create_document(),
                Obj::new().set("input", input).value(),
            ),
        };
        ctx.link().send_future(async move {
            EditorMsg::Saved(run(Some(&key), document, &vars).await, edit, then_submit)
        });
    }

    fn submit(&mut self, ctx: &Context<Self>) {
        self.move_record(
            ctx,
            "submit",
            include_str!("../../queries/portal/submit.graphql"),
        );
    }

    /// Sends the record on (`submit`, `withdraw`) from the version this page holds.
    fn move_record(&self, ctx: &Context<Self>, action: &'static str, document: &'static str) {
        let Some(id) = self.id.clone() else { return };
        let key = ctx.props().viewer.key.clone();
        let vars = move_variables(&id, self.version, None);
        ctx.link().send_future(async move {
            EditorMsg::Moved(run(Some(&key), document, &vars).await, action)
        });
    }
}
