//! Listing with filters: every answer is checked against a brute-force count over the seed.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{error_codes, seed, spawn_app, TestApp};
use tipx_schema::model::Record;
use tipx_schema::store::SeedData;
use tipx_schema::vocab::{RecordKind, TraffickingForm};

/// Every record id a listing returns, walking all pages.
async fn all_ids(app: &TestApp, field: &str, filter: Value) -> BTreeSet<String> {
    let query = format!(
        "query($filter: RecordFilterInput, $after: String) {{ {field}(filter: $filter, first: 100, after: $after) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ recordId }} }} }}"
    );
    let mut ids = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(&query, json!({ "filter": filter, "after": after }))
            .await;
        let conn = &data[field];
        for node in conn["nodes"].as_array().unwrap() {
            ids.insert(node["recordId"].as_str().unwrap().to_owned());
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, ids.len());
            return ids;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

fn expected(seed: &SeedData, kind: RecordKind, keep: impl Fn(&Record) -> bool) -> BTreeSet<String> {
    seed.records
        .iter()
        .filter(|r| r.kind() == kind && keep(r))
        .map(|r| r.id().to_string())
        .collect()
}

fn in_area(seed: &SeedData, record: &Record, area: &str) -> bool {
    record.countries().iter().any(|code| {
        seed.countries
            .iter()
            .find(|c| c.code == *code)
            .is_some_and(|c| c.areas().any(|a| a.as_str() == area))
    })
}

#[tokio::test]
async fn practices_filtered_by_country_match_the_seed() {
    let app = spawn_app().await;
    let seed = seed();
    for country in ["BR", "US", "TH", "NG"] {
        let got = all_ids(&app, "practices", json!({ "countries": [country] })).await;
        let want = expected(&seed, RecordKind::Practice, |r| {
            r.countries().iter().any(|c| c.as_str() == country)
        });
        assert_eq!(got, want, "practices in {country}");
    }
}

#[tokio::test]
async fn include_global_adds_global_practices_to_a_country() {
    let app = spawn_app().await;
    let seed = seed();
    let got = all_ids(
        &app,
        "practices",
        json!({ "countries": ["NG"], "includeGlobal": true }),
    )
    .await;
    let want = expected(&seed, RecordKind::Practice, |r| {
        r.is_global() || r.countries().iter().any(|c| c.as_str() == "NG")
    });
    assert_eq!(got, want);
    assert!(
        seed.records.iter().any(Record::is_global),
        "the seed has global practices"
    );
}

#[tokio::test]
async fn records_filtered_by_region_at_every_m49_level_match_the_seed() {
    let app = spawn_app().await;
    let seed = seed();
    // Asia (region), South-eastern Asia (sub-region), Western Africa (intermediate region).
    for area in ["142", "035", "011"] {
        for (field, kind) in [
            ("practices", RecordKind::Practice),
            ("laws", RecordKind::Law),
            ("cases", RecordKind::Case),
        ] {
            let got = all_ids(&app, field, json!({ "regions": [area] })).await;
            let want = expected(&seed, kind, |r| in_area(&seed, r, area));
            assert_eq!(got, want, "{field} in area {area}");
        }
    }
}

#[tokio::test]
async fn facet_and_year_filters_combine_as_all_of() {
    let app = spawn_app().await;
    let seed = seed();
    let got = all_ids(
        &app,
        "laws",
        json!({ "forms": ["FORCED_LABOUR", "ORGAN_REMOVAL"], "yearFrom": 2010, "yearTo": 2020 }),
    )
    .await;
    let want = expected(&seed, RecordKind::Law, |r| {
        let Record::Law(l) = r else { return false };
        l.forms.iter().any(|f| {
            matches!(
                f,
                TraffickingForm::ForcedLabour | TraffickingForm::OrganRemoval
            )
        }) && l.year_enacted.is_some_and(|y| (2010..=2020).contains(&y))
    });
    assert!(!want.is_empty(), "the seed has such laws");
    assert_eq!(got, want);

    let got = all_ids(
        &app,
        "practices",
        json!({ "pillars": ["PROTECTION"], "regions": ["019"] }),
    )
    .await;
    let want = expected(&seed, RecordKind::Practice, |r| {
        let Record::Practice(p) = r else { return false };
        p.pillars.iter().any(|x| x.to_string() == "PROTECTION") && in_area(&seed, r, "019")
    });
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_practice_matches_a_year_range_while_it_was_active() {
    let app = spawn_app().await;
    let seed = seed();
    let got = all_ids(
        &app,
        "practices",
        json!({ "yearFrom": 2018, "yearTo": 2019 }),
    )
    .await;
    let want = expected(&seed, RecordKind::Practice, |r| {
        let Record::Practice(p) = r else { return false };
        p.start_year.is_some_and(|s| s <= 2019) && p.end_year.is_none_or(|e| e >= 2018)
    });
    assert_eq!(got, want);
}

#[tokio::test]
async fn bad_filter_values_are_rejected_with_bad_user_input() {
    let app = spawn_app().await;
    let q = "query($f: RecordFilterInput) { practices(filter: $f) { totalCount } }";
    for filter in [
        json!({ "countries": ["XX"] }),
        json!({ "countries": ["NG\" OR kind = \"draft"] }),
        json!({ "regions": ["999"] }),
        json!({ "regions": ["Africa"] }),
        json!({ "yearFrom": 2020, "yearTo": 2010 }),
        json!({ "yearFrom": 1200 }),
        json!({ "countries": vec!["NG"; 51] }),
    ] {
        let answer = app.gql(q, json!({ "f": filter })).await;
        assert_eq!(
            error_codes(&answer),
            ["BAD_USER_INPUT"],
            "filter {filter}: {answer}"
        );
    }
    let answer = app
        .gql(
            r#"{ laws(filter: { pillars: [PREVENTION] }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        error_codes(&answer),
        ["BAD_USER_INPUT"],
        "laws have no pillars"
    );
    let answer = app
        .gql(
            r#"{ laws(filter: { forms: [NOT_A_FORM] }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&answer), ["GRAPHQL_VALIDATION_FAILED"]);
}
