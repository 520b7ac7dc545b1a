//! The inputs contributors write records with. Each converts to a domain record, collecting
//! every malformed value (an unknown country code, a list too long) as a field error, so a
//! contributor sees all problems at once; the record rules (`core::rules`) then run on the
//! result.

use async_graphql::InputObject;
use chrono::NaiveDate;

use crate::core::rules::FieldError;
use crate::ids::{CountryCode, RecordId};
use crate::model::*;
use crate::vocab::*;

/// The most items any list of a record input may hold.
pub const MAX_LIST_ITEMS: usize = 50;
/// The longest any single text of a record input may be, in characters, before the rules
/// (which allow less for most fields) even look at it.
pub const MAX_TEXT_CHARS: usize = 5_000;

/// Where a fact was read.
#[derive(InputObject, Clone, Debug)]
pub struct SourceInput {
    /// An http(s) URL, preferably the publisher's own page (a gazette, a court, the
    /// implementing organisation).
    pub url: String,
    /// The document's title.
    pub title: Option<String>,
    /// When the page was read.
    pub accessed: Option<NaiveDate>,
    /// PRIMARY when the government, legislature, court, depositary or implementing
    /// organisation publishes it itself; SECONDARY for reports and articles about it.
    pub kind: Option<SourceKind>,
}

/// How well a practice's results are established.
#[derive(InputObject, Clone, Debug)]
pub struct EvidenceInput {
    /// How the results were established.
    pub design: EvaluationDesign,
    /// Whether the evaluation found the objectives met.
    pub objectives_met: ObjectivesMet,
    /// More, in your own words.
    pub note: Option<String>,
}

/// A number of victims by sex and age band (aggregate only).
#[derive(InputObject, Clone, Debug)]
pub struct VictimCountInput {
    /// Sex of the victims counted.
    pub sex: Sex,
    /// Age band of the victims counted.
    pub age: AgeBand,
    /// How many victims (shown as "fewer than N" when below the privacy threshold).
    pub count: i64,
}

/// An amount of money.
#[derive(InputObject, Clone, Debug)]
pub struct MoneyInput {
    /// The amount, in the currency's units.
    pub amount: f64,
    /// ISO 4217 currency code, e.g. `NGN`.
    pub currency: String,
}

/// Aggregate outcome figures of a case: never a person.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OutcomeInput {
    /// Number of convictions, when stated.
    pub convictions: Option<i64>,
    /// Number of victims identified, when stated.
    pub victims_identified: Option<i64>,
    /// Victims identified by sex and age band, where the source breaks them down.
    #[graphql(default)]
    pub victims_by_group: Vec<VictimCountInput>,
    /// Assets confiscated or paid in remediation.
    pub assets: Option<MoneyInput>,
    /// More, in your own words.
    pub note: Option<String>,
}

/// A national law.
#[derive(InputObject, Clone, Debug)]
pub struct LawInput {
    /// ISO alpha-2 code of the country whose law it is.
    pub country: String,
    /// Title (for a law, its official title; for a case, a neutral one).
    pub title: String,
    /// Year the law was enacted.
    pub year_enacted: Option<i32>,
    /// Years of later amendments.
    #[graphql(default)]
    pub amendment_years: Vec<i32>,
    /// Details on amendments beyond their years.
    pub amendments_note: Option<String>,
    /// Legal form of the law.
    pub instrument_type: LawInstrumentType,
    /// Forms of trafficking concerned.
    #[graphql(default)]
    pub forms: Vec<TraffickingForm>,
    /// Key provisions the law contains.
    #[graphql(default)]
    pub provisions: Vec<Provision>,
    /// The notable provisions, described.
    pub provisions_note: Option<String>,
    /// Groups of people concerned.
    #[graphql(default)]
    pub target_groups: Vec<TargetGroup>,
    /// SDG targets the record contributes to.
    #[graphql(default)]
    pub sdg_targets: Vec<SdgTarget>,
    /// At most 60 words, in your own words.
    pub summary: String,
    /// BCP 47 tag of the title and summary, e.g. `fr`.
    pub language: String,
    /// Where the facts were read: at least one http(s) source.
    pub sources: Vec<SourceInput>,
}

/// A prevention, protection, prosecution or partnership practice.
#[derive(InputObject, Clone, Debug)]
pub struct PracticeInput {
    /// Title (for a law, its official title; for a case, a neutral one).
    pub title: String,
    /// ISO alpha-2 codes; empty only for a global practice.
    #[graphql(default)]
    pub countries: Vec<String>,
    /// True for a global practice (then no countries).
    #[graphql(default)]
    pub global: bool,
    /// The organisation leading the practice.
    pub lead_organisation: String,
    /// The kind of organisation leading it.
    pub organisation_type: OrganisationType,
    /// Year the practice started.
    pub start_year: Option<i32>,
    /// Year it ended; empty while it runs.
    pub end_year: Option<i32>,
    /// How it works, briefly.
    pub approach: Option<String>,
    /// The "4P" pillars it serves.
    #[graphql(default)]
    pub pillars: Vec<Pillar>,
    /// Economic sectors concerned.
    #[graphql(default)]
    pub sectors: Vec<Sector>,
    /// Groups of people concerned.
    #[graphql(default)]
    pub target_groups: Vec<TargetGroup>,
    /// More on the groups concerned.
    pub target_groups_note: Option<String>,
    /// Forms of trafficking concerned.
    #[graphql(default)]
    pub forms: Vec<TraffickingForm>,
    /// SDG targets the record contributes to.
    #[graphql(default)]
    pub sdg_targets: Vec<SdgTarget>,
    /// How well its results are established, where evaluated.
    pub evidence: Option<EvidenceInput>,
    /// At most 60 words, in your own words.
    pub summary: String,
    /// BCP 47 tag of the title and summary, e.g. `zh`.
    pub language: String,
    /// Where the facts were read: at least one http(s) source.
    pub sources: Vec<SourceInput>,
}

/// A successful case: aggregate outcomes only, never a victim's name.
#[derive(InputObject, Clone, Debug)]
pub struct CaseInput {
    /// A neutral title: a court citation or a description, never a victim's name.
    pub title: String,
    /// ISO alpha-2 codes of the countries concerned.
    #[graphql(default)]
    pub countries: Vec<String>,
    /// The jurisdiction when it is not a country, e.g. "European Union".
    pub jurisdiction_note: Option<String>,
    /// The court or agency that decided or acted.
    pub court_or_agency: String,
    /// Year of the decision or operation.
    pub decision_year: Option<i32>,
    /// What kind of success the case records.
    pub case_type: CaseType,
    /// Forms of trafficking concerned.
    #[graphql(default)]
    pub forms: Vec<TraffickingForm>,
    /// Economic sectors concerned.
    #[graphql(default)]
    pub sectors: Vec<Sector>,
    /// Groups of people concerned.
    #[graphql(default)]
    pub target_groups: Vec<TargetGroup>,
    /// SDG targets the record contributes to.
    #[graphql(default)]
    pub sdg_targets: Vec<SdgTarget>,
    /// Aggregate outcome figures.
    pub outcome: Option<OutcomeInput>,
    /// Record ids of published laws the case applied, e.g. `LW001`.
    #[graphql(default)]
    pub laws_applied: Vec<String>,
    /// At most 60 words, in your own words.
    pub summary: String,
    /// BCP 47 tag of the title and summary.
    pub language: String,
    /// Where the facts were read: at least one http(s) source.
    pub sources: Vec<SourceInput>,
}

/// Collects conversion problems as field errors.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn push(&mut self, field: &str, rule: &'static str, message: String) {
        self.0.push(FieldError {
            field: field.to_owned(),
            rule,
            message,
        });
    }

    fn list<T: Clone>(&mut self, field: &str, items: &[T]) -> Vec<T> {
        if items.len() > MAX_LIST_ITEMS {
            self.push(
                field,
                "LIST_LENGTH",
                format!(
                    "{field} lists {} items; at most {MAX_LIST_ITEMS}",
                    items.len()
                ),
            );
        }
        items.iter().take(MAX_LIST_ITEMS).cloned().collect()
    }

    fn text(&mut self, field: &str, text: &str) -> String {
        if text.chars().count() > MAX_TEXT_CHARS {
            self.push(
                field,
                "LENGTH",
                format!("{field} is longer than {MAX_TEXT_CHARS} characters"),
            );
        }
        text.trim().to_owned()
    }

    fn opt_text(&mut self, field: &str, text: &Option<String>) -> Option<String> {
        text.as_deref()
            .map(|t| self.text(field, t))
            .filter(|t| !t.is_empty())
    }

    fn country(&mut self, field: &str, raw: &str) -> Option<CountryCode> {
        match CountryCode::parse(raw.trim()) {
            Ok(code) => Some(code),
            Err(err) => {
                self.push(field, "COUNTRY_CODE", err);
                None
            }
        }
    }

    fn countries(&mut self, field: &str, raw: &[String]) -> Vec<CountryCode> {
        let raw = self.list(field, raw);
        let mut codes: Vec<CountryCode> =
            raw.iter().filter_map(|c| self.country(field, c)).collect();
        codes.dedup();
        codes
    }

    fn sources(&mut self, sources: &[SourceInput]) -> Vec<Source> {
        self.list("sources", sources)
            .iter()
            .enumerate()
            .map(|(i, s)| Source {
                url: self.text(&format!("sources[{i}].url"), &s.url),
                title: self.opt_text(&format!("sources[{i}].title"), &s.title),
                accessed: s.accessed,
                kind: s.kind,
            })
            .collect()
    }

    fn done(self, record: Record) -> Result<Record, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(record)
        } else {
            Err(self.0)
        }
    }
}

/// The id a record gets before the core names it.
fn unnamed() -> RecordId {
    RecordId::parse("NEW").expect("a valid placeholder id")
}

impl LawInput {
    pub fn into_record(self) -> Result<Record, Vec<FieldError>> {
        let mut p = Problems::default();
        let country = p.country("country", &self.country);
        let law = Law {
            id: unnamed(),
            country: country.unwrap_or(CountryCode::parse("ZZ").expect("placeholder")),
            title: p.text("title", &self.title),
            year_enacted: self.year_enacted,
            amendment_years: p.list("amendmentYears", &self.amendment_years),
            amendments_note: p.opt_text("amendmentsNote", &self.amendments_note),
            instrument_type: self.instrument_type,
            forms: p.list("forms", &self.forms),
            provisions: p.list("provisions", &self.provisions),
            provisions_note: p.opt_text("provisionsNote", &self.provisions_note),
            target_groups: p.list("targetGroups", &self.target_groups),
            sdg_targets: p.list("sdgTargets", &self.sdg_targets),
            summary: p.text("summary", &self.summary),
            language: p.text("language", &self.language),
            sources: p.sources(&self.sources),
            meta: RecordMeta::default(),
        };
        p.done(Record::Law(law))
    }
}

impl PracticeInput {
    pub fn into_record(self) -> Result<Record, Vec<FieldError>> {
        let mut p = Problems::default();
        let practice = Practice {
            id: unnamed(),
            title: p.text("title", &self.title),
            countries: p.countries("countries", &self.countries),
            global: self.global,
            lead_organisation: p.text("leadOrganisation", &self.lead_organisation),
            organisation_type: self.organisation_type,
            start_year: self.start_year,
            end_year: self.end_year,
            approach: p.opt_text("approach", &self.approach),
            pillars: p.list("pillars", &self.pillars),
            sectors: p.list("sectors", &self.sectors),
            target_groups: p.list("targetGroups", &self.target_groups),
            target_groups_note: p.opt_text("targetGroupsNote", &self.target_groups_note),
            forms: p.list("forms", &self.forms),
            sdg_targets: p.list("sdgTargets", &self.sdg_targets),
            evidence: match &self.evidence {
                Some(e) => Evidence {
                    design: e.design,
                    objectives_met: e.objectives_met,
                    note: p.opt_text("evidence.note", &e.note),
                },
                None => Evidence::default(),
            },
            summary: p.text("summary", &self.summary),
            language: p.text("language", &self.language),
            sources: p.sources(&self.sources),
            meta: RecordMeta::default(),
        };
        p.done(Record::Practice(practice))
    }
}

impl CaseInput {
    pub fn into_record(self) -> Result<Record, Vec<FieldError>> {
        let mut p = Problems::default();
        let outcome = self.outcome.clone().unwrap_or_default();
        let laws_applied = p
            .list("lawsApplied", &self.laws_applied)
            .iter()
            .filter_map(|raw| match RecordId::parse(raw.trim()) {
                Ok(id) => Some(id),
                Err(err) => {
                    p.push("lawsApplied", "RECORD_ID", err);
                    None
                }
            })
            .collect();
        let case = Case {
            id: unnamed(),
            title: p.text("title", &self.title),
            countries: p.countries("countries", &self.countries),
            jurisdiction_note: p.opt_text("jurisdictionNote", &self.jurisdiction_note),
            court_or_agency: p.text("courtOrAgency", &self.court_or_agency),
            decision_year: self.decision_year,
            case_type: self.case_type,
            forms: p.list("forms", &self.forms),
            sectors: p.list("sectors", &self.sectors),
            target_groups: p.list("targetGroups", &self.target_groups),
            sdg_targets: p.list("sdgTargets", &self.sdg_targets),
            outcome: Outcome {
                convictions: outcome.convictions,
                victims_identified: outcome.victims_identified,
                victims_by_group: p
                    .list("outcome.victimsByGroup", &outcome.victims_by_group)
                    .iter()
                    .map(|v| VictimCount {
                        sex: v.sex,
                        age: v.age,
                        count: v.count,
                    })
                    .collect(),
                assets: outcome.assets.as_ref().map(|m| Money {
                    amount: m.amount,
                    currency: m.currency.trim().to_uppercase(),
                }),
                note: p.opt_text("outcome.note", &outcome.note),
            },
            laws_applied,
            summary: p.text("summary", &self.summary),
            language: p.text("language", &self.language),
            sources: p.sources(&self.sources),
            meta: RecordMeta::default(),
        };
        p.done(Record::Case(case))
    }
}
