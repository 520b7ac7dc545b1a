//! Domain types. The same structs are read from seed files, stored as JSON bodies and served
//! through GraphQL (see `graphql/`), so a field exists in exactly one place.
//!
//! Seed files may not carry `meta`: the loader sets it. Unknown fields are rejected so that a
//! typo in a seed file is an error, not a silently dropped fact.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CountryCode, M49Code, RecordId};
use crate::vocab::*;

/// A UN M49 geographic area (region, sub-region or intermediate region).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub code: M49Code,
    pub name: String,
    pub level: RegionLevel,
    pub parent: Option<M49Code>,
    /// The name in the other UN languages (`ar`, `zh`, `fr`, `ru`, `es`), from the Unicode CLDR.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

/// A country or area with its ISO 3166-1 codes and UN M49 classification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub code: CountryCode,
    pub alpha3: String,
    pub m49: String,
    pub name: String,
    pub un_status: UnStatus,
    pub region: Option<M49Code>,
    pub sub_region: Option<M49Code>,
    pub intermediate_region: Option<M49Code>,
    /// The name in the other UN languages (`ar`, `zh`, `fr`, `ru`, `es`), from the Unicode CLDR.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// For a member state with no law in the data: what the sources say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_gap: Option<LawGap>,
}

/// What is known about a member state that has no law in the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LawGap {
    /// Whether a source says no offence exists, or no law was identified.
    pub finding: LawFinding,
    /// In our words, with the year the source describes.
    pub note: String,
    pub sources: Vec<Source>,
}

/// The name of an area in `lang`, falling back to English where the data has none.
pub fn local_name<'a>(
    english: &'a str,
    names: &'a BTreeMap<String, String>,
    lang: Lang,
) -> &'a str {
    if lang == Lang::En {
        return english;
    }
    names.get(lang.code()).map_or(english, String::as_str)
}

impl Region {
    /// The name in `lang` (English where CLDR has none).
    pub fn name_in(&self, lang: Lang) -> &str {
        local_name(&self.name, &self.names, lang)
    }
}

impl Country {
    /// The name in `lang` (the ISO English name where CLDR has none).
    pub fn name_in(&self, lang: Lang) -> &str {
        local_name(&self.name, &self.names, lang)
    }
}

impl Country {
    /// The M49 areas this country belongs to, broadest first.
    pub fn areas(&self) -> impl Iterator<Item = &M49Code> {
        [&self.region, &self.sub_region, &self.intermediate_region]
            .into_iter()
            .flatten()
    }
}

/// Where a fact was read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: String,
    pub title: Option<String>,
    pub accessed: Option<NaiveDate>,
    /// Primary (the body whose act or work it is) or secondary; required in seed files,
    /// optional for contributions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SourceKind>,
}

/// An international instrument: treaty, protocol, ILO standard, recommendation or SDG target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub id: String,
    pub short_name: String,
    pub title: String,
    pub kind: InstrumentKind,
    pub adopting_body: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    pub entry_into_force: Option<NaiveDate>,
    /// What the treaty-status rows of this instrument rest on; `None` for instruments
    /// without parties.
    #[serde(default)]
    pub status_table: Option<StatusTable>,
    pub sources: Vec<Source>,
    /// Counts computed from the treaty-status rows when the seed is read; never in seed files.
    #[serde(default)]
    pub parties: Option<PartyCounts>,
}

/// What an instrument's treaty-status rows rest on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusTable {
    /// True when the rows copy a depositary's full table: a UN member state without a row is
    /// then *not a party as of* `as_of`, and the seed must say so with a row.
    pub complete: bool,
    /// The date the table describes; `None` where the source does not say.
    pub as_of: Option<NaiveDate>,
    /// Which table, and its caveats.
    pub basis: String,
}

/// How many states the treaty-status rows record as parties or signatories.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyCounts {
    /// Parties of any kind (UN member states, observer states, other areas).
    pub parties: u32,
    /// Parties that are UN member states.
    pub member_state_parties: u32,
    /// States that signed but have not ratified.
    pub signatories: u32,
    /// The latest as-of date among the rows, when any row has one.
    pub as_of: Option<NaiveDate>,
}

impl Instrument {
    /// Whether states become parties to it (SDG targets and recommendations have no parties).
    pub fn is_treaty(&self) -> bool {
        !matches!(
            self.kind,
            InstrumentKind::SdgTarget | InstrumentKind::TreatyBodyRecommendation
        )
    }
}

/// A state's recorded standing towards an instrument.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratification {
    pub instrument: String,
    pub country: CountryCode,
    pub status: PartyStatus,
    pub action: Option<TreatyAction>,
    pub date: Option<NaiveDate>,
    /// Only where a source states the year but not the date.
    pub year: Option<i32>,
    /// The date the source describes the status at, when it says.
    pub as_of: Option<NaiveDate>,
    pub sources: Vec<Source>,
    pub note: Option<String>,
}

/// Bookkeeping every record carries; set by the store, never by seed files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordMeta {
    pub status: RecordStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Default for RecordMeta {
    fn default() -> Self {
        RecordMeta {
            status: RecordStatus::Draft,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            version: 0,
        }
    }
}

/// A national law against trafficking in persons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Law {
    pub id: RecordId,
    pub country: CountryCode,
    pub title: String,
    pub year_enacted: Option<i32>,
    #[serde(default)]
    pub amendment_years: Vec<i32>,
    pub amendments_note: Option<String>,
    pub instrument_type: LawInstrumentType,
    #[serde(default)]
    pub forms: Vec<TraffickingForm>,
    #[serde(default)]
    pub provisions: Vec<Provision>,
    pub provisions_note: Option<String>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub sdg_targets: Vec<SdgTarget>,
    pub summary: String,
    pub language: String,
    pub sources: Vec<Source>,
    #[serde(default)]
    pub meta: RecordMeta,
}

/// How well a practice's results are established.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub design: EvaluationDesign,
    pub objectives_met: ObjectivesMet,
    pub note: Option<String>,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            design: EvaluationDesign::NotReported,
            objectives_met: ObjectivesMet::Unknown,
            note: None,
        }
    }
}

/// A prevention, protection, prosecution or partnership practice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub id: RecordId,
    pub title: String,
    /// Empty for a global practice.
    #[serde(default)]
    pub countries: Vec<CountryCode>,
    #[serde(default)]
    pub global: bool,
    pub lead_organisation: String,
    pub organisation_type: OrganisationType,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub approach: Option<String>,
    #[serde(default)]
    pub pillars: Vec<Pillar>,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    pub target_groups_note: Option<String>,
    #[serde(default)]
    pub forms: Vec<TraffickingForm>,
    #[serde(default)]
    pub sdg_targets: Vec<SdgTarget>,
    #[serde(default)]
    pub evidence: Evidence,
    pub summary: String,
    pub language: String,
    pub sources: Vec<Source>,
    #[serde(default)]
    pub meta: RecordMeta,
}

/// A number of victims by sex and age band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VictimCount {
    pub sex: Sex,
    pub age: AgeBand,
    pub count: i64,
}

/// An amount of money.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: f64,
    /// ISO 4217 currency code.
    pub currency: String,
}

/// Aggregate outcome of a case: figures, never persons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub convictions: Option<i64>,
    pub victims_identified: Option<i64>,
    #[serde(default)]
    pub victims_by_group: Vec<VictimCount>,
    pub assets: Option<Money>,
    pub note: Option<String>,
}

/// A successful case: a judgment, prosecution, operation or remediation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: RecordId,
    pub title: String,
    #[serde(default)]
    pub countries: Vec<CountryCode>,
    /// Where the case is not national, e.g. "European Union".
    pub jurisdiction_note: Option<String>,
    pub court_or_agency: String,
    pub decision_year: Option<i32>,
    pub case_type: CaseType,
    #[serde(default)]
    pub forms: Vec<TraffickingForm>,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub sdg_targets: Vec<SdgTarget>,
    #[serde(default)]
    pub outcome: Outcome,
    #[serde(default)]
    pub laws_applied: Vec<RecordId>,
    pub summary: String,
    pub language: String,
    pub sources: Vec<Source>,
    #[serde(default)]
    pub meta: RecordMeta,
}

/// Any of the three record kinds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Record {
    Law(Law),
    Practice(Practice),
    Case(Case),
}

impl From<Law> for Record {
    fn from(law: Law) -> Record {
        Record::Law(law)
    }
}

impl From<Practice> for Record {
    fn from(practice: Practice) -> Record {
        Record::Practice(practice)
    }
}

impl From<Case> for Record {
    fn from(case: Case) -> Record {
        Record::Case(case)
    }
}

/// Facet values of a record, as the store and search index file them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facets {
    pub forms: Vec<TraffickingForm>,
    pub sectors: Vec<Sector>,
    pub target_groups: Vec<TargetGroup>,
    pub pillars: Vec<Pillar>,
    pub sdg_targets: Vec<SdgTarget>,
}

impl Facets {
    /// `(facet, code)` pairs, as the stores file them in their `record_facets` tables.
    pub fn pairs(&self) -> Vec<(&'static str, &'static str)> {
        self.forms
            .iter()
            .map(|v| ("form", v.code()))
            .chain(self.sectors.iter().map(|v| ("sector", v.code())))
            .chain(
                self.target_groups
                    .iter()
                    .map(|v| ("target_group", v.code())),
            )
            .chain(self.pillars.iter().map(|v| ("pillar", v.code())))
            .chain(self.sdg_targets.iter().map(|v| ("sdg", v.code())))
            .collect()
    }
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Law(_) => RecordKind::Law,
            Record::Practice(_) => RecordKind::Practice,
            Record::Case(_) => RecordKind::Case,
        }
    }

    pub fn id(&self) -> &RecordId {
        match self {
            Record::Law(r) => &r.id,
            Record::Practice(r) => &r.id,
            Record::Case(r) => &r.id,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Record::Law(r) => &r.title,
            Record::Practice(r) => &r.title,
            Record::Case(r) => &r.title,
        }
    }

    pub fn summary(&self) -> &str {
        match self {
            Record::Law(r) => &r.summary,
            Record::Practice(r) => &r.summary,
            Record::Case(r) => &r.summary,
        }
    }

    pub fn sources(&self) -> &[Source] {
        match self {
            Record::Law(r) => &r.sources,
            Record::Practice(r) => &r.sources,
            Record::Case(r) => &r.sources,
        }
    }

    pub fn meta(&self) -> &RecordMeta {
        match self {
            Record::Law(r) => &r.meta,
            Record::Practice(r) => &r.meta,
            Record::Case(r) => &r.meta,
        }
    }

    pub fn meta_mut(&mut self) -> &mut RecordMeta {
        match self {
            Record::Law(r) => &mut r.meta,
            Record::Practice(r) => &mut r.meta,
            Record::Case(r) => &mut r.meta,
        }
    }

    pub fn countries(&self) -> Vec<CountryCode> {
        match self {
            Record::Law(r) => vec![r.country],
            Record::Practice(r) => r.countries.clone(),
            Record::Case(r) => r.countries.clone(),
        }
    }

    pub fn is_global(&self) -> bool {
        matches!(self, Record::Practice(p) if p.global)
    }

    /// The years the record spans: enactment, decision, or a practice's start to end (open-ended
    /// when it has no end year). `None` when no year is known.
    pub fn years(&self) -> Option<(i32, Option<i32>)> {
        match self {
            Record::Law(r) => r.year_enacted.map(|y| (y, Some(y))),
            Record::Case(r) => r.decision_year.map(|y| (y, Some(y))),
            Record::Practice(r) => r.start_year.map(|y| (y, r.end_year)),
        }
    }

    pub fn facets(&self) -> Facets {
        match self {
            Record::Law(r) => Facets {
                forms: r.forms.clone(),
                target_groups: r.target_groups.clone(),
                sdg_targets: r.sdg_targets.clone(),
                ..Facets::default()
            },
            Record::Practice(r) => Facets {
                forms: r.forms.clone(),
                sectors: r.sectors.clone(),
                target_groups: r.target_groups.clone(),
                pillars: r.pillars.clone(),
                sdg_targets: r.sdg_targets.clone(),
            },
            Record::Case(r) => Facets {
                forms: r.forms.clone(),
                sectors: r.sectors.clone(),
                target_groups: r.target_groups.clone(),
                sdg_targets: r.sdg_targets.clone(),
                ..Facets::default()
            },
        }
    }

    /// Free text fields, for checks such as "no contact details in public text".
    pub fn free_text(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("title", self.title()), ("summary", self.summary())];
        match self {
            Record::Law(r) => {
                out.extend(r.amendments_note.as_deref().map(|t| ("amendments_note", t)));
                out.extend(r.provisions_note.as_deref().map(|t| ("provisions_note", t)));
            }
            Record::Practice(r) => {
                out.push(("lead_organisation", &r.lead_organisation));
                out.extend(r.approach.as_deref().map(|t| ("approach", t)));
                out.extend(
                    r.target_groups_note
                        .as_deref()
                        .map(|t| ("target_groups_note", t)),
                );
                out.extend(r.evidence.note.as_deref().map(|t| ("evidence.note", t)));
            }
            Record::Case(r) => {
                out.push(("court_or_agency", &r.court_or_agency));
                out.extend(
                    r.jurisdiction_note
                        .as_deref()
                        .map(|t| ("jurisdiction_note", t)),
                );
                out.extend(r.outcome.note.as_deref().map(|t| ("outcome.note", t)));
            }
        }
        out
    }
}
