//! Persisted queries, in Apollo's "automatic persisted queries" convention: a request may
//! name its document by SHA-256 (`extensions.persistedQuery.sha256Hash`, version 1) instead of
//! sending it, so a GET URL stays short and any HTTP cache can hold the answer.
//!
//! The widgets' documents are known from the start (their `.graphql` files are compiled in,
//! and the widgets hash the same bytes at build time), so every node answers them without
//! having seen them before: nodes behind a load balancer share no state. Other documents are
//! learnt when a client sends one with its hash, kept in a bounded per-node cache; a node that
//! does not know a hash answers `PERSISTED_QUERY_NOT_FOUND` and the client sends the document.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};
use tipx_schema::error::ErrorCode;

/// The widgets' query documents, byte for byte as the widgets send (and hash) them.
const WIDGET_QUERIES: [&str; 4] = [
    include_str!("../../../widgets/queries/search.graphql"),
    include_str!("../../../widgets/queries/taxonomy.graphql"),
    include_str!("../../../widgets/queries/country.graphql"),
    include_str!("../../../widgets/queries/record.graphql"),
];

/// Learnt documents kept per node, at most.
const MAX_LEARNT: usize = 1_000;

/// Known documents by their SHA-256 (lower-case hex).
pub struct PersistedQueries {
    fixed: HashMap<String, Arc<str>>,
    learnt: RwLock<HashMap<String, Arc<str>>>,
}

/// The SHA-256 of a document, as a persisted-query id.
pub fn query_id(document: &str) -> String {
    Sha256::digest(document.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Default for PersistedQueries {
    fn default() -> Self {
        PersistedQueries {
            fixed: WIDGET_QUERIES
                .iter()
                .map(|q| (query_id(q), Arc::from(*q)))
                .collect(),
            learnt: RwLock::new(HashMap::new()),
        }
    }
}

impl PersistedQueries {
    /// Fills in `request.query` from its persisted-query id, or learns the document it brings.
    /// A request without the extension is left as it is.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), (ErrorCode, String)> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let json = persisted.clone().into_json().unwrap_or_default();
        let version = json.get("version").and_then(serde_json::Value::as_i64);
        let Some(hash) = json.get("sha256Hash").and_then(serde_json::Value::as_str) else {
            return Err((
                ErrorCode::BadRequest,
                "persistedQuery needs a sha256Hash".into(),
            ));
        };
        if version != Some(1) {
            return Err((
                ErrorCode::BadRequest,
                "persistedQuery version must be 1".into(),
            ));
        }
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err((
                ErrorCode::BadRequest,
                "sha256Hash must be 64 hexadecimal digits".into(),
            ));
        }
        if request.query.is_empty() {
            let known = self.fixed.get(&hash).cloned().or_else(|| {
                self.learnt
                    .read()
                    .ok()
                    .and_then(|learnt| learnt.get(&hash).cloned())
            });
            return match known {
                Some(document) => {
                    request.query = document.to_string();
                    Ok(())
                }
                // Apollo clients look for this exact message before sending the document.
                None => Err((
                    ErrorCode::PersistedQueryNotFound,
                    "PersistedQueryNotFound".into(),
                )),
            };
        }
        if query_id(&request.query) != hash {
            return Err((
                ErrorCode::BadRequest,
                "provided sha256Hash does not match the query".into(),
            ));
        }
        if !self.fixed.contains_key(&hash) {
            if let Ok(mut learnt) = self.learnt.write() {
                if learnt.len() >= MAX_LEARNT {
                    learnt.clear();
                }
                learnt.insert(hash, Arc::from(request.query.as_str()));
            }
        }
        Ok(())
    }

    /// The ids of the widgets' documents (for tests and the widget build's check).
    pub fn widget_ids() -> Vec<String> {
        WIDGET_QUERIES.iter().map(|q| query_id(q)).collect()
    }
}
