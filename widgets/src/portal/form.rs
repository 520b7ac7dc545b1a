//! The record form, built from a table of fields per kind and the API's code lists: values in,
//! the API's input object out, and the API's broken rules shown at their fields.

use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::client::{str_array, FieldError, Js, Obj};
use super::text::{field, rule, t};
use crate::api::Labels;
use crate::i18n::Lang;

/// The three kinds of record a contributor shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Law,
    Practice,
    Case,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Law, Kind::Practice, Kind::Case];

    /// The GraphQL type name (`__typename`).
    pub fn typename(self) -> &'static str {
        match self {
            Kind::Law => "Law",
            Kind::Practice => "Practice",
            Kind::Case => "Case",
        }
    }

    pub fn from_typename(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.typename() == name)
    }

    /// The code in the `recordKinds` list.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Law => "LAW",
            Kind::Practice => "PRACTICE",
            Kind::Case => "CASE",
        }
    }

    pub fn create_document(self) -> &'static str {
        match self {
            Kind::Law => include_str!("../../queries/portal/createLaw.graphql"),
            Kind::Practice => include_str!("../../queries/portal/createPractice.graphql"),
            Kind::Case => include_str!("../../queries/portal/createCase.graphql"),
        }
    }

    pub fn update_document(self) -> &'static str {
        match self {
            Kind::Law => include_str!("../../queries/portal/updateLaw.graphql"),
            Kind::Practice => include_str!("../../queries/portal/updatePractice.graphql"),
            Kind::Case => include_str!("../../queries/portal/updateCase.graphql"),
        }
    }

    /// The mutation's name, where its answer is.
    pub fn create_field(self) -> &'static str {
        match self {
            Kind::Law => "createLaw",
            Kind::Practice => "createPractice",
            Kind::Case => "createCase",
        }
    }

    pub fn update_field(self) -> &'static str {
        match self {
            Kind::Law => "updateLaw",
            Kind::Practice => "updatePractice",
            Kind::Case => "updateCase",
        }
    }

    pub fn fields(self) -> &'static [Spec] {
        match self {
            Kind::Law => LAW,
            Kind::Practice => PRACTICE,
            Kind::Case => CASE,
        }
    }
}

/// How a field is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Text,
    LongText,
    /// A whole number (a year, a count).
    Number,
    /// One code of a code list.
    Choice(&'static str),
    /// Any codes of a code list.
    Many(&'static str),
    /// One of the key's countries.
    Country,
    /// Some of the key's countries.
    Countries,
    Flag,
    /// Whole numbers separated by commas.
    Numbers,
    /// Record ids separated by commas.
    Ids,
    Sources,
}

/// One field of a form: its name in the API's input (dotted inside a nested object).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub name: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn f(name: &'static str, input: Input, required: bool) -> Spec {
    Spec {
        name,
        input,
        required,
    }
}

use Input::*;

const LAW: &[Spec] = &[
    f("title", Text, true),
    f("country", Country, true),
    f("instrumentType", Choice("lawInstrumentTypes"), true),
    f("yearEnacted", Number, false),
    f("amendmentYears", Numbers, false),
    f("amendmentsNote", Text, false),
    f("provisions", Many("provisions"), false),
    f("provisionsNote", LongText, false),
    f("forms", Many("forms"), false),
    f("targetGroups", Many("targetGroups"), false),
    f("sdgTargets", Many("sdgTargets"), false),
    f("summary", LongText, true),
    f("language", Text, true),
    f("sources", Sources, true),
];

const PRACTICE: &[Spec] = &[
    f("title", Text, true),
    f("countries", Countries, false),
    f("global", Flag, false),
    f("leadOrganisation", Text, true),
    f("organisationType", Choice("organisationTypes"), true),
    f("startYear", Number, false),
    f("endYear", Number, false),
    f("approach", LongText, false),
    f("pillars", Many("pillars"), false),
    f("sectors", Many("sectors"), false),
    f("forms", Many("forms"), false),
    f("targetGroups", Many("targetGroups"), false),
    f("targetGroupsNote", Text, false),
    f("sdgTargets", Many("sdgTargets"), false),
    f("evidence.design", Choice("evaluationDesigns"), false),
    f("evidence.objectivesMet", Choice("objectivesMet"), false),
    f("evidence.note", Text, false),
    f("summary", LongText, true),
    f("language", Text, true),
    f("sources", Sources, true),
];

const CASE: &[Spec] = &[
    f("title", Text, true),
    f("countries", Countries, false),
    f("courtOrAgency", Text, true),
    f("caseType", Choice("caseTypes"), true),
    f("decisionYear", Number, false),
    f("jurisdictionNote", Text, false),
    f("forms", Many("forms"), false),
    f("sectors", Many("sectors"), false),
    f("targetGroups", Many("targetGroups"), false),
    f("sdgTargets", Many("sdgTargets"), false),
    f("outcome.convictions", Number, false),
    f("outcome.victimsIdentified", Number, false),
    f("outcome.note", Text, false),
    f("lawsApplied", Ids, false),
    f("summary", LongText, true),
    f("language", Text, true),
    f("sources", Sources, true),
];

/// A field's value as the form holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Flag(bool),
    /// (address, title) pairs.
    Sources(Vec<(String, String)>),
}

pub type Values = BTreeMap<&'static str, Value>;

/// Empty values for a new record: the page's language, the key's country when it has one.
pub fn blank(kind: Kind, lang: Lang, key_countries: &[String]) -> Values {
    kind.fields()
        .iter()
        .map(|spec| {
            let value = match spec.input {
                Many(_) => Value::List(Vec::new()),
                Countries if key_countries.len() == 1 => Value::List(key_countries.to_vec()),
                Countries => Value::List(Vec::new()),
                Country => Value::Text(key_countries.first().cloned().unwrap_or_default()),
                Flag => Value::Flag(false),
                Sources => Value::Sources(vec![(String::new(), String::new())]),
                _ if spec.name == "language" => Value::Text(lang.code().to_owned()),
                _ => Value::Text(String::new()),
            };
            (spec.name, value)
        })
        .collect()
}

/// The values of a record as `draft` answers it.
pub fn from_record(kind: Kind, record: &Js) -> Values {
    kind.fields()
        .iter()
        .map(|spec| {
            let value = match spec.input {
                Many(_) | Countries => Value::List(record.strings(spec.name)),
                Country => Value::Text(record.string("country.code")),
                Flag => Value::Flag(record.bool(spec.name)),
                Number => Value::Text(
                    record
                        .int(spec.name)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                ),
                Numbers | Ids => Value::Text(record.strings(spec.name).join(", ")),
                Sources => Value::Sources(
                    record
                        .list("sources")
                        .iter()
                        .map(|s| (s.string("url"), s.string("title")))
                        .collect(),
                ),
                _ => Value::Text(record.string(spec.name)),
            };
            (spec.name, value)
        })
        .collect()
}

fn text(values: &Values, name: &str) -> String {
    match values.get(name) {
        Some(Value::Text(s)) => s.trim().to_owned(),
        _ => String::new(),
    }
}

fn error(field: &str, rule: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        rule: rule.to_owned(),
        message: message.to_owned(),
    }
}

/// The API's input object for `values`, or the fields that cannot be sent as they are (a
/// required choice left empty, a number that is not one). The API checks everything else and
/// lists every broken rule at once.
pub fn to_input(kind: Kind, values: &Values, lang: Lang) -> Result<JsValue, Vec<FieldError>> {
    let mut top = Obj::new();
    let mut nested: BTreeMap<&str, Obj> = BTreeMap::new();
    let mut problems = Vec::new();
    for spec in kind.fields() {
        let value: Option<JsValue> = match (spec.input, values.get(spec.name)) {
            (Many(_) | Countries, Some(Value::List(items))) => Some(str_array(items)),
            (Flag, Some(Value::Flag(b))) => Some(JsValue::from_bool(*b)),
            (Sources, Some(Value::Sources(rows))) => Some(
                rows.iter()
                    .filter(|(url, title)| !url.trim().is_empty() || !title.trim().is_empty())
                    .map(|(url, title)| {
                        let mut source = Obj::new().set("url", url.trim());
                        if !title.trim().is_empty() {
                            source = source.set("title", title.trim());
                        }
                        source.value()
                    })
                    .collect::<js_sys::Array>()
                    .into(),
            ),
            (Number, _) => {
                let s = text(values, spec.name);
                if s.is_empty() {
                    None
                } else if let Ok(n) = s.parse::<i32>() {
                    Some(JsValue::from_f64(n.into()))
                } else {
                    problems.push(error(spec.name, "NUMBER", t(lang, "whole_number")));
                    None
                }
            }
            (Numbers, _) => {
                let parts: Vec<String> = text(values, spec.name)
                    .split(',')
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect();
                let numbers: Result<Vec<i32>, _> = parts.iter().map(|p| p.parse()).collect();
                match numbers {
                    Ok(ns) => Some(
                        ns.into_iter()
                            .map(|n| JsValue::from_f64(n.into()))
                            .collect::<js_sys::Array>()
                            .into(),
                    ),
                    Err(_) => {
                        problems.push(error(spec.name, "NUMBER", t(lang, "whole_number")));
                        None
                    }
                }
            }
            (Ids, _) => {
                let ids: Vec<String> = text(values, spec.name)
                    .split(',')
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect();
                Some(str_array(&ids))
            }
            (Choice(_) | Country, _) => {
                let s = text(values, spec.name);
                if s.is_empty() {
                    if spec.required {
                        problems.push(error(spec.name, "REQUIRED", t(lang, "required")));
                    }
                    None
                } else {
                    Some(JsValue::from_str(&s))
                }
            }
            // Required texts go even when empty: the API then names the rule they break.
            _ => {
                let s = text(values, spec.name);
                (spec.required || !s.is_empty()).then(|| JsValue::from_str(&s))
            }
        };
        let Some(value) = value else { continue };
        match spec.name.split_once('.') {
            Some((object, name)) => {
                let obj = nested.remove(object).unwrap_or_default().set(name, value);
                nested.insert(object, obj);
            }
            None => top = top.set(spec.name, value),
        }
    }
    // Evidence is all or nothing: its design and whether objectives were met go together.
    if let Some(evidence) = nested.get("evidence") {
        let has = |name: &str| {
            js_sys::Reflect::has(&evidence.0, &JsValue::from_str(name)).unwrap_or(false)
        };
        for (name, other) in [("design", "objectivesMet"), ("objectivesMet", "design")] {
            if has(name) && !has(other) {
                problems.push(error(
                    if other == "design" {
                        "evidence.design"
                    } else {
                        "evidence.objectivesMet"
                    },
                    "REQUIRED",
                    t(lang, "required"),
                ));
            }
        }
        if !has("design") && !has("objectivesMet") {
            nested.remove("evidence");
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for (name, obj) in nested {
        top = top.set(name, obj.value());
    }
    Ok(top.value())
}

/// The form field an API error belongs to: `sources[0].url` → `sources`, `outcome` → the
/// first outcome field; `None` when the form has no such field.
pub fn field_of(kind: Kind, error_field: &str) -> Option<&'static str> {
    let specs = kind.fields();
    if let Some(spec) = specs.iter().find(|s| s.name == error_field) {
        return Some(spec.name);
    }
    let head = error_field.split(['[', '.']).next().unwrap_or(error_field);
    specs
        .iter()
        .find(|s| s.name == head || s.name.split('.').next() == Some(head))
        .map(|s| s.name)
}

/// The names of the fields whose values differ between two versions of a form.
pub fn differing(kind: Kind, a: &Values, b: &Values) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .filter(|s| a.get(s.name) != b.get(s.name))
        .map(|s| s.name)
        .collect()
}

/// Whether a rule is about personal data (the explanation is shown with it).
pub fn is_personal_data(rule: &str) -> bool {
    matches!(rule, "PERSONAL_DATA" | "CONTACT_DETAILS" | "WITHHELD_NAME")
}

/// A broken rule in the page's language: the rule's meaning, then the API's detail (in
/// English, so only where the page is not).
pub fn message(lang: Lang, error: &FieldError) -> String {
    match rule(lang, &error.rule) {
        Some(meaning) if lang != Lang::En => format!("{meaning} ({})", error.message),
        _ => error.message.clone(),
    }
}

/// The id of a field's element, for labels and the error summary's links.
pub fn dom_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub kind: Kind,
    pub lang: Lang,
    pub labels: Rc<Labels>,
    pub key_countries: Rc<Vec<String>>,
    pub values: Values,
    pub errors: Vec<FieldError>,
    pub readonly: bool,
    pub on_change: Callback<(&'static str, Value)>,
}

/// The fields of a record, each with its label, hint and errors.
#[function_component(RecordForm)]
pub fn record_form(props: &FormProps) -> Html {
    let lang = props.lang;
    let fields = props.kind.fields().iter().map(|spec| {
        let id = dom_id(spec.name);
        let errors: Vec<&FieldError> = props
            .errors
            .iter()
            .filter(|e| field_of(props.kind, &e.field) == Some(spec.name))
            .collect();
        let error_id = format!("{id}-error");
        let invalid = !errors.is_empty();
        let described = invalid.then(|| error_id.clone());
        let value = props.values.get(spec.name).cloned();
        let name = spec.name;
        let change = props.on_change.clone();
        let label = html! {
            <>
                { field(lang, spec.name) }
                if spec.required { <span class="tipx-required">{ format!(" ({})", t(lang, "required")) }</span> }
            </>
        };
        let control = control(spec, &id, described.clone(), invalid, value, props, move |v| {
            change.emit((name, v))
        });
        let error_list = (!errors.is_empty()).then(|| {
            html! {
                <div class="tipx-field-error" id={error_id.clone()}>
                    { for errors.iter().map(|e| html! {
                        <p>
                            { message(lang, e) }
                            if is_personal_data(&e.rule) { <br/><span>{ t(lang, "personal_data") }</span> }
                        </p>
                    }) }
                </div>
            }
        });
        let grouped = matches!(spec.input, Many(_) | Countries | Sources);
        if grouped {
            html! {
                <fieldset class={classes!("tipx-field", invalid.then_some("tipx-invalid"))} id={id.clone()} aria-describedby={described}>
                    <legend>{ label }</legend>
                    { for error_list }
                    { control }
                </fieldset>
            }
        } else {
            html! {
                <div class={classes!("tipx-field", invalid.then_some("tipx-invalid"))}>
                    <label for={id.clone()}>{ label }</label>
                    { for error_list }
                    { control }
                </div>
            }
        }
    });
    html! { <div class="tipx-form">{ for fields }</div> }
}

fn control(
    spec: &Spec,
    id: &str,
    described: Option<String>,
    invalid: bool,
    value: Option<Value>,
    props: &FormProps,
    emit: impl Fn(Value) + 'static,
) -> Html {
    let lang = props.lang;
    let disabled = props.readonly;
    let aria_invalid = invalid.then_some("true");
    let text_value = match &value {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    };
    let emit = Rc::new(emit);
    match spec.input {
        Text | Number | Numbers | Ids => {
            let e = emit.clone();
            let oninput = Callback::from(move |ev: InputEvent| {
                let input: HtmlInputElement = ev.target_unchecked_into();
                e(Value::Text(input.value()));
            });
            let inputmode = matches!(spec.input, Number).then_some("numeric");
            let hint = matches!(spec.input, Numbers | Ids).then(|| {
                html! { <span class="tipx-hint">{ t(lang, "list_hint") }</span> }
            });
            html! {
                <>
                    { for hint }
                    <input type="text" id={id.to_owned()} name={spec.name} value={text_value}
                        {inputmode} {oninput} {disabled} aria-invalid={aria_invalid}
                        aria-describedby={described} required={spec.required} dir="auto"/>
                </>
            }
        }
        LongText => {
            let e = emit.clone();
            let oninput = Callback::from(move |ev: InputEvent| {
                let input: HtmlTextAreaElement = ev.target_unchecked_into();
                e(Value::Text(input.value()));
            });
            html! {
                <textarea id={id.to_owned()} name={spec.name} value={text_value} rows="4"
                    {oninput} {disabled} aria-invalid={aria_invalid}
                    aria-describedby={described} required={spec.required} dir="auto"/>
            }
        }
        Choice(_) | Country => {
            let options: Vec<(String, String)> = match spec.input {
                Choice(list) => props
                    .labels
                    .entries(list)
                    .into_iter()
                    .map(|(c, l)| (c.to_owned(), l.to_owned()))
                    .collect(),
                _ => props
                    .key_countries
                    .iter()
                    .map(|c| (c.clone(), c.clone()))
                    .collect(),
            };
            if options.is_empty() {
                // A key for every country (an admin's): the ISO code is typed in.
                let e = emit.clone();
                let oninput = Callback::from(move |ev: InputEvent| {
                    let input: HtmlInputElement = ev.target_unchecked_into();
                    e(Value::Text(input.value().trim().to_ascii_uppercase()));
                });
                return html! {
                    <input type="text" id={id.to_owned()} name={spec.name} value={text_value}
                        maxlength="2" {oninput} {disabled} aria-invalid={aria_invalid}
                        aria-describedby={described}/>
                };
            }
            let e = emit.clone();
            let onchange = Callback::from(move |ev: Event| {
                let select: HtmlSelectElement = ev.target_unchecked_into();
                e(Value::Text(select.value()));
            });
            html! {
                <select id={id.to_owned()} name={spec.name} {onchange} {disabled}
                    aria-invalid={aria_invalid} aria-describedby={described} required={spec.required}>
                    <option value="" selected={text_value.is_empty()}>{ t(lang, "choose") }</option>
                    { for options.into_iter().map(|(code, label)| html! {
                        <option value={code.clone()} selected={code == text_value}>{ label }</option>
                    }) }
                </select>
            }
        }
        Many(_) | Countries => {
            let chosen = match &value {
                Some(Value::List(items)) => items.clone(),
                _ => Vec::new(),
            };
            let options: Vec<(String, String)> = match spec.input {
                Many(list) => props
                    .labels
                    .entries(list)
                    .into_iter()
                    .map(|(c, l)| (c.to_owned(), l.to_owned()))
                    .collect(),
                _ => {
                    let mut codes = (*props.key_countries).clone();
                    // An admin's key (every country) or a draft naming other countries.
                    for c in &chosen {
                        if !codes.contains(c) {
                            codes.push(c.clone());
                        }
                    }
                    codes.into_iter().map(|c| (c.clone(), c)).collect()
                }
            };
            let boxes = options.into_iter().map(|(code, label)| {
                let checked = chosen.contains(&code);
                let (e, chosen, c) = (emit.clone(), chosen.clone(), code.clone());
                let onchange = Callback::from(move |ev: Event| {
                    let input: HtmlInputElement = ev.target_unchecked_into();
                    let mut items = chosen.clone();
                    items.retain(|x| x != &c);
                    if input.checked() {
                        items.push(c.clone());
                    }
                    e(Value::List(items));
                });
                let box_id = format!("{id}-{code}");
                html! {
                    <label class="tipx-check" for={box_id.clone()}>
                        <input type="checkbox" id={box_id} value={code} {checked} {onchange} {disabled}/>
                        { label }
                    </label>
                }
            });
            let typed = (matches!(spec.input, Countries) && props.key_countries.is_empty()).then(|| {
                let e = emit.clone();
                let oninput = Callback::from(move |ev: InputEvent| {
                    let input: HtmlInputElement = ev.target_unchecked_into();
                    e(Value::List(
                        input
                            .value()
                            .split(',')
                            .map(|c| c.trim().to_ascii_uppercase())
                            .filter(|c| !c.is_empty())
                            .collect(),
                    ));
                });
                let label_id = format!("{id}-typed");
                html! {
                    <>
                        <label for={label_id.clone()} class="tipx-hint">{ t(lang, "list_hint") }</label>
                        <input type="text" id={label_id} value={chosen.join(", ")} {oninput} {disabled}/>
                    </>
                }
            });
            html! { <div class="tipx-checks">{ for boxes }{ for typed }</div> }
        }
        Flag => {
            let checked = matches!(value, Some(Value::Flag(true)));
            let e = emit.clone();
            let onchange = Callback::from(move |ev: Event| {
                let input: HtmlInputElement = ev.target_unchecked_into();
                e(Value::Flag(input.checked()));
            });
            html! {
                <input type="checkbox" id={id.to_owned()} name={spec.name} {checked} {onchange}
                    {disabled} aria-describedby={described}/>
            }
        }
        Sources => {
            let rows = match &value {
                Some(Value::Sources(rows)) => rows.clone(),
                _ => Vec::new(),
            };
            let row_html = rows.iter().enumerate().map(|(i, (url, title))| {
                let set = |i: usize, part: usize, rows: Vec<(String, String)>, e: Rc<dyn Fn(Value)>| {
                    Callback::from(move |ev: InputEvent| {
                        let input: HtmlInputElement = ev.target_unchecked_into();
                        let mut rows = rows.clone();
                        if part == 0 {
                            rows[i].0 = input.value();
                        } else {
                            rows[i].1 = input.value();
                        }
                        e(Value::Sources(rows));
                    })
                };
                let e: Rc<dyn Fn(Value)> = emit.clone();
                let on_url = set(i, 0, rows.clone(), e.clone());
                let on_title = set(i, 1, rows.clone(), e.clone());
                let remove = {
                    let rows = rows.clone();
                    let e = e.clone();
                    Callback::from(move |_: MouseEvent| {
                        let mut rows = rows.clone();
                        rows.remove(i);
                        e(Value::Sources(rows));
                    })
                };
                let (url_id, title_id) = (format!("{id}-{i}-url"), format!("{id}-{i}-title"));
                html! {
                    <div class="tipx-source-row">
                        <label for={url_id.clone()}>{ t(lang, "source_url") }</label>
                        <input type="url" id={url_id} value={url.clone()} oninput={on_url} {disabled} dir="ltr"/>
                        <label for={title_id.clone()}>{ t(lang, "source_title") }</label>
                        <input type="text" id={title_id} value={title.clone()} oninput={on_title} {disabled} dir="auto"/>
                        if !disabled && rows.len() > 1 {
                            <button type="button" class="tipx-button tipx-secondary" onclick={remove}>{ t(lang, "remove") }</button>
                        }
                    </div>
                }
            });
            let add = {
                let rows = rows.clone();
                let e = emit.clone();
                Callback::from(move |_: MouseEvent| {
                    let mut rows = rows.clone();
                    rows.push((String::new(), String::new()));
                    e(Value::Sources(rows));
                })
            };
            html! {
                <>
                    { for row_html }
                    if !disabled {
                        <button type="button" class="tipx-button tipx-secondary" onclick={add}>{ t(lang, "add_source") }</button>
                    }
                </>
            }
        }
    }
}
