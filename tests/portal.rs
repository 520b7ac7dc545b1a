//! The contributor and moderator pages' GraphQL documents (`widgets/queries/portal/`) against
//! the real schema: the pages send them as they are, built by hand into requests, so this is
//! where a field renamed in the schema would be caught before a focal point meets it.

use serde_json::{json, Value};

use crate::helpers::{error_codes, gql_as, key, spawn_app};

/// Variables that get each document past validation: the values matter only in type.
fn variables_for(document: &str) -> Value {
    let mut vars = serde_json::Map::new();
    for (name, value) in [
        ("id", json!("PR9999")),
        ("version", json!(1)),
        ("reason", json!("a reason")),
        ("countries", json!([])),
        ("kinds", json!([])),
        ("law", json!(false)),
        ("practice", json!(true)),
        ("case", json!(false)),
    ] {
        if document.contains(&format!("${name}:")) {
            vars.insert(name.to_owned(), value);
        }
    }
    // The smallest input of each kind that the form sends (its required fields).
    let common = json!({ "title": "t", "summary": "s", "language": "en",
        "sources": [{ "url": "https://example.org/" }] });
    for (input_type, own) in [
        (
            "LawInput",
            json!({ "country": "NG", "instrumentType": "STATUTE" }),
        ),
        (
            "PracticeInput",
            json!({ "leadOrganisation": "o", "organisationType": "NGO" }),
        ),
        (
            "CaseInput",
            json!({ "courtOrAgency": "c", "caseType": "PROSECUTION" }),
        ),
    ] {
        if document.contains(&format!("{input_type}!")) {
            let mut input = common.clone();
            for (k, v) in own.as_object().unwrap() {
                input[k] = v.clone();
            }
            vars.insert("input".to_owned(), input);
        }
    }
    Value::Object(vars)
}

#[tokio::test]
async fn every_portal_document_is_valid_against_the_schema() {
    let app = spawn_app().await;
    let (_, admin) = key(&app, "admin", &[], "Platform administrators");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../widgets/queries/portal");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the portal's documents") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("graphql") {
            continue;
        }
        let document = std::fs::read_to_string(&path).unwrap();
        let answer = gql_as(&app, Some(&admin), &document, variables_for(&document)).await;
        let codes = error_codes(&answer);
        assert!(
            !codes
                .iter()
                .any(|c| c == "GRAPHQL_VALIDATION_FAILED" || c == "GRAPHQL_PARSE_FAILED"),
            "{} does not fit the schema: {answer}",
            path.display()
        );
        checked += 1;
    }
    // Sign-in, lists, one record, create/update × 3 kinds, propose, the five moves.
    assert!(
        checked >= 17,
        "only {checked} documents found in {}",
        dir.display()
    );
}
