//! Looking up single objects: records, countries, instruments, taxonomy.

use serde_json::json;

use crate::helpers::{error_codes, seed, spawn_app};
use tipx_schema::model::Record;
use tipx_schema::vocab::{PartyStatus, RecordKind};

#[tokio::test]
async fn a_practice_is_found_by_record_id_and_by_global_id_with_the_seeded_facts() {
    let app = spawn_app().await;
    let seed = seed();
    let Some(Record::Practice(expected)) = seed
        .records
        .iter()
        .find(|r| r.kind() == RecordKind::Practice)
    else {
        panic!("seed has practices")
    };
    let by_record_id = app
        .data(
            "query($id: ID!) { practice(id: $id) { id recordId title summary leadOrganisation sources { url } status version } }",
            json!({ "id": expected.id.as_str() }),
        )
        .await;
    let p = &by_record_id["practice"];
    assert_eq!(p["recordId"], expected.id.as_str());
    assert_eq!(p["title"], expected.title);
    assert_eq!(p["leadOrganisation"], expected.lead_organisation);
    assert_eq!(p["sources"][0]["url"], expected.sources[0].url);
    assert_eq!(p["status"], "PUBLISHED");
    assert_eq!(p["version"], 1);

    let global_id = p["id"].as_str().unwrap().to_owned();
    assert_ne!(global_id, expected.id.as_str(), "the global id is opaque");
    let by_global = app
        .data("query($id: ID!) { practice(id: $id) { recordId } node(id: $id) { id ... on Practice { title } } }", json!({ "id": global_id }))
        .await;
    assert_eq!(by_global["practice"]["recordId"], expected.id.as_str());
    assert_eq!(by_global["node"]["title"], expected.title);
}

#[tokio::test]
async fn a_case_lists_the_laws_it_applied() {
    let app = spawn_app().await;
    let seed = seed();
    let case = seed
        .records
        .iter()
        .find_map(|r| match r {
            Record::Case(c) if !c.laws_applied.is_empty() => Some(c.clone()),
            _ => None,
        })
        .expect("a seeded case links a law");
    let data = app
        .data(
            "query($id: ID!) { case(id: $id) { title caseType lawsApplied { recordId country { code } } outcome { convictions note } } }",
            json!({ "id": case.id.as_str() }),
        )
        .await;
    let laws: Vec<&str> = data["case"]["lawsApplied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["recordId"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = case.laws_applied.iter().map(|l| l.as_str()).collect();
    assert_eq!(laws, expected);
}

#[tokio::test]
async fn a_country_answers_with_its_laws_practices_cases_and_treaty_status() {
    let app = spawn_app().await;
    let seed = seed();
    let count = |kind: RecordKind| {
        seed.records
            .iter()
            .filter(|r| r.kind() == kind && r.countries().iter().any(|c| c.as_str() == "BR"))
            .count()
    };
    let data = app
        .data(
            r#"{ country(code: "br") { code alpha3 name unStatus region { name } subRegion { name }
                 laws { totalCount } practices { totalCount } cases { totalCount }
                 recordCounts { laws practices cases }
                 treatyStatus { instrumentId status } } }"#,
            json!({}),
        )
        .await;
    let c = &data["country"];
    assert_eq!(c["code"], "BR");
    assert_eq!(c["alpha3"], "BRA");
    assert_eq!(c["unStatus"], "MEMBER");
    assert_eq!(c["region"]["name"], "Americas");
    assert_eq!(c["practices"]["totalCount"], count(RecordKind::Practice));
    assert!(
        count(RecordKind::Practice) > 0,
        "Brazil has seeded practices"
    );
    assert_eq!(c["laws"]["totalCount"], count(RecordKind::Law));
    assert_eq!(c["cases"]["totalCount"], count(RecordKind::Case));
    assert_eq!(c["recordCounts"]["practices"], count(RecordKind::Practice));

    // Treaty status: a recorded row gives its status, a missing row is UNKNOWN, never NOT_PARTY.
    let statuses = c["treatyStatus"].as_array().unwrap();
    for instrument in seed.instruments.iter().filter(|i| i.is_treaty()) {
        let row = seed
            .ratifications
            .iter()
            .find(|r| r.instrument == instrument.id && r.country.as_str() == "BR");
        let expected = row.map_or(PartyStatus::Unknown, |r| r.status);
        let got = statuses
            .iter()
            .find(|s| s["instrumentId"] == instrument.id.as_str())
            .expect("listed");
        assert_eq!(got["status"], expected.to_string(), "{}", instrument.id);
    }
}

#[tokio::test]
async fn a_country_is_found_by_alpha3_and_an_unknown_code_is_not_found() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ country(code: "NGA") { code name } }"#, json!({}))
        .await;
    assert_eq!(data["country"]["code"], "NG");
    let answer = app
        .gql(r#"{ country(code: "XX") { code } }"#, json!({}))
        .await;
    assert_eq!(error_codes(&answer), ["NOT_FOUND"]);
    let answer = app
        .gql(r#"{ country(code: "1") { code } }"#, json!({}))
        .await;
    assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn countries_can_be_listed_by_region_and_un_status() {
    let app = spawn_app().await;
    let seed = seed();
    let data = app
        .data(r#"{ all: countries(unStatus: [MEMBER, OBSERVER]) { code } africa: countries(region: "002") { code } }"#, json!({}))
        .await;
    assert_eq!(
        data["all"].as_array().unwrap().len(),
        195,
        "193 member states and 2 observer states"
    );
    let expected_africa = seed
        .countries
        .iter()
        .filter(|c| c.region.as_ref().is_some_and(|r| r.as_str() == "002"))
        .count();
    assert_eq!(data["africa"].as_array().unwrap().len(), expected_africa);
}

#[tokio::test]
async fn instruments_carry_their_verified_dates() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ untoc: instrument(id: "UNTOC") { entryIntoForce } tip: instrument(id: "TIP_PROTOCOL") { entryIntoForce shortName } instruments { code } }"#, json!({}))
        .await;
    assert_eq!(data["untoc"]["entryIntoForce"], "2003-09-29");
    assert_eq!(data["tip"]["entryIntoForce"], "2003-12-25");
    assert_eq!(
        data["instruments"].as_array().unwrap().len(),
        seed().instruments.len()
    );
}

#[tokio::test]
async fn taxonomy_lists_every_code_with_a_label_in_the_asked_un_language() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ taxonomy(lang: "fr-CA") { requestedLang lang lists { name entries { code label } } } }"#, json!({}))
        .await;
    let t = &data["taxonomy"];
    assert_eq!(t["requestedLang"], "fr");
    assert_eq!(t["lang"], "fr");
    let forms = t["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "forms")
        .expect("forms list");
    let forced = forms["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "FORCED_LABOUR")
        .unwrap();
    assert_eq!(forced["label"], "Travail forcé");
    let arabic = app
        .data(
            r#"{ taxonomy(lang: "ar") { lang lists { name entries { code label } } } }"#,
            json!({}),
        )
        .await;
    let lists = arabic["taxonomy"]["lists"].as_array().unwrap();
    let english = app
        .data(r#"{ taxonomy { lists { entries { label } } } }"#, json!({}))
        .await;
    let english_labels: Vec<&str> = english["taxonomy"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| {
            l["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["label"].as_str().unwrap())
        })
        .collect();
    for list in lists {
        for entry in list["entries"].as_array().unwrap() {
            let label = entry["label"].as_str().unwrap();
            assert!(
                !english_labels.contains(&label) || !label.is_ascii(),
                "untranslated: {label}"
            );
        }
    }
    let answer = app
        .gql(r#"{ taxonomy(lang: "de") { lang } }"#, json!({}))
        .await;
    assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn restarting_on_the_same_data_keeps_records_and_their_versions() {
    let app = spawn_app().await;
    let before = app
        .data(
            r#"{ law(id: "LW001") { createdAt version } laws { totalCount } }"#,
            json!({}),
        )
        .await;
    let crate::helpers::TestApp { data_dir, .. } = app;
    let again = crate::helpers::spawn_app_in(data_dir).await;
    let after = again
        .data(
            r#"{ law(id: "LW001") { createdAt version } laws { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(before, after, "an unchanged seed is not imported again");
}
