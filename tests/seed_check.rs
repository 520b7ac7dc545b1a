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
fn a_ratification_stored_as_unknown_needs_a_reason() {
    let issues = broken("ratifications.json", |r| {
        r[0]["status"] = "UNKNOWN".into();
        r[0]["note"] = Value::Null;
    });
    assert_caught(&issues, "an UNKNOWN row must say why");
    let fine = broken("ratifications.json", |r| {
        r[0]["status"] = "UNKNOWN".into();
        r[0]["note"] = "The depositary's table of that date is unreadable for this state.".into();
    });
    assert!(fine.is_empty(), "{fine:#?}");
}

/// The seed's UN member states and the instruments whose status table is complete.
fn members_and_complete_tables() -> (Vec<String>, Vec<String>) {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    let members = seed
        .countries
        .iter()
        .filter(|c| c.un_status.to_string() == "MEMBER")
        .map(|c| c.code.to_string())
        .collect();
    let complete = seed
        .instruments
        .iter()
        .filter(|i| i.status_table.as_ref().is_some_and(|t| t.complete))
        .map(|i| i.id.clone())
        .collect();
    (members, complete)
}

#[test]
fn every_member_state_has_a_row_for_each_complete_status_table() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    let (members, complete) = members_and_complete_tables();
    assert!(
        complete.len() >= 7,
        "UNTOC, the Protocol and the five ILO instruments at least"
    );
    for instrument in &complete {
        let rows: std::collections::HashSet<String> = seed
            .ratifications
            .iter()
            .filter(|r| &r.instrument == instrument)
            .map(|r| r.country.to_string())
            .collect();
        for m in &members {
            assert!(rows.contains(m), "{instrument}/{m} has no row");
        }
    }
    // And the validator says so when one is missing.
    let (instrument, country) = (complete[0].clone(), members[0].clone());
    let issues = broken("ratifications.json", |rows| {
        rows.retain(|r| {
            !(r["instrument"] == instrument.as_str() && r["country"] == country.as_str())
        })
    });
    assert_caught(&issues, &format!("{instrument}/{country}: no row"));
}

#[test]
fn a_row_of_a_complete_table_needs_its_as_of_date() {
    let (_, complete) = members_and_complete_tables();
    let issues = broken("ratifications.json", |rows| {
        let row = rows
            .iter_mut()
            .find(|r| r["instrument"] == complete[0].as_str())
            .unwrap();
        row["as_of"] = Value::Null;
    });
    assert_caught(&issues, "needs its as_of date");
}

#[test]
fn party_counts_are_computed_from_the_rows_never_typed_in() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    for i in seed.instruments.iter().filter(|i| i.is_treaty()) {
        let parties = seed
            .ratifications
            .iter()
            .filter(|r| r.instrument == i.id && r.status.to_string() == "PARTY")
            .count() as u32;
        assert_eq!(
            i.parties.as_ref().map(|p| p.parties),
            Some(parties),
            "{}",
            i.id
        );
    }
    let issues = broken(
        "instruments.json",
        |rows| rows[1]["parties"] = serde_json::json!({"parties": 187, "member_state_parties": 182, "signatories": 0, "as_of": null}),
    );
    assert_caught(&issues, "'parties' is computed");
}

#[test]
fn a_source_on_a_mirror_host_is_refused() {
    let issues = broken("laws.json", |laws| {
        laws[0]["sources"][0]["url"] = "https://www.scribd.com/document/123/some-act".into()
    });
    assert_caught(&issues, "scribd.com copies other publishers' documents");
    // Subdomains too, but not a host that merely ends with the same letters.
    let issues = broken("laws.json", |laws| {
        laws[0]["sources"][0]["url"] = "https://es.scribd.com/doc/1".into()
    });
    assert_caught(&issues, "scribd.com copies other publishers' documents");
    assert!(tipx_schema::core::rules::mirror_host("https://es.scribd.com/doc/1").is_some());
    assert!(tipx_schema::core::rules::mirror_host("https://notscribd.com/doc/1").is_none());
    assert!(tipx_schema::core::rules::mirror_host("https://www.ilo.org/x").is_none());
}

#[test]
fn every_seed_source_says_whether_it_is_primary() {
    let issues = broken("cases.json", |cases| {
        cases[0]["sources"][0]
            .as_object_mut()
            .unwrap()
            .remove("kind");
    });
    assert_caught(&issues, "needs a kind: PRIMARY or SECONDARY");
}

#[test]
fn a_withheld_name_is_refused_in_text_and_in_urls() {
    use tipx_schema::core::rules::{has_withheld_name, withheld_name_hash};
    // The list holds hashes only; a made-up name's hash is what a line would look like.
    assert_eq!(
        withheld_name_hash("Zyxwq Name"),
        withheld_name_hash("  zyxwq   NAME ")
    );
    let hashes = include_str!("../schema/src/core/withheld-names.sha256");
    let listed: Vec<&str> = hashes
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim_start_matches("first "))
        .collect();
    assert!(!listed.is_empty(), "the withheld-name list is empty");
    assert!(listed
        .iter()
        .all(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())));
    // Every record of the real seed passes (the_repository_seed_passes_the_check), and no
    // listed hash is the hash of a common word, which would refuse ordinary text.
    for word in [
        "court",
        "case",
        "trafficking",
        "victim",
        "cyprus",
        "france",
        "judgment",
    ] {
        assert!(!has_withheld_name(word), "{word} is on the withheld list");
    }
}

#[test]
fn every_member_state_has_its_name_in_the_six_un_languages() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    for c in seed
        .countries
        .iter()
        .filter(|c| c.un_status.to_string() == "MEMBER")
    {
        for lang in tipx_schema::vocab::Lang::ALL {
            let name = c.name_in(lang);
            assert!(!name.trim().is_empty(), "{} in {lang:?}", c.code);
            if lang != tipx_schema::vocab::Lang::En {
                assert!(
                    c.names.contains_key(lang.code()),
                    "{} has no {} name",
                    c.code,
                    lang.code()
                );
            }
        }
    }
    let issues = broken("countries.json", |countries| {
        let member = countries
            .iter_mut()
            .find(|c| c["un_status"] == "MEMBER")
            .unwrap();
        member["names"].as_object_mut().unwrap().remove("ar");
    });
    assert_caught(&issues, "needs its name in every UN language: no 'ar'");
}

#[test]
fn every_member_state_has_a_law_or_a_sourced_statement_that_it_has_none() {
    let seed = tipx_schema::seed::parse_seed(&seed_files()).expect("valid seed");
    let with_law: std::collections::HashSet<String> = seed
        .records
        .iter()
        .filter(|r| r.kind().to_string() == "LAW")
        .flat_map(|r| r.countries())
        .map(|c| c.to_string())
        .collect();
    let members: Vec<_> = seed
        .countries
        .iter()
        .filter(|c| c.un_status.to_string() == "MEMBER")
        .collect();
    assert!(
        members
            .iter()
            .filter(|c| with_law.contains(&c.code.to_string()))
            .count()
            >= 180,
        "at least 180 member states have a law"
    );
    for c in &members {
        assert!(
            with_law.contains(&c.code.to_string()) || c.law_gap.is_some(),
            "{} has neither a law nor a law_gap",
            c.code
        );
    }
    // A law removed leaves its state uncovered, and the validator names it.
    let issues = broken("laws.json", |laws| {
        let country = laws[0]["country"].clone();
        laws.retain(|l| l["country"] != country);
    });
    assert_caught(&issues, "needs a law in laws.json or a law_gap");
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
