//! The SDL in schema/schema.graphql is what partners and the widgets build against: it must be
//! exactly what the code serves.

use crate::helpers::repo_root;

#[test]
fn schema_graphql_matches_the_served_schema() {
    let path = repo_root().join("schema").join("schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = tipx_schema::graphql::sdl();
    assert!(
        committed == current,
        "schema/schema.graphql is out of date: run `cargo run -p tipx-api -- gen schema --out schema/schema.graphql` and commit it"
    );
}

#[test]
fn every_field_and_type_in_the_schema_is_documented() {
    let sdl = tipx_schema::graphql::sdl();
    let mut undocumented = Vec::new();
    let mut previous_was_doc = false;
    let mut in_block = false;
    for line in sdl.lines() {
        let t = line.trim();
        if in_block {
            if t.ends_with("\"\"\"") {
                in_block = false;
                previous_was_doc = true;
            }
            continue;
        }
        if t.starts_with("\"\"\"") {
            in_block = !(t.len() > 3 && t.ends_with("\"\"\""));
            previous_was_doc = !in_block;
            continue;
        }
        if t.starts_with('"') {
            previous_was_doc = true;
            continue;
        }
        let declares_type = ["type ", "enum ", "input ", "interface ", "union "]
            .iter()
            .any(|k| t.starts_with(k));
        let declares_field = line.starts_with('\t') && !line.starts_with("\t\t") && t.contains(':');
        let generated = t.starts_with(')')
            || [
                "PageInfo",
                "Connection",
                "Edge",
                "type Query",
                "query: Query",
                "mutation: Mutation",
                "subscription: Subscription",
            ]
            .iter()
            .any(|g| t.contains(g));
        if (declares_type || declares_field) && !previous_was_doc && !generated {
            undocumented.push(t.to_owned());
        }
        previous_was_doc = false;
    }
    assert!(
        undocumented.is_empty(),
        "undocumented schema items:\n{}",
        undocumented.join("\n")
    );
}
