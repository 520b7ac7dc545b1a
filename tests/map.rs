//! `map`: one value per country for a world map. Every expected value is counted from the seed
//! files by brute force.

use std::collections::HashMap;

use chrono::Datelike;
use serde_json::{json, Value};

use tipx_schema::vocab::{PartyStatus, RecordKind, Vocabulary};

use crate::helpers::{error_codes, seed, spawn_app};

fn by_country(answer: &Value, field: &str) -> HashMap<String, Value> {
    answer["map"]["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| {
            (
                v["country"]["code"].as_str().unwrap().to_owned(),
                v[field].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn record_counts_per_country_equal_the_seed_counted_by_hand() {
    let app = spawn_app().await;
    let seed = seed();
    let query = "query($f: SearchFilterInput) { map(measure: RECORDS, filter: $f) { measure maxCount values { country { code name } count } } }";
    for (filter, kinds) in [
        (
            json!(null),
            vec![RecordKind::Law, RecordKind::Practice, RecordKind::Case],
        ),
        (json!({ "kinds": ["LAW"] }), vec![RecordKind::Law]),
        (
            json!({ "kinds": ["CASE"], "countries": ["NG"] }),
            vec![RecordKind::Case],
        ),
    ] {
        let answer = app.data(query, json!({ "f": filter })).await;
        let mut want: HashMap<String, u64> = HashMap::new();
        for record in seed.records.iter().filter(|r| kinds.contains(&r.kind())) {
            for c in record.countries() {
                *want.entry(c.as_str().to_owned()).or_default() += 1;
            }
        }
        let got = by_country(&answer, "count");
        assert_eq!(got.len(), seed.countries.len(), "every country has a value");
        for country in &seed.countries {
            let code = country.code.as_str();
            assert_eq!(
                got[code].as_u64().unwrap(),
                want.get(code).copied().unwrap_or(0),
                "{code} with filter {filter}"
            );
        }
        assert_eq!(
            answer["map"]["maxCount"].as_u64().unwrap(),
            want.values().copied().max().unwrap_or(0)
        );
        assert!(want.len() > 10, "the seed has records in many countries");
    }
}

#[tokio::test]
async fn treaty_status_per_country_today_and_as_of_a_year_follows_the_dated_actions() {
    let app = spawn_app().await;
    let seed = seed();
    let query = "query($i: String, $y: Int) { map(measure: TREATY_STATUS, instrument: $i, asOf: $y) { instrument asOf values { country { code } status year } } }";
    let rows: HashMap<String, _> = seed
        .ratifications
        .iter()
        .filter(|r| r.instrument == "TIP_PROTOCOL")
        .map(|r| (r.country.as_str().to_owned(), r))
        .collect();
    let today = app.data(query, json!({ "i": "TIP_PROTOCOL" })).await;
    let status = by_country(&today, "status");
    for country in &seed.countries {
        let code = country.code.as_str();
        let want = rows.get(code).map_or(PartyStatus::Unknown, |r| r.status);
        assert_eq!(status[code], want.code(), "{code} today");
    }
    // As of 2003 (the Protocol entered into force on 25 December 2003): parties are exactly the
    // states whose dated ratification or accession is from 2003 or before.
    let then = app
        .data(query, json!({ "i": "TIP_PROTOCOL", "y": 2003 }))
        .await;
    assert_eq!(then["map"]["asOf"], 2003);
    let status = by_country(&then, "status");
    let year = by_country(&then, "year");
    let parties_then: Vec<&String> = status
        .iter()
        .filter(|(_, s)| *s == "PARTY")
        .map(|(c, _)| c)
        .collect();
    let want_then = rows
        .values()
        .filter(|r| {
            r.status == PartyStatus::Party
                && r.date
                    .map(|d| d.year())
                    .or(r.year)
                    .is_some_and(|y| y <= 2003)
        })
        .count();
    assert_eq!(parties_then.len(), want_then);
    assert!(want_then > 20 && want_then < rows.len(), "{want_then}");
    // A party of later years is shown as not yet a party, with the year it became one.
    let later = rows
        .values()
        .find(|r| r.status == PartyStatus::Party && r.date.is_some_and(|d| d.year() > 2010))
        .expect("a state that became a party after 2010");
    let code = later.country.as_str();
    assert_eq!(status[code], "NOT_PARTY");
    assert_eq!(year[code], later.date.unwrap().year());
}

#[tokio::test]
async fn the_first_law_year_per_country_is_the_earliest_enactment_in_the_seed() {
    let app = spawn_app().await;
    let answer = app
        .data(
            "{ map(measure: FIRST_LAW_YEAR) { values { country { code } year count status } } }",
            json!({}),
        )
        .await;
    let mut want: HashMap<String, i32> = HashMap::new();
    for record in seed().records {
        if let tipx_schema::model::Record::Law(law) = record {
            if let Some(year) = law.year_enacted {
                let first = want.entry(law.country.as_str().to_owned()).or_insert(year);
                *first = (*first).min(year);
            }
        }
    }
    let got = by_country(&answer, "year");
    assert!(want.len() > 50, "the seed dates many laws");
    for (code, year) in &got {
        assert_eq!(
            year.as_i64().map(|y| y as i32),
            want.get(code).copied(),
            "{code}"
        );
    }
    assert_eq!(got.len(), seed().countries.len());
}

#[tokio::test]
async fn a_map_with_a_wrong_pairing_of_arguments_is_refused_with_a_code() {
    let app = spawn_app().await;
    for (query, says) in [
        ("{ map(measure: TREATY_STATUS) { maxCount } }", "needs an instrument"),
        ("{ map(measure: TREATY_STATUS, instrument: \"NOPE\") { maxCount } }", "not a treaty"),
        ("{ map(measure: TREATY_STATUS, instrument: \"SDG_8_7\") { maxCount } }", "not a treaty"),
        ("{ map(measure: TREATY_STATUS, instrument: \"UNTOC\", asOf: 1700) { maxCount } }", "between 1800 and 2100"),
        ("{ map(measure: RECORDS, asOf: 2000) { maxCount } }", "go with measure TREATY_STATUS"),
        ("{ map(measure: TREATY_STATUS, instrument: \"UNTOC\", filter: { kinds: [LAW] }) { maxCount } }", "goes with measure RECORDS"),
        ("{ map(measure: RECORDS, filter: { countries: [\"XX\"] }) { maxCount } }", "XX"),
        ("{ map(measure: FIRST_LAW_YEAR, asOf: 2000) { maxCount } }", "takes no filter"),
    ] {
        let answer = app.gql(query, json!({})).await;
        assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"], "{query}: {answer}");
        let message = answer["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{query}: {message}");
    }
}

/// A country's timeline as (year, kind, title, record or instrument id), counted from the seed.
fn seed_timeline(code: &str) -> Vec<(i64, String, String, String)> {
    let seed = seed();
    let mut want = Vec::new();
    for record in &seed.records {
        match record {
            tipx_schema::model::Record::Law(law) if law.country.as_str() == code => {
                if let Some(y) = law.year_enacted {
                    want.push((
                        y as i64,
                        "LAW_ENACTED".to_owned(),
                        law.title.clone(),
                        law.id.as_str().to_owned(),
                    ));
                }
                for y in &law.amendment_years {
                    want.push((
                        *y as i64,
                        "LAW_AMENDED".to_owned(),
                        law.title.clone(),
                        law.id.as_str().to_owned(),
                    ));
                }
            }
            tipx_schema::model::Record::Case(case)
                if case.countries.iter().any(|c| c.as_str() == code) =>
            {
                if let Some(y) = case.decision_year {
                    want.push((
                        y as i64,
                        "CASE_DECIDED".to_owned(),
                        case.title.clone(),
                        case.id.as_str().to_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
    for row in seed
        .ratifications
        .iter()
        .filter(|r| r.country.as_str() == code)
    {
        let year = row.date.map(|d| d.year()).or(row.year);
        let dated_action = matches!(
            row.status,
            PartyStatus::Party | PartyStatus::Signatory | PartyStatus::Denounced
        );
        if let (Some(y), true) = (year, dated_action) {
            let short = seed
                .instruments
                .iter()
                .find(|i| i.id == row.instrument)
                .unwrap()
                .short_name
                .clone();
            want.push((
                y as i64,
                "TREATY_ACTION".to_owned(),
                short,
                row.instrument.clone(),
            ));
        }
    }
    want.sort();
    want
}

#[tokio::test]
async fn a_country_timeline_holds_every_dated_law_amendment_treaty_action_and_case() {
    let app = spawn_app().await;
    let query = "query($c: String!) { country(code: $c) { timeline { year kind title recordId instrumentId status action } } }";
    let mut checked_events = 0;
    for code in ["NG", "GB", "PH", "US", "IN", "BR", "VA"] {
        let answer = app.data(query, json!({ "c": code })).await;
        let events = answer["country"]["timeline"].as_array().unwrap();
        let years: Vec<i64> = events.iter().map(|e| e["year"].as_i64().unwrap()).collect();
        assert!(
            years.windows(2).all(|w| w[0] <= w[1]),
            "{code}: oldest first"
        );
        let mut got: Vec<(i64, String, String, String)> = events
            .iter()
            .map(|e| {
                let id = e["recordId"]
                    .as_str()
                    .or(e["instrumentId"].as_str())
                    .unwrap();
                (
                    e["year"].as_i64().unwrap(),
                    e["kind"].as_str().unwrap().to_owned(),
                    e["title"].as_str().unwrap().to_owned(),
                    id.to_owned(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, seed_timeline(code), "{code}");
        checked_events += got.len();
    }
    assert!(
        checked_events > 40,
        "the countries checked have events: {checked_events}"
    );
}
