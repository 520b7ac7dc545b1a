//! Seed files: parsing and validation (pure; reading the files is the caller's business).
//!
//! `tipx seed --check` and the server's start both go through [`parse_seed`], so data that the
//! checker accepts is exactly the data the server loads.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::Datelike;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ids::{CountryCode, M49Code, RecordId};
use crate::model::{
    Case, Country, Instrument, Law, PartyCounts, Practice, Ratification, Record, Region, Source,
};
use crate::store::SeedData;
use crate::vocab::{Lang, LawFinding, PartyStatus, RecordKind, SourceKind, UnStatus};

/// The seed files, in load order.
pub const SEED_FILES: [&str; 7] = [
    "regions.json",
    "countries.json",
    "instruments.json",
    "ratifications.json",
    "laws.json",
    "practices.json",
    "cases.json",
];

use crate::core::rules::{check_record, check_sources, RuleContext};
pub use crate::core::rules::{
    contact_detail, valid_language, MAX_NOTE_CHARS, MAX_SUMMARY_WORDS, MAX_TITLE_CHARS,
    MAX_URL_CHARS, MIN_YEAR,
};

/// One problem found in a seed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedIssue {
    pub file: String,
    /// The record's id (or `INSTRUMENT/COUNTRY` for a ratification, or `#index`).
    pub record: Option<String>,
    pub message: String,
}

impl fmt::Display for SeedIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.record {
            Some(record) => write!(f, "{}: record {}: {}", self.file, record, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Counts of what a seed set holds, for `tipx seed --check` output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub regions: usize,
    pub countries: usize,
    pub instruments: usize,
    pub ratifications: usize,
    pub laws: usize,
    pub practices: usize,
    pub cases: usize,
}

impl SeedData {
    pub fn counts(&self) -> SeedCounts {
        let count = |k| self.records.iter().filter(|r| r.kind() == k).count();
        SeedCounts {
            regions: self.regions.len(),
            countries: self.countries.len(),
            instruments: self.instruments.len(),
            ratifications: self.ratifications.len(),
            laws: count(RecordKind::Law),
            practices: count(RecordKind::Practice),
            cases: count(RecordKind::Case),
        }
    }
}

/// Parses and validates a full seed set given as `(file name, contents)` pairs. Every file in
/// [`SEED_FILES`] must be present. Returns every issue found, not only the first.
pub fn parse_seed(files: &[(String, String)]) -> Result<SeedData, Vec<SeedIssue>> {
    let mut issues = Vec::new();
    let text = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    };
    for name in SEED_FILES {
        if text(name).is_none() {
            issues.push(SeedIssue {
                file: name.to_owned(),
                record: None,
                message: "file is missing".into(),
            });
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let get = |name: &str| text(name).unwrap_or_default();

    let regions: Vec<Region> = parse_file("regions.json", get("regions.json"), &mut issues);
    let countries: Vec<Country> = parse_file("countries.json", get("countries.json"), &mut issues);
    let instruments: Vec<Instrument> =
        parse_file("instruments.json", get("instruments.json"), &mut issues);
    let ratifications: Vec<Ratification> =
        parse_file("ratifications.json", get("ratifications.json"), &mut issues);
    let laws: Vec<Law> = parse_file("laws.json", get("laws.json"), &mut issues);
    let practices: Vec<Practice> = parse_file("practices.json", get("practices.json"), &mut issues);
    let cases: Vec<Case> = parse_file("cases.json", get("cases.json"), &mut issues);

    let mut records: Vec<Record> = Vec::new();
    records.extend(laws.into_iter().map(Record::Law));
    records.extend(practices.into_iter().map(Record::Practice));
    records.extend(cases.into_iter().map(Record::Case));

    for i in instruments.iter().filter(|i| i.parties.is_some()) {
        issues.push(SeedIssue {
            file: "instruments.json".into(),
            record: Some(i.id.clone()),
            message:
                "'parties' is computed from ratifications.json and may not appear in seed files"
                    .into(),
        });
    }
    let mut seed = SeedData {
        regions,
        countries,
        instruments,
        ratifications,
        records,
    };
    count_parties(&mut seed);
    issues.extend(validate(&seed, chrono::Utc::now().year()));
    if issues.is_empty() {
        Ok(seed)
    } else {
        Err(issues)
    }
}

/// Sets every treaty's [`PartyCounts`] from the treaty-status rows.
pub fn count_parties(seed: &mut SeedData) {
    let members: HashSet<CountryCode> = seed
        .countries
        .iter()
        .filter(|c| c.un_status == UnStatus::Member)
        .map(|c| c.code)
        .collect();
    for instrument in seed.instruments.iter_mut().filter(|i| i.is_treaty()) {
        let mut counts = PartyCounts::default();
        for r in seed
            .ratifications
            .iter()
            .filter(|r| r.instrument == instrument.id)
        {
            match r.status {
                PartyStatus::Party => {
                    counts.parties += 1;
                    if members.contains(&r.country) {
                        counts.member_state_parties += 1;
                    }
                }
                PartyStatus::Signatory => counts.signatories += 1,
                _ => {}
            }
            counts.as_of = counts.as_of.max(r.as_of);
        }
        instrument.parties = Some(counts);
    }
}

/// Reads a JSON array file record by record, so one bad record names itself and the rest are
/// still checked.
fn parse_file<T: DeserializeOwned>(file: &str, text: &str, issues: &mut Vec<SeedIssue>) -> Vec<T> {
    let values: Vec<Value> = match serde_json::from_str(text) {
        Ok(values) => values,
        Err(err) => {
            issues.push(SeedIssue {
                file: file.to_owned(),
                record: None,
                message: format!("not a JSON array of objects: {err}"),
            });
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let label = record_label(&value, index);
        if value.get("meta").is_some() {
            issues.push(SeedIssue {
                file: file.to_owned(),
                record: Some(label.clone()),
                message: "'meta' is set by the store and may not appear in seed files".into(),
            });
        }
        match serde_json::from_value::<T>(value) {
            Ok(item) => out.push(item),
            Err(err) => issues.push(SeedIssue {
                file: file.to_owned(),
                record: Some(label),
                message: err.to_string(),
            }),
        }
    }
    out
}

fn record_label(value: &Value, index: usize) -> String {
    let field = |k: &str| value.get(k).and_then(Value::as_str);
    if let Some(id) = field("id") {
        return id.to_owned();
    }
    if let (Some(instrument), Some(country)) = (field("instrument"), field("country")) {
        return format!("{instrument}/{country}");
    }
    if let Some(code) = field("code") {
        return code.to_owned();
    }
    format!("#{index}")
}

fn file_of(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Law => "laws.json",
        RecordKind::Practice => "practices.json",
        RecordKind::Case => "cases.json",
    }
}

/// Cross-file checks on parsed seed data. `current_year` bounds years from above (plus one).
pub fn validate(seed: &SeedData, current_year: i32) -> Vec<SeedIssue> {
    let mut issues = Vec::new();
    let mut issue = |file: &str, record: String, message: String| {
        issues.push(SeedIssue {
            file: file.to_owned(),
            record: Some(record),
            message,
        })
    };
    let max_year = current_year + 1;

    // Regions.
    let mut region_codes: HashSet<&M49Code> = HashSet::new();
    for r in &seed.regions {
        if !region_codes.insert(&r.code) {
            issue(
                "regions.json",
                r.code.to_string(),
                "duplicate region code".into(),
            );
        }
    }
    for r in &seed.regions {
        if let Some(parent) = &r.parent {
            if !region_codes.contains(parent) {
                issue(
                    "regions.json",
                    r.code.to_string(),
                    format!("unknown parent region {parent}"),
                );
            }
        }
    }

    // Countries.
    let mut country_codes: HashSet<CountryCode> = HashSet::new();
    for c in &seed.countries {
        if !country_codes.insert(c.code) {
            issue(
                "countries.json",
                c.code.to_string(),
                "duplicate country code".into(),
            );
        }
        for area in c.areas() {
            if !region_codes.contains(area) {
                issue(
                    "countries.json",
                    c.code.to_string(),
                    format!("unknown M49 area {area}"),
                );
            }
        }
        if c.alpha3.len() != 3 || !c.alpha3.bytes().all(|b| b.is_ascii_uppercase()) {
            issue(
                "countries.json",
                c.code.to_string(),
                format!("'{}' is not an alpha-3 code", c.alpha3),
            );
        }
        for problem in name_problems(&c.names) {
            issue("countries.json", c.code.to_string(), problem);
        }
        if c.un_status == UnStatus::Member {
            for lang in Lang::ALL.iter().filter(|l| **l != Lang::En) {
                if !c.names.contains_key(lang.code()) {
                    issue(
                        "countries.json",
                        c.code.to_string(),
                        format!(
                            "a member state needs its name in every UN language: no '{}'",
                            lang.code()
                        ),
                    );
                }
            }
        }
        if let Some(gap) = &c.law_gap {
            if c.un_status != UnStatus::Member {
                issue(
                    "countries.json",
                    c.code.to_string(),
                    "law_gap is only for UN member states".into(),
                );
            }
            if gap.note.trim().is_empty() || gap.note.chars().count() > MAX_NOTE_CHARS {
                issue(
                    "countries.json",
                    c.code.to_string(),
                    format!("law_gap.note must have 1 to {MAX_NOTE_CHARS} characters"),
                );
            }
            for (_, _, problem) in check_sources(&gap.sources) {
                issue(
                    "countries.json",
                    c.code.to_string(),
                    format!("law_gap: {problem}"),
                );
            }
            for problem in source_kinds(&gap.sources) {
                issue(
                    "countries.json",
                    c.code.to_string(),
                    format!("law_gap: {problem}"),
                );
            }
        }
    }
    for r in &seed.regions {
        for problem in name_problems(&r.names) {
            issue("regions.json", r.code.to_string(), problem);
        }
    }

    // Instruments.
    let mut instruments: HashMap<&str, &Instrument> = HashMap::new();
    for i in &seed.instruments {
        if instruments.insert(i.id.as_str(), i).is_some() {
            issue(
                "instruments.json",
                i.id.clone(),
                "duplicate instrument id".into(),
            );
        }
        for (_, _, problem) in check_sources(&i.sources) {
            issue("instruments.json", i.id.clone(), problem);
        }
    }

    // Ratifications.
    let mut pairs = HashSet::new();
    for r in &seed.ratifications {
        let label = format!("{}/{}", r.instrument, r.country);
        match instruments.get(r.instrument.as_str()) {
            None => issue(
                "ratifications.json",
                label.clone(),
                format!("unknown instrument '{}'", r.instrument),
            ),
            Some(i) if !i.is_treaty() => issue(
                "ratifications.json",
                label.clone(),
                format!("instrument '{}' has no parties", r.instrument),
            ),
            Some(_) => {}
        }
        if !country_codes.contains(&r.country) {
            issue(
                "ratifications.json",
                label.clone(),
                format!("unknown country code '{}'", r.country),
            );
        }
        if r.status == PartyStatus::Unknown && r.note.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            issue(
                "ratifications.json",
                label.clone(),
                "an UNKNOWN row must say why in its note (or leave the row out)".into(),
            );
        }
        if let Some(table) = instruments
            .get(r.instrument.as_str())
            .and_then(|i| i.status_table.as_ref())
        {
            if table.complete && r.as_of.is_none() {
                issue(
                    "ratifications.json",
                    label.clone(),
                    "a row of a complete status table needs its as_of date".into(),
                );
            }
        }
        if let (Some(date), Some(as_of)) = (r.date, r.as_of) {
            if date > as_of && r.status != PartyStatus::Denounced {
                issue(
                    "ratifications.json",
                    label.clone(),
                    format!("date {date} is after the as_of date {as_of}"),
                );
            }
        }
        for problem in source_kinds(&r.sources) {
            issue("ratifications.json", label.clone(), problem);
        }
        if !pairs.insert((r.instrument.as_str(), r.country)) {
            issue(
                "ratifications.json",
                label.clone(),
                "duplicate instrument/country pair".into(),
            );
        }
        if let Some(year) = r.year {
            if !(MIN_YEAR..=max_year).contains(&year) {
                issue(
                    "ratifications.json",
                    label.clone(),
                    format!("year {year} is out of range"),
                );
            }
        }
        for (_, _, problem) in check_sources(&r.sources) {
            issue("ratifications.json", label.clone(), problem);
        }
    }
    // Complete status tables: every UN member state has a row.
    let members: Vec<&Country> = seed
        .countries
        .iter()
        .filter(|c| c.un_status == UnStatus::Member)
        .collect();
    for instrument in &seed.instruments {
        if !instrument.status_table.as_ref().is_some_and(|t| t.complete) {
            continue;
        }
        for m in &members {
            if !pairs.contains(&(instrument.id.as_str(), m.code)) {
                issue(
                    "ratifications.json",
                    format!("{}/{}", instrument.id, m.code),
                    "no row: the instrument's status table is complete, so every UN member state \
                     needs a row (NOT_PARTY as of the table's date, or UNKNOWN with a reason)"
                        .into(),
                );
            }
        }
    }
    for i in &seed.instruments {
        if i.is_treaty() != i.status_table.is_some() {
            issue(
                "instruments.json",
                i.id.clone(),
                "a treaty needs a status_table, and only a treaty has one".into(),
            );
        }
        for problem in source_kinds(&i.sources) {
            issue("instruments.json", i.id.clone(), problem);
        }
    }

    // Records.
    let mut ids: HashSet<&RecordId> = HashSet::new();
    let mut titles: HashSet<(RecordKind, String)> = HashSet::new();
    let law_ids: HashSet<RecordId> = seed
        .records
        .iter()
        .filter(|r| r.kind() == RecordKind::Law)
        .map(|r| r.id().clone())
        .collect();
    let rules = RuleContext {
        countries: &country_codes,
        laws: &law_ids,
        current_year,
    };
    for record in &seed.records {
        let file = file_of(record.kind());
        let label = record.id().to_string();
        let mut flag = |message: String| issue(file, label.clone(), message);
        if !ids.insert(record.id()) {
            flag("duplicate id (ids are unique across laws, practices and cases)".into());
        }
        if !titles.insert((record.kind(), record.title().trim().to_lowercase())) {
            flag(format!("duplicate title '{}'", record.title()));
        }
        for error in check_record(record, &rules) {
            flag(error.message);
        }
        for problem in source_kinds(record.sources()) {
            flag(problem);
        }
    }

    // Every member state has a law, or a sourced statement that it has none.
    let with_law: HashSet<CountryCode> = seed
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Law(l) => Some(l.country),
            _ => None,
        })
        .collect();
    for m in &members {
        match (with_law.contains(&m.code), m.law_gap.is_some()) {
            (false, false) => issue(
                "countries.json",
                m.code.to_string(),
                "a UN member state needs a law in laws.json or a law_gap with a source saying it has none".into(),
            ),
            (true, true) => issue(
                "countries.json",
                m.code.to_string(),
                "law_gap is set, but laws.json has a law for this state".into(),
            ),
            _ => {}
        }
    }
    issues
}

/// Problems with an area's names in the other UN languages: unknown language keys, empty names.
fn name_problems(names: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (lang, name) in names {
        if Lang::parse(lang).is_none_or(|l| l == Lang::En || l.code() != lang) {
            problems.push(format!("names: '{lang}' is not one of ar, zh, fr, ru, es"));
        }
        if name.trim().is_empty() {
            problems.push(format!("names.{lang} is empty"));
        }
    }
    problems
}

/// Seed files say of every source whether it is primary or secondary.
fn source_kinds(sources: &[Source]) -> Vec<String> {
    sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind.is_none())
        .map(|(i, s)| {
            format!(
                "sources[{i}] ({}) needs a kind: PRIMARY or SECONDARY",
                crate::ids::truncate(&s.url, 60)
            )
        })
        .collect()
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:.0}%", part as f64 * 100.0 / whole as f64)
}

/// `seed/CATALOGUE.md`: what the seed holds, per kind and UN M49 region. Generated by
/// `tipx seed --catalogue`; a test keeps the committed file in step with the data.
pub fn catalogue(seed: &SeedData) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;

    let counts = seed.counts();
    let country = |code: &CountryCode| seed.countries.iter().find(|c| c.code == *code);
    let region_name = |code: &Option<M49Code>| {
        code.as_ref()
            .and_then(|c| seed.regions.iter().find(|r| r.code == *c))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "(no region)".into())
    };
    let members: Vec<&Country> = seed
        .countries
        .iter()
        .filter(|c| c.un_status == crate::vocab::UnStatus::Member)
        .collect();

    // Per region: member states, states with a law, and records of each kind.
    #[derive(Default)]
    struct Row {
        members: usize,
        with_law: HashSet<CountryCode>,
        laws: usize,
        practices: usize,
        cases: usize,
    }
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for c in &members {
        rows.entry(region_name(&c.region)).or_default().members += 1;
    }
    let mut global_practices = 0;
    let mut no_country_cases = 0;
    for record in &seed.records {
        let mut regions: Vec<String> = record
            .countries()
            .iter()
            .filter_map(country)
            .map(|c| region_name(&c.region))
            .collect();
        regions.sort();
        regions.dedup();
        if regions.is_empty() {
            match record.kind() {
                RecordKind::Practice => global_practices += 1,
                RecordKind::Case => no_country_cases += 1,
                RecordKind::Law => {}
            }
        }
        for region in regions {
            let row = rows.entry(region).or_default();
            match record {
                Record::Law(l) => {
                    row.laws += 1;
                    if country(&l.country)
                        .is_some_and(|c| c.un_status == crate::vocab::UnStatus::Member)
                    {
                        row.with_law.insert(l.country);
                    }
                }
                Record::Practice(_) => row.practices += 1,
                Record::Case(_) => row.cases += 1,
            }
        }
    }
    let members_with_law: usize = rows.values().map(|r| r.with_law.len()).sum();

    let mut out = String::new();
    let _ = writeln!(out, "# Seed catalogue\n");
    let _ = writeln!(out, "Generated by `tipx seed --catalogue --out seed/CATALOGUE.md` from the files in this folder; do not edit by hand.\n");
    let _ = writeln!(out, "| kind | records |\n|---|---|");
    let _ = writeln!(out, "| laws | {} |", counts.laws);
    let _ = writeln!(out, "| practices | {} |", counts.practices);
    let _ = writeln!(out, "| cases | {} |", counts.cases);
    let _ = writeln!(
        out,
        "| countries and areas | {} ({} UN member states) |",
        counts.countries,
        members.len()
    );
    let _ = writeln!(out, "| instruments | {} |", counts.instruments);
    let _ = writeln!(out, "| treaty-status rows | {} |", counts.ratifications);
    let finding = |f: LawFinding| {
        members
            .iter()
            .filter(|c| c.law_gap.as_ref().is_some_and(|g| g.finding == f))
            .count()
    };
    let _ = writeln!(
        out,
        "\nUN member states with at least one law: **{members_with_law} of {}**; \
         a source says no specific offence exists: **{}**; no law identified in the sources read: **{}**.\n",
        members.len(),
        finding(LawFinding::NoSpecificOffence),
        finding(LawFinding::NotIdentified)
    );
    let _ = writeln!(out, "## By UN M49 region\n");
    let _ = writeln!(
        out,
        "A record that concerns several regions counts once in each.\n"
    );
    let _ = writeln!(out, "| region | member states | with a law | laws | practices | cases |\n|---|---|---|---|---|---|");
    for (name, row) in &rows {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            row.members,
            row.with_law.len(),
            row.laws,
            row.practices,
            row.cases
        );
    }
    let _ = writeln!(
        out,
        "| global (no country) | | | | {global_practices} | {no_country_cases} |"
    );

    let _ = writeln!(out, "\n## Treaty status of the 193 UN member states\n");
    let _ = writeln!(
        out,
        "Counted from `ratifications.json`, UN member states only, so each row adds up to {}. \
         Where the table is complete (a depositary's full table), a member state absent from it is \
         recorded as *not a party* as of the table's date; elsewhere a state with no row is *unknown*.\n",
        members.len()
    );
    let _ = writeln!(out, "| instrument | party | signatory | not a party | denounced | unknown | complete table | as of |\n|---|---|---|---|---|---|---|---|");
    let member_codes: HashSet<CountryCode> = members.iter().map(|c| c.code).collect();
    for instrument in seed.instruments.iter().filter(|i| i.is_treaty()) {
        let rows: Vec<&Ratification> = seed
            .ratifications
            .iter()
            .filter(|r| r.instrument == instrument.id && member_codes.contains(&r.country))
            .collect();
        let n = |s: PartyStatus| rows.iter().filter(|r| r.status == s).count();
        let unknown = members.len() - rows.len() + n(PartyStatus::Unknown);
        let table = instrument.status_table.as_ref();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            instrument.short_name,
            n(PartyStatus::Party),
            n(PartyStatus::Signatory),
            n(PartyStatus::NotParty),
            n(PartyStatus::Denounced),
            unknown,
            if table.is_some_and(|t| t.complete) {
                "yes"
            } else {
                "no"
            },
            table
                .and_then(|t| t.as_of)
                .map(|d| d.format("%B %Y").to_string())
                .unwrap_or_else(|| "not stated".into())
        );
    }

    let _ = writeln!(out, "\n## Source quality\n");
    let _ = writeln!(
        out,
        "A *primary* source is published by the body whose act or work it is: the government, \
         gazette or legislature, the court, the depositary, or the implementing organisation. \
         *Secondary* sources report on it (US TIP reports, news, research, databases). Mirrors and \
         document-sharing sites are refused by `tipx seed --check`.\n"
    );
    let _ = writeln!(out, "| kind | records | with a primary source | only secondary sources | sources | primary sources |\n|---|---|---|---|---|---|");
    let mut quality = |label: &str, lists: Vec<&[Source]>| {
        let records = lists.len();
        let with_primary = lists
            .iter()
            .filter(|l| l.iter().any(|s| s.kind == Some(SourceKind::Primary)))
            .count();
        let sources: usize = lists.iter().map(|l| l.len()).sum();
        let primary: usize = lists
            .iter()
            .map(|l| {
                l.iter()
                    .filter(|s| s.kind == Some(SourceKind::Primary))
                    .count()
            })
            .sum();
        let _ = writeln!(
            out,
            "| {label} | {records} | {with_primary} ({}) | {} ({}) | {sources} | {primary} ({}) |",
            percent(with_primary, records),
            records - with_primary,
            percent(records - with_primary, records),
            percent(primary, sources)
        );
    };
    for kind in [RecordKind::Law, RecordKind::Practice, RecordKind::Case] {
        let label = match kind {
            RecordKind::Law => "laws",
            RecordKind::Practice => "practices",
            RecordKind::Case => "cases",
        };
        quality(
            label,
            seed.records
                .iter()
                .filter(|r| r.kind() == kind)
                .map(|r| r.sources())
                .collect(),
        );
    }
    quality(
        "instruments",
        seed.instruments
            .iter()
            .map(|i| i.sources.as_slice())
            .collect(),
    );
    quality(
        "treaty-status rows",
        seed.ratifications
            .iter()
            .map(|r| r.sources.as_slice())
            .collect(),
    );
    quality(
        "statements of no law",
        seed.countries
            .iter()
            .filter_map(|c| c.law_gap.as_ref().map(|g| g.sources.as_slice()))
            .collect(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_are_found_but_citations_are_not() {
        assert!(contact_detail("write to help@example.org").is_some());
        assert!(contact_detail("call 1-888-373-7888 now").is_some());
        assert!(contact_detail("call +44 20 7946 0000").is_some());
        assert!(contact_detail("Pub. L. 106-386, amended 2003; 2006; 2008").is_none());
        assert!(contact_detail("application no. 73316/01, EUR 26,209.69").is_none());
        assert!(contact_detail("Law 23-04 of 2023").is_none());
    }

    #[test]
    fn language_tags() {
        assert!(valid_language("en"));
        assert!(valid_language("pt-BR"));
        assert!(!valid_language("English"));
    }
}
