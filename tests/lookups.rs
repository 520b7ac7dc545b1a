//! Looking up single objects: records, countries, instruments, taxonomy.

use serde_json::{json, Value};

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
async fn every_member_state_is_named_in_the_six_un_languages() {
    let app = spawn_app().await;
    let seed = seed();
    let data = app
        .data(
            r#"{ countries(unStatus: [MEMBER]) { code en: name ar: name(lang: "ar") zh: name(lang: "zh")
                 fr: name(lang: "fr-CA") ru: name(lang: "ru") es: name(lang: "es")
                 region { ar: name(lang: "ar") } } }"#,
            json!({}),
        )
        .await;
    let countries = data["countries"].as_array().unwrap();
    assert_eq!(countries.len(), 193);
    for c in countries {
        let code = c["code"].as_str().unwrap();
        let country = seed
            .countries
            .iter()
            .find(|s| s.code.as_str() == code)
            .unwrap();
        assert_eq!(
            c["en"],
            country.name.as_str(),
            "{code}: English is the ISO name"
        );
        for lang in ["ar", "zh", "fr", "ru", "es"] {
            let name = c[lang].as_str().unwrap_or_default();
            assert!(!name.is_empty(), "{code} has no {lang} name");
            assert_eq!(
                Some(name),
                country.names.get(lang).map(String::as_str),
                "{code} {lang}"
            );
        }
        // Arabic and Chinese names are written in their own scripts, not a copy of the English.
        assert!(
            c["ar"]
                .as_str()
                .unwrap()
                .chars()
                .any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch)),
            "{code} ar"
        );
        assert!(
            c["zh"]
                .as_str()
                .unwrap()
                .chars()
                .any(|ch| ('\u{4E00}'..='\u{9FFF}').contains(&ch)),
            "{code} zh"
        );
        assert_ne!(
            c["region"]["ar"],
            Value::Null,
            "{code}: region named in Arabic"
        );
    }
    let answer = app
        .gql(r#"{ country(code: "NG") { name(lang: "xx") } }"#, json!({}))
        .await;
    assert_eq!(error_codes(&answer), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn facets_name_countries_and_regions_in_the_asked_language() {
    let app = spawn_app().await;
    let seed = seed();
    let data = app
        .data(
            r#"{ search(query: "", first: 0) { facets(lang: "ar") { field values { value label } } } }"#,
            json!({}),
        )
        .await;
    let facets = data["search"]["facets"].as_array().unwrap();
    for (field, expect) in [("COUNTRIES", true), ("REGIONS", false)] {
        let values = facets.iter().find(|f| f["field"] == field).unwrap()["values"]
            .as_array()
            .unwrap();
        assert!(!values.is_empty());
        for v in values {
            let code = v["value"].as_str().unwrap();
            let names = if expect {
                seed.countries
                    .iter()
                    .find(|c| c.code.as_str() == code)
                    .map(|c| &c.names)
            } else {
                seed.regions
                    .iter()
                    .find(|r| r.code.as_str() == code)
                    .map(|r| &r.names)
            };
            let arabic = names.and_then(|n| n.get("ar")).expect("an Arabic name");
            assert_eq!(v["label"], arabic.as_str(), "{field} {code}");
        }
    }
}

#[tokio::test]
async fn treaty_status_says_as_of_when_and_counts_come_from_the_rows() {
    let app = spawn_app().await;
    let seed = seed();
    let data = app
        .data(
            r#"{ instruments { code parties { parties memberStateParties signatories asOf }
                 statusTable { complete asOf basis } }
                 us: country(code: "US") { treatyStatus { instrumentId status ratification { asOf } } } }"#,
            json!({}),
        )
        .await;
    for i in data["instruments"].as_array().unwrap() {
        let code = i["code"].as_str().unwrap();
        let instrument = seed.instruments.iter().find(|s| s.id == code).unwrap();
        if !instrument.is_treaty() {
            assert_eq!(i["parties"], Value::Null, "{code}");
            continue;
        }
        let rows: Vec<_> = seed
            .ratifications
            .iter()
            .filter(|r| r.instrument == code)
            .collect();
        let parties = rows
            .iter()
            .filter(|r| r.status == PartyStatus::Party)
            .count();
        assert_eq!(i["parties"]["parties"], parties, "{code}");
        let members = rows
            .iter()
            .filter(|r| r.status == PartyStatus::Party)
            .filter(|r| {
                seed.countries
                    .iter()
                    .any(|c| c.code == r.country && c.un_status.to_string() == "MEMBER")
            })
            .count();
        assert_eq!(i["parties"]["memberStateParties"], members, "{code}");
        assert!(
            i["statusTable"]["basis"]
                .as_str()
                .is_some_and(|b| !b.is_empty()),
            "{code}"
        );
    }
    // Every row of a complete table answers with the date it describes.
    for t in data["us"]["treatyStatus"].as_array().unwrap() {
        let code = t["instrumentId"].as_str().unwrap();
        let complete = seed
            .instruments
            .iter()
            .find(|i| i.id == code)
            .and_then(|i| i.status_table.as_ref())
            .is_some_and(|t| t.complete);
        if complete {
            assert_ne!(t["status"], "UNKNOWN", "{code}: the US has a row");
            assert!(t["ratification"]["asOf"].as_str().is_some(), "{code}: asOf");
        }
    }
}

#[tokio::test]
async fn a_member_state_without_a_law_says_what_the_sources_say() {
    let app = spawn_app().await;
    let seed = seed();
    let gaps: Vec<_> = seed
        .countries
        .iter()
        .filter(|c| c.law_gap.is_some())
        .collect();
    assert!(!gaps.is_empty());
    for c in gaps {
        let data = app
            .data(
                r#"query($c: String!) { country(code: $c) { laws { totalCount } lawGap { finding note sources { url } } } }"#,
                json!({ "c": c.code.as_str() }),
            )
            .await;
        let gap = &c.law_gap.as_ref().unwrap();
        assert_eq!(data["country"]["laws"]["totalCount"], 0);
        assert_eq!(
            data["country"]["lawGap"]["finding"],
            gap.finding.to_string()
        );
        assert_eq!(data["country"]["lawGap"]["note"], gap.note.as_str());
        assert!(!data["country"]["lawGap"]["sources"]
            .as_array()
            .unwrap()
            .is_empty());
    }
    let data = app
        .data(r#"{ country(code: "BR") { lawGap { note } } }"#, json!({}))
        .await;
    assert_eq!(data["country"]["lawGap"], Value::Null);
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
    let again = crate::helpers::spawn_app_again(app).await;
    let after = again
        .data(
            r#"{ law(id: "LW001") { createdAt version } laws { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(before, after, "an unchanged seed is not imported again");
}
