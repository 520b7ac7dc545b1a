//! History as data: each change of a record is an append-only entry saying who (the
//! organisation and role, never a person), when, which status move, why, and which fields
//! changed with their values before and after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::actor::Role;
use super::status::Action;
use crate::ids::RecordId;
use crate::model::Record;
use crate::vocab::RecordStatus;

/// One field's value before and after a change (`None`: absent or empty).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field as records name it in JSON (e.g. `summary`, `countries`).
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One entry of a record's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub record_id: RecordId,
    /// The record's version after the change.
    pub version: i32,
    pub at: DateTime<Utc>,
    pub organisation: String,
    pub role: Role,
    pub action: Action,
    pub from_status: Option<RecordStatus>,
    pub to_status: RecordStatus,
    /// Why (required to reject or retract; the seed import gives its origin).
    pub reason: Option<String>,
    pub changes: Vec<FieldChange>,
}

/// The fields whose values differ between two versions of a record, in field order. The
/// bookkeeping (`meta`) is not a field of the record's content and is left out.
pub fn diff(before: Option<&Record>, after: &Record) -> Vec<FieldChange> {
    let fields = |r: Option<&Record>| -> serde_json::Map<String, Value> {
        match r.map(serde_json::to_value) {
            Some(Ok(Value::Object(mut map))) => {
                map.remove("meta");
                map.retain(|_, v| !is_empty(v));
                map
            }
            _ => serde_json::Map::new(),
        }
    };
    let old = fields(before);
    let new = fields(Some(after));
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| old.get(*name) != new.get(*name))
        .map(|name| FieldChange {
            field: name.clone(),
            before: old.get(name).cloned(),
            after: new.get(name).cloned(),
        })
        .collect()
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(summary: &str, countries: &[&str]) -> Record {
        serde_json::from_value(serde_json::json!({
            "kind": "PRACTICE", "id": "PR99", "title": "A practice",
            "countries": countries, "lead_organisation": "An agency",
            "organisation_type": "GOVERNMENT", "start_year": 2020, "end_year": null,
            "approach": null, "target_groups_note": null,
            "summary": summary, "language": "en",
            "sources": [{ "url": "https://example.org", "title": null, "accessed": null }]
        }))
        .unwrap()
    }

    #[test]
    fn only_changed_fields_are_listed_with_before_and_after() {
        let a = practice("Old words.", &["NG"]);
        let b = practice("New words.", &["NG", "GH"]);
        let changes = diff(Some(&a), &b);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["countries", "summary"]);
        assert_eq!(changes[1].before, Some(Value::from("Old words.")));
        assert_eq!(changes[1].after, Some(Value::from("New words.")));
        assert!(diff(Some(&a), &a).is_empty());
    }

    #[test]
    fn a_new_record_lists_every_field_it_has_and_meta_never() {
        let a = practice("Words.", &["NG"]);
        let changes = diff(None, &a);
        assert!(changes
            .iter()
            .all(|c| c.before.is_none() && c.after.is_some()));
        assert!(changes.iter().any(|c| c.field == "title"));
        assert!(!changes
            .iter()
            .any(|c| c.field == "meta" || c.field == "end_year"));
    }
}
