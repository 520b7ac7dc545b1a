//! The portal's way to the API: GraphQL over POST to this origin's `/graphql`, with the key
//! as a bearer token. Answers are read as plain JavaScript values (the browser parses the
//! JSON); [`Js`] reads fields out of them.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// One broken rule of a record, as the API lists them in `extensions.fields`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub rule: String,
    pub message: String,
}

/// A failed request: the API's code (or `NETWORK`), its message, and the broken rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalError {
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl PortalError {
    pub fn new(code: &str, message: impl Into<String>) -> PortalError {
        PortalError {
            code: code.to_owned(),
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

/// A JavaScript value with typed readers for the fields of a GraphQL answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Js(pub JsValue);

impl Js {
    /// The value at a dotted path (`draft.history`), `undefined` when absent.
    pub fn at(&self, path: &str) -> Js {
        let mut value = self.0.clone();
        for part in path.split('.') {
            if !value.is_object() {
                return Js(JsValue::UNDEFINED);
            }
            value = js_sys::Reflect::get(&value, &JsValue::from_str(part))
                .unwrap_or(JsValue::UNDEFINED);
        }
        Js(value)
    }

    pub fn is_present(&self) -> bool {
        !self.0.is_undefined() && !self.0.is_null()
    }

    pub fn str(&self, path: &str) -> Option<String> {
        self.at(path).0.as_string()
    }

    pub fn string(&self, path: &str) -> String {
        self.str(path).unwrap_or_default()
    }

    pub fn int(&self, path: &str) -> Option<i64> {
        self.at(path).0.as_f64().map(|f| f as i64)
    }

    pub fn bool(&self, path: &str) -> bool {
        self.at(path).0.as_bool().unwrap_or(false)
    }

    pub fn list(&self, path: &str) -> Vec<Js> {
        let value = self.at(path).0;
        if js_sys::Array::is_array(&value) {
            js_sys::Array::from(&value).iter().map(Js).collect()
        } else {
            Vec::new()
        }
    }

    /// A list of strings; objects in it give their first field (`countries { code }`).
    pub fn strings(&self, path: &str) -> Vec<String> {
        self.list(path)
            .into_iter()
            .filter_map(|item| {
                item.0.as_string().or_else(|| {
                    item.0.as_f64().map(|f| f.to_string()).or_else(|| {
                        let object: &js_sys::Object = item.0.dyn_ref()?;
                        let values: js_sys::Array = js_sys::Object::values(object);
                        values.get(0).as_string()
                    })
                })
            })
            .collect()
    }
}

impl Js {
    /// The items joined by commas, when this is a list of strings or numbers only.
    pub fn strings_only(&self) -> Option<String> {
        if !js_sys::Array::is_array(&self.0) {
            return None;
        }
        js_sys::Array::from(&self.0)
            .iter()
            .map(|v| v.as_string().or_else(|| v.as_f64().map(|f| f.to_string())))
            .collect::<Option<Vec<String>>>()
            .map(|items| items.join(", "))
    }
}

fn message_of(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the request failed".to_owned())
}

/// Runs `document` with `variables` (a JavaScript object) as the holder of `key`; returns
/// the answer's `data`, or the first error with its code and broken rules.
pub async fn run(
    key: Option<&str>,
    document: &str,
    variables: &JsValue,
) -> Result<Js, PortalError> {
    let client = |e: JsValue| PortalError::new("CLIENT", message_of(&e));
    let body = js_sys::Object::new();
    js_sys::Reflect::set(&body, &"query".into(), &document.into()).map_err(client)?;
    js_sys::Reflect::set(&body, &"variables".into(), variables).map_err(client)?;
    let body = js_sys::JSON::stringify(&body).map_err(client)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let request = web_sys::Request::new_with_str_and_init("/graphql", &init).map_err(client)?;
    let headers = request.headers();
    headers
        .set("Content-Type", "application/json")
        .map_err(client)?;
    headers.set("Accept", "application/json").map_err(client)?;
    if let Some(key) = key {
        headers
            .set("Authorization", &format!("Bearer {key}"))
            .map_err(client)?;
    }
    let window = web_sys::window().ok_or_else(|| PortalError::new("CLIENT", "no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| PortalError::new("NETWORK", message_of(&e)))?
        .unchecked_into();
    let status = response.status();
    let bad = || {
        PortalError::new(
            "BAD_RESPONSE",
            format!("the server answered HTTP {status} without GraphQL data"),
        )
    };
    let json = Js(JsFuture::from(response.json().map_err(|_| bad())?)
        .await
        .map_err(|_| bad())?);
    if let Some(first) = json.list("errors").into_iter().next() {
        return Err(PortalError {
            code: first
                .str("extensions.code")
                .unwrap_or_else(|| "INTERNAL".to_owned()),
            message: first.string("message"),
            fields: first
                .list("extensions.fields")
                .into_iter()
                .map(|f| FieldError {
                    field: f.string("field"),
                    rule: f.string("rule"),
                    message: f.string("message"),
                })
                .collect(),
        });
    }
    let data = json.at("data");
    if data.is_present() {
        Ok(data)
    } else {
        Err(bad())
    }
}

/// A JavaScript object built field by field.
pub struct Obj(pub js_sys::Object);

impl Obj {
    pub fn new() -> Obj {
        Obj(js_sys::Object::new())
    }

    pub fn set(self, name: &str, value: impl Into<JsValue>) -> Obj {
        let _ = js_sys::Reflect::set(&self.0, &JsValue::from_str(name), &value.into());
        self
    }

    pub fn value(self) -> JsValue {
        self.0.into()
    }
}

impl Default for Obj {
    fn default() -> Self {
        Obj::new()
    }
}

/// A JavaScript array of strings.
pub fn str_array(items: &[String]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<js_sys::Array>()
        .into()
}

/// The key kept for this tab only (session storage, never a URL or a cookie).
pub mod session {
    const KEY: &str = "tipx.key";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    pub fn key() -> Option<String> {
        storage()?.get_item(KEY).ok()?.filter(|k| !k.is_empty())
    }

    pub fn keep(key: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, key);
        }
    }

    pub fn forget() {
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY);
        }
    }
}
