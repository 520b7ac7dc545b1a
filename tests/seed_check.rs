//! The seed validator: the real seed passes; each kind of fault in a broken copy is caught and
//! named with its file and record.

use serde_json::Value;

use crate::helpers::seed_files;
use tipx_api::seed::SeedFiles;

/// The repository's seed with one file changed by `edit`.
fn broken(file: &str, edit: impl FnOnce(&mut Vec<Value>)) -> Vec<String> {
    let mut files = seed_files();
    let entry = files
        .iter_mut()
        .find(|(name, _)| name == file)
        .expect("seed file");
    let mut values: Vec<Value> = serde_json::from_str(&entry.1).unwrap();
    edit(&mut values);
    entry.1 = serde_json::to_string_pretty(&values).unwrap();
    match tipx_schema::seed::parse_seed(&files) {
        Ok(_) => Vec::new(),
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    }
}

fn assert_caught(issues: &[String], needle: &str) {
    assert!(
        issues.iter().any(|i| i.contains(needle)),
        "expected an issue containing {needle:?}, got {issues:#?}"
    );
}

#[test]
fn the_repository_seed_passes_the_check() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).unwrap_or_else(|issues| {
        panic!(
            "seed check failed:\n{}",
            issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let counts = seed.counts();
    assert_eq!(
        seed.countries
            .iter()
            .filter(|c| c.un_status.to_string() == "MEMBER")
            .count(),
        193
    );
    assert!(counts.laws > 0 && counts.practices > 0 && counts.cases > 0);
}

#[test]
fn the_embedded_seed_is_the_repository_seed() {
    let embedded = SeedFiles::load(None).unwrap();
    assert_eq!(
        embedded.files,
        seed_files(),
        "rebuild tipx after editing seed/"
    );
}

#[test]
fn an_unknown_country_is_named_with_its_file_and_record() {
    let issues = broken("laws.json", |laws| laws[2]["country"] = "XX".into());
    let id = serde_json::from_str::<Vec<Value>>(&seed_files()[4].1).unwrap()[2]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_caught(
        &issues,
        &format!("laws.json: record {id}: unknown country code 'XX'"),
    );
}

#[test]
fn a_record_without_a_source_is_caught() {
    let issues = broken("practices.json", |p| p[0]["sources"] = Value::Array(vec![]));
    assert_caught(
        &issues,
        "practices.json: record PR01: needs at least one source",
    );
}

#[test]
fn a_source_that_is_not_a_url_is_caught() {
    let issues = broken("cases.json", |c| {
        c[0]["sources"][0]["url"] = "see the court's website".into()
    });
    assert_caught(&issues, "is not an http(s) URL");
}

#[test]
fn duplicate_ids_and_titles_are_caught() {
    let issues = broken("practices.json", |p| {
        let copy = p[0].clone();
        p.push(copy);
    });
    assert_caught(&issues, "duplicate id");
    assert_caught(&issues, "duplicate title");
}

#[test]
fn an_unknown_enum_value_is_caught() {
    let issues = broken("practices.json", |p| {
        p[1]["pillars"] = serde_json::json!(["PREVENTION", "PUBLICITY"])
    });
    assert_caught(
        &issues,
        "practices.json: record PR02: unknown variant `PUBLICITY`",
    );
}

#[test]
fn a_date_that_does_not_parse_and_a_year_out_of_range_are_caught() {
    let issues = broken("instruments.json", |i| {
        i[0]["adopted_on"] = "25 September 1926".into()
    });
    assert_caught(&issues, "instruments.json: record SLAVERY_1926");
    let issues = broken("laws.json", |l| l[0]["year_enacted"] = 3000.into());
    assert_caught(&issues, "year 3000 is out of range");
}

#[test]
fn a_link_to_a_missing_law_is_caught() {
    let issues = broken("cases.json", |c| {
        c[0]["laws_applied"] = serde_json::json!(["LW9999"])
    });
    assert_caught(&issues, "laws_applied names 'LW9999'");
}

#[test]
fn contact_details_in_free_text_are_caught() {
    let issues = broken("practices.json", |p| {
        p[0]["summary"] = "Call the hotline on +1 888 373 7888 or write to help@example.org.".into()
    });
    assert_caught(
        &issues,
        "practices.json: record PR01: summary contains what looks like contact details",
    );
    let issues = broken("cases.json", |c| {
        c[0]["outcome"]["note"] = "Contact: registry@court.example.int".into()
    });
    assert_caught(
        &issues,
        "outcome.note contains what looks like contact details",
    );
}

#[test]
fn an_overlong_summary_and_a_misspelt_field_are_caught() {
    let issues = broken("laws.json", |l| l[0]["summary"] = "word ".repeat(61).into());
    assert_caught(&issues, "summary must have 1 to 60 words (has 61)");
    let issues = broken("laws.json", |l| {
        let v = l[0]["title"].clone();
        l[0].as_object_mut().unwrap().insert("tittle".into(), v);
    });
    assert_caught(&issues, "unknown field `tittle`");
}

#[test]
fn a_ratification_stored_as_unknown_is_refused() {
    let issues = broken("ratifications.json", |r| r[0]["status"] = "UNKNOWN".into());
    assert_caught(&issues, "status UNKNOWN is never stored");
}

#[test]
fn the_committed_catalogue_matches_the_seed() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    let committed = std::fs::read_to_string(crate::helpers::repo_root().join("seed/CATALOGUE.md"))
        .unwrap_or_default();
    assert!(
        committed == tipx_schema::seed::catalogue(&seed),
        "seed/CATALOGUE.md is out of date: run `cargo run -p tipx-api -- seed --catalogue --seed-dir seed --out seed/CATALOGUE.md`"
    );
}

#[test]
fn the_catalogue_counts_every_region() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    let text = tipx_schema::seed::catalogue(&seed);
    for region in seed
        .regions
        .iter()
        .filter(|r| r.level.to_string() == "REGION")
    {
        assert!(
            text.contains(&format!("| {} |", region.name)),
            "{} missing from the catalogue",
            region.name
        );
    }
}
