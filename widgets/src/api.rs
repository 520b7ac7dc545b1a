//! The one way the widgets reach the server: GraphQL over HTTP GET (cacheable, and a simple
//! CORS request with no preflight), with queries checked against `schema/schema.graphql` at
//! build time by `graphql_client`.

use std::cell::RefCell;
use std::rc::Rc;

use graphql_client::GraphQLQuery;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Lang;
use crate::small::VecMap;

/// Scalars of the schema, as the API writes them.
pub type DateTime = String;
pub type NaiveDate = String;

// Code lists travel as their codes (`FORCED_LABOUR`): the widgets only look labels up and
// pass codes back, and one `String` costs far less WebAssembly than a generated enum with
// its (de)serialisers in every query module.
pub type RecordKind = String;
pub type FacetField = String;
pub type TraffickingForm = String;
pub type TargetGroup = String;
pub type Sector = String;
pub type Pillar = String;
pub type SdgTarget = String;
pub type EvaluationDesign = String;
pub type LawInstrumentType = String;
pub type OrganisationType = String;
pub type CaseType = String;
pub type PartyStatus = String;
pub type SearchSort = String;

/// One typed query per operation, each checked against the schema when the crate compiles.
macro_rules! queries {
    ($($name:ident from $file:tt;)+) => {$(
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema/schema.graphql",
            query_path = $file,
            extern_enums(
                "RecordKind", "FacetField", "TraffickingForm", "TargetGroup", "Sector", "Pillar",
                "SdgTarget", "EvaluationDesign", "LawInstrumentType", "OrganisationType",
                "CaseType", "PartyStatus", "SearchSort"
            ),
            response_derives = "Debug, Clone, PartialEq"
        )]
        pub struct $name;
    )+};
}

queries! {
    Taxonomy from "queries/taxonomy.graphql";
}
#[cfg(feature = "search")]
queries! {
    SearchRecords from "queries/search.graphql";
}
#[cfg(feature = "country")]
queries! {
    CountryProfile from "queries/country.graphql";
}
#[cfg(feature = "record")]
queries! {
    LawCard from "queries/record.graphql";
    PracticeCard from "queries/record.graphql";
    CaseCard from "queries/record.graphql";
}

/// A failed request: the API's error code (or `NETWORK`) and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Deserialize)]
struct GqlError {
    message: String,
    #[serde(default)]
    extensions: Option<GqlExtensions>,
}

#[derive(Deserialize)]
struct GqlExtensions {
    code: Option<String>,
}

#[derive(Deserialize)]
struct GqlResponse<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GqlError>,
}

fn js_message(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the request failed".to_owned())
}

include!(concat!(env!("OUT_DIR"), "/persisted.rs"));

/// Variables as JSON text, written by the browser's `JSON.stringify`.
fn encode_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string())
        .ok_or_else(|| ApiError::new("CLIENT", "the variables could not be written"))
}

/// Runs one query and returns its data, or the first error with its code. The request names
/// the document by its persisted-query id (a short, cacheable GET URL); a server that does not
/// know the id answers PERSISTED_QUERY_NOT_FOUND, and the document is sent once more in full.
pub async fn run<Q: GraphQLQuery>(
    endpoint: &str,
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError> {
    let body = Q::build_query(variables);
    let variables = encode_json(&body.variables)?;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    let base = format!(
        "{endpoint}{separator}operationName={}&variables={}",
        body.operation_name,
        js_sys::encode_uri_component(&variables),
    );
    if let Some(id) = persisted_id(body.operation_name) {
        let extensions = format!(r#"{{"persistedQuery":{{"version":1,"sha256Hash":"{id}"}}}}"#);
        let url = format!(
            "{base}&extensions={}",
            js_sys::encode_uri_component(&extensions)
        );
        match fetch::<Q>(&url).await {
            Err(e) if e.code == "PERSISTED_QUERY_NOT_FOUND" => {}
            other => return other,
        }
    }
    fetch::<Q>(&format!(
        "{base}&query={}",
        js_sys::encode_uri_component(body.query)
    ))
    .await
}

async fn fetch<Q: GraphQLQuery>(url: &str) -> Result<Q::ResponseData, ApiError> {
    let window = web_sys::window().ok_or_else(|| ApiError::new("CLIENT", "no window"))?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_mode(web_sys::RequestMode::Cors);
    let request = web_sys::Request::new_with_str_and_init(url, &init)
        .map_err(|e| ApiError::new("CLIENT", js_message(&e)))?;
    request
        .headers()
        .set("Accept", "application/json")
        .map_err(|e| ApiError::new("CLIENT", js_message(&e)))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| ApiError::new("NETWORK", js_message(&e)))?
        .unchecked_into();
    let bad = || {
        ApiError::new(
            "BAD_RESPONSE",
            format!(
                "the server answered HTTP {} without GraphQL data",
                response.status()
            ),
        )
    };
    // The browser parses the JSON (`Response.json()`); serde-wasm-bindgen reads the typed
    // data out of the parsed value, so no JSON parser is compiled into the WebAssembly.
    let json = JsFuture::from(response.json().map_err(|_| bad())?)
        .await
        .map_err(|_| bad())?;
    let parsed: GqlResponse<Q::ResponseData> =
        serde_wasm_bindgen::from_value(json).map_err(|_| bad())?;
    if let Some(first) = parsed.errors.into_iter().next() {
        let code = first
            .extensions
            .and_then(|e| e.code)
            .unwrap_or_else(|| "INTERNAL".to_owned());
        return Err(ApiError::new(&code, first.message));
    }
    parsed
        .data
        .ok_or_else(|| ApiError::new("BAD_RESPONSE", "the answer carried no data"))
}

/// Code-list labels of one language: list name to code to label.
#[derive(Debug, Default, PartialEq)]
pub struct Labels {
    lists: VecMap<String, VecMap<String, String>>,
}

impl Labels {
    /// The label of a code, or the code itself when the list does not know it.
    pub fn get<'a>(&'a self, list: &str, code: &'a str) -> &'a str {
        self.lists
            .get(list)
            .and_then(|l| l.get(code))
            .map(String::as_str)
            .unwrap_or(code)
    }

    /// Every (code, label) of a list, by label.
    pub fn entries(&self, list: &str) -> Vec<(&str, &str)> {
        let mut entries: Vec<(&str, &str)> = self
            .lists
            .get(list)
            .map(|l| l.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect())
            .unwrap_or_default();
        entries.sort_by(|a, b| a.1.cmp(b.1));
        entries
    }
}

thread_local! {
    /// Labels already fetched, per language, shared by every widget on the page.
    static LABELS: RefCell<VecMap<Lang, Rc<Labels>>> = RefCell::new(VecMap::default());
}

/// The code-list labels of a language, fetched once per page.
pub async fn labels(endpoint: &str, lang: Lang) -> Result<Rc<Labels>, ApiError> {
    if let Some(cached) = LABELS.with(|l| l.borrow().get(&lang).cloned()) {
        return Ok(cached);
    }
    let data = run::<Taxonomy>(
        endpoint,
        taxonomy::Variables {
            lang: lang.code().to_owned(),
        },
    )
    .await?;
    let labels = Rc::new(Labels {
        lists: data
            .taxonomy
            .lists
            .into_iter()
            .map(|l| {
                (
                    l.name,
                    l.entries.into_iter().map(|e| (e.code, e.label)).collect(),
                )
            })
            .collect(),
    });
    LABELS.with(|l| l.borrow_mut().insert(lang, labels.clone()));
    Ok(labels)
}

impl Labels {
    /// Labels from (list, code, label) triples; for tests and previews.
    pub fn from_triples<'a>(
        triples: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Labels {
        let mut lists: VecMap<String, VecMap<String, String>> = VecMap::default();
        for (list, code, label) in triples {
            lists
                .entry_or_default(list.to_owned())
                .insert(code.to_owned(), label.to_owned());
        }
        Labels { lists }
    }
}
