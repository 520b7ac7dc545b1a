//! GraphQL object types over the domain structs.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{ComplexObject, Context, Interface, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};

use super::inputs::{page_request, RecordFilterInput};
use super::{load_err, loaders, store_of};
use crate::error::{gql_error, ErrorCode};
use crate::ids::{encode_cursor, CountryCode, GlobalId};
use crate::model::*;
use crate::store::RecordFilter;
use crate::vocab::*;

/// An object with a global id, fetchable through `node(id)`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Opaque global id, stable across releases."
))]
pub enum Node {
    Law(Law),
    Practice(Practice),
    Case(Case),
    Country(Country),
    Instrument(Instrument),
}

impl From<Record> for Node {
    fn from(record: Record) -> Node {
        match record {
            Record::Law(r) => Node::Law(r),
            Record::Practice(r) => Node::Practice(r),
            Record::Case(r) => Node::Case(r),
        }
    }
}

/// Totals carried by every record connection.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct ConnectionTotals {
    /// How many records match the filter, across all pages.
    pub total_count: u64,
}

pub type RecordConnection<T> = Connection<String, T, ConnectionTotals>;

/// Fetches one page of records of a kind and shapes it as a connection.
pub(crate) async fn record_connection<T>(
    ctx: &Context<'_>,
    kind: RecordKind,
    filter: RecordFilter,
    first: Option<i32>,
    after: Option<String>,
    unwrap: fn(Record) -> Option<T>,
) -> async_graphql::Result<RecordConnection<T>>
where
    T: async_graphql::OutputType,
{
    let page = page_request(first, after.as_deref())?;
    let has_previous = page.after.is_some();
    let result = crate::core::catalogue::list(
        store_of(ctx).as_ref(),
        super::sharing::actor(ctx),
        kind,
        &filter,
        &page,
    )
    .await
    .map_err(|e| e.into_gql())?;
    let mut connection = Connection::with_additional_fields(
        has_previous,
        result.has_next_page,
        ConnectionTotals {
            total_count: result.total_count,
        },
    );
    for record in result.records {
        let cursor = encode_cursor(record.id());
        if let Some(node) = unwrap(record) {
            connection.edges.push(Edge::new(cursor, node));
        }
    }
    Ok(connection)
}

pub(crate) fn as_law(r: Record) -> Option<Law> {
    match r {
        Record::Law(l) => Some(l),
        _ => None,
    }
}
pub(crate) fn as_practice(r: Record) -> Option<Practice> {
    match r {
        Record::Practice(p) => Some(p),
        _ => None,
    }
}
pub(crate) fn as_case(r: Record) -> Option<Case> {
    match r {
        Record::Case(c) => Some(c),
        _ => None,
    }
}

async fn load_country(ctx: &Context<'_>, code: CountryCode) -> async_graphql::Result<Country> {
    loaders(ctx)?
        .countries
        .load_one(code)
        .await
        .map_err(load_err)?
        .ok_or_else(|| gql_error(ErrorCode::Internal, format!("country {code} is missing")))
}

async fn load_countries(
    ctx: &Context<'_>,
    codes: &[CountryCode],
) -> async_graphql::Result<Vec<Country>> {
    let found = loaders(ctx)?
        .countries
        .load_many(codes.iter().copied())
        .await
        .map_err(load_err)?;
    Ok(codes.iter().filter_map(|c| found.get(c).cloned()).collect())
}

/// Where a fact was read.
#[Object]
impl Source {
    /// The address of the page or document.
    async fn url(&self) -> &str {
        &self.url
    }
    /// A short label for the source, when known.
    async fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    /// When the source was read, when recorded.
    async fn accessed(&self) -> Option<NaiveDate> {
        self.accessed
    }
    /// PRIMARY (the government, legislature, court, depositary or implementing organisation
    /// itself) or SECONDARY (a report, article or database about it); null when not stated.
    async fn kind(&self) -> Option<SourceKind> {
        self.kind
    }
}

/// An `#[Object]` impl for a record type: the fields every record has, then its own. The whole
/// impl is generated so that `#[Object]` sees every field.
macro_rules! record_object {
    ($(#[doc = $doc:literal])* $ty:ident { $($own:tt)* }) => {
        $(#[doc = $doc])*
        #[Object]
        impl $ty {
        /// Opaque global id (use with `node`).
        async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
            Ok(ID(GlobalId::Record(Self::KIND, self.id.clone()).encode()))
        }
        /// Stable human-readable id, e.g. `PR01`.
        async fn record_id(&self) -> &str {
            self.id.as_str()
        }
        /// Title (for laws, the official title).
        async fn title(&self) -> &str {
            &self.title
        }
        /// Short summary in the platform's own words (at most 60 words).
        async fn summary(&self) -> &str {
            &self.summary
        }
        /// Language of the title and summary (BCP 47 tag).
        async fn language(&self) -> &str {
            &self.language
        }
        /// Forms of trafficking concerned.
        async fn forms(&self) -> &[TraffickingForm] {
            &self.forms
        }
        /// Groups of people concerned.
        async fn target_groups(&self) -> &[TargetGroup] {
            &self.target_groups
        }
        /// SDG targets the record contributes to.
        async fn sdg_targets(&self) -> &[SdgTarget] {
            &self.sdg_targets
        }
        /// Where the facts were read; at least one.
        async fn sources(&self) -> &[Source] {
            &self.sources
        }
        /// Publication status; public queries only ever show PUBLISHED.
        async fn status(&self) -> RecordStatus {
            self.meta.status
        }
        /// When the record was first stored.
        async fn created_at(&self) -> DateTime<Utc> {
            self.meta.created_at
        }
        /// When the record last changed.
        async fn updated_at(&self) -> DateTime<Utc> {
            self.meta.updated_at
        }
        /// Incremented on every change.
        async fn version(&self) -> i32 {
            self.meta.version
        }
        /// Every change of this record, oldest first: the organisation and role that made it
        /// (never a person), when, the status move, the reason and the fields that changed.
        async fn history(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<super::sharing::HistoryEntryGql>> {
            let entries = loaders(ctx)?
                .history
                .load_one(self.id.clone())
                .await
                .map_err(load_err)?
                .unwrap_or_default();
            Ok(entries.iter().map(Into::into).collect())
        }
        /// For a draft or submission changing a published record: the fields that differ
        /// from the published version (before: published, after: this version). Empty for
        /// a new record and for the published version itself.
        async fn changes_from_published(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<super::sharing::FieldChangeGql>> {
            if self.meta.status == crate::vocab::RecordStatus::Published {
                return Ok(Vec::new());
            }
            let published = loaders(ctx)?
                .published
                .load_one(self.id.clone())
                .await
                .map_err(load_err)?;
            let Some(published) = published else {
                return Ok(Vec::new());
            };
            let this = crate::model::Record::from(self.clone());
            Ok(crate::core::history::diff(Some(&published), &this)
                .iter()
                .map(Into::into)
                .collect())
        }
        /// The organisation that first shared this record ("seed" for the platform's own
        /// sourced data).
        async fn shared_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
            Ok(loaders(ctx)?
                .history
                .load_one(self.id.clone())
                .await
                .map_err(load_err)?
                .and_then(|entries| entries.first().map(|e| e.organisation.clone())))
        }

        $($own)*
        }
    };
}

impl Law {
    const KIND: RecordKind = RecordKind::Law;
}
impl Practice {
    const KIND: RecordKind = RecordKind::Practice;
}
impl Case {
    const KIND: RecordKind = RecordKind::Case;
}

record_object! {
/// A national law against trafficking in persons.
Law {
    /// The country whose law it is.
    async fn country(&self, ctx: &Context<'_>) -> async_graphql::Result<Country> {
        load_country(ctx, self.country).await
    }
    /// Year the law was enacted, when known.
    async fn year_enacted(&self) -> Option<i32> {
        self.year_enacted
    }
    /// Years of later amendments, as stated in the sources.
    async fn amendment_years(&self) -> &[i32] {
        &self.amendment_years
    }
    /// Details on amendments beyond their years.
    async fn amendments_note(&self) -> Option<&str> {
        self.amendments_note.as_deref()
    }
    /// Legal form of the law.
    async fn instrument_type(&self) -> LawInstrumentType {
        self.instrument_type
    }
    /// Key provisions the law contains.
    async fn provisions(&self) -> &[Provision] {
        &self.provisions
    }
    /// The notable provisions, described.
    async fn provisions_note(&self) -> Option<&str> {
        self.provisions_note.as_deref()
    }
}
}

/// How well a practice's results are established.
#[Object]
impl Evidence {
    /// The evaluation design behind the reported results.
    async fn design(&self) -> EvaluationDesign {
        self.design
    }
    /// Whether the practice met its objectives, as far as known.
    async fn objectives_met(&self) -> ObjectivesMet {
        self.objectives_met
    }
    /// Details, e.g. who evaluated it.
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

record_object! {
/// A practice against trafficking: prevention, protection, prosecution or partnership.
Practice {
    /// Countries where it runs; empty for a global practice.
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Country>> {
        load_countries(ctx, &self.countries).await
    }
    /// True when the practice is global rather than tied to countries.
    async fn global(&self) -> bool {
        self.global
    }
    /// The organisation that leads it.
    async fn lead_organisation(&self) -> &str {
        &self.lead_organisation
    }
    /// The kind of lead organisation.
    async fn organisation_type(&self) -> OrganisationType {
        self.organisation_type
    }
    /// Year it started, when known.
    async fn start_year(&self) -> Option<i32> {
        self.start_year
    }
    /// Year it ended; null while running or when unknown.
    async fn end_year(&self) -> Option<i32> {
        self.end_year
    }
    /// The approach, in a few words.
    async fn approach(&self) -> Option<&str> {
        self.approach.as_deref()
    }
    /// 4P pillars it serves.
    async fn pillars(&self) -> &[Pillar] {
        &self.pillars
    }
    /// Economic sectors it addresses.
    async fn sectors(&self) -> &[Sector] {
        &self.sectors
    }
    /// The target groups as the source describes them.
    async fn target_groups_note(&self) -> Option<&str> {
        self.target_groups_note.as_deref()
    }
    /// Evaluation and evidence of results.
    async fn evidence(&self) -> &Evidence {
        &self.evidence
    }
}
}

fn small_counts(ctx: &Context<'_>) -> crate::core::privacy::SmallCounts {
    ctx.data_opt::<crate::core::privacy::SmallCounts>()
        .copied()
        .unwrap_or_default()
}

/// A number of victims by sex and age band (aggregate only).
#[Object]
impl VictimCount {
    /// Sex of the victims counted.
    async fn sex(&self) -> Sex {
        self.sex
    }
    /// Age band of the victims counted.
    async fn age(&self) -> AgeBand {
        self.age
    }
    /// How many victims; null when fewer than the privacy threshold (see `suppressed`).
    async fn count(&self, ctx: &Context<'_>) -> Option<i64> {
        small_counts(ctx).visible(self.count)
    }
    /// True when the count is below the privacy threshold (default 11) and so not shown:
    /// read it as "fewer than 11". No small group of people can be singled out.
    async fn suppressed(&self, ctx: &Context<'_>) -> bool {
        small_counts(ctx).visible(self.count).is_none()
    }
    /// The threshold in force: counts below it are suppressed.
    async fn suppressed_below(&self, ctx: &Context<'_>) -> i64 {
        small_counts(ctx).threshold
    }
}

/// An amount of money.
#[Object]
impl Money {
    /// The amount, in the currency's units.
    async fn amount(&self) -> f64 {
        self.amount
    }
    /// ISO 4217 currency code.
    async fn currency(&self) -> &str {
        &self.currency
    }
}

/// Aggregate outcome figures of a case. No person is named or identifiable.
#[Object]
impl Outcome {
    /// Number of convictions, when stated.
    async fn convictions(&self) -> Option<i64> {
        self.convictions
    }
    /// Number of victims identified, when stated.
    async fn victims_identified(&self) -> Option<i64> {
        self.victims_identified
    }
    /// Victims identified by sex and age band, where the source breaks them down.
    async fn victims_by_group(&self) -> &[VictimCount] {
        &self.victims_by_group
    }
    /// Assets confiscated or paid in remediation, when stated.
    async fn assets(&self) -> Option<&Money> {
        self.assets.as_ref()
    }
    /// The outcome as the sources state it.
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

record_object! {
/// A successful case: judgment, prosecution, identification operation or remediation.
Case {
    /// Countries concerned; empty for regional or global cases (see `jurisdictionNote`).
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Country>> {
        load_countries(ctx, &self.countries).await
    }
    /// The jurisdiction when it is not a country, e.g. "European Union".
    async fn jurisdiction_note(&self) -> Option<&str> {
        self.jurisdiction_note.as_deref()
    }
    /// The court or agency that decided or acted.
    async fn court_or_agency(&self) -> &str {
        &self.court_or_agency
    }
    /// Year of the decision or operation.
    async fn decision_year(&self) -> Option<i32> {
        self.decision_year
    }
    /// What kind of success the case records.
    async fn case_type(&self) -> CaseType {
        self.case_type
    }
    /// Economic sectors concerned.
    async fn sectors(&self) -> &[Sector] {
        &self.sectors
    }
    /// Aggregate outcome figures.
    async fn outcome(&self) -> &Outcome {
        &self.outcome
    }
    /// The laws applied, where the sources say so.
    async fn laws_applied(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Law>> {
        let found = loaders(ctx)?
            .records
            .load_many(self.laws_applied.iter().cloned())
            .await
            .map_err(load_err)?;
        Ok(self
            .laws_applied
            .iter()
            .filter_map(|id| found.get(id).cloned().and_then(as_law))
            .collect())
    }
}
}

/// Counts of an instrument's parties, computed from the treaty-status rows.
#[Object]
impl PartyCounts {
    /// Parties of any kind (UN member states, observer states, other areas).
    async fn parties(&self) -> u32 {
        self.parties
    }
    /// Parties that are UN member states (of 193).
    async fn member_state_parties(&self) -> u32 {
        self.member_state_parties
    }
    /// States that signed but have not ratified.
    async fn signatories(&self) -> u32 {
        self.signatories
    }
    /// The latest as-of date among the rows counted.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }
}

/// What an instrument's treaty-status rows rest on.
#[Object]
impl StatusTable {
    /// True when the rows copy a depositary's complete table: a UN member state absent from it
    /// is not a party as of `asOf`. False for partial lists, where a missing state is unknown.
    async fn complete(&self) -> bool {
        self.complete
    }
    /// The date the table describes, when known.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }
    /// Which table, and its caveats.
    async fn basis(&self) -> &str {
        &self.basis
    }
}

/// What is known about a member state that has no law in the data.
#[Object]
impl LawGap {
    /// NO_SPECIFIC_OFFENCE when a source says so; NOT_IDENTIFIED when no law was found in the
    /// sources read (the gap is in our data, not necessarily in the state's law).
    async fn finding(&self) -> LawFinding {
        self.finding
    }
    /// What the source says, in our words, with the year it describes.
    async fn note(&self) -> &str {
        &self.note
    }
    /// Where it was read.
    async fn sources(&self) -> &[Source] {
        &self.sources
    }
}

/// A UN language from a `lang` argument, or a BAD_USER_INPUT error.
pub(crate) fn parse_lang(lang: &str) -> async_graphql::Result<Lang> {
    Lang::parse(lang).ok_or_else(|| {
        gql_error(
            ErrorCode::BadUserInput,
            format!("'{lang}' is not one of the UN languages: ar, zh, en, fr, ru, es"),
        )
    })
}

/// A UN M49 geographic area.
#[Object]
impl Region {
    /// Three-digit M49 code, e.g. `002`.
    async fn code(&self) -> &str {
        self.code.as_str()
    }
    /// Name in one of the UN languages (BCP 47 tag such as `fr` or `ar`; default `en`, the M49
    /// name, e.g. "Sub-Saharan Africa"). Other languages come from the Unicode CLDR; English
    /// where CLDR has no name.
    async fn name(
        &self,
        #[graphql(default = "en", validator(max_length = 35))] lang: String,
    ) -> async_graphql::Result<&str> {
        Ok(self.name_in(parse_lang(&lang)?))
    }
    /// Region, sub-region or intermediate region.
    async fn level(&self) -> RegionLevel {
        self.level
    }
    /// The M49 code of the enclosing area.
    async fn parent_code(&self) -> Option<&str> {
        self.parent.as_ref().map(|p| p.as_str())
    }
}

/// A state's standing towards one instrument; UNKNOWN where nothing is recorded.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct TreatyStatus {
    /// The instrument's id, e.g. `TIP_PROTOCOL`.
    pub instrument_id: String,
    /// PARTY, NOT_PARTY, DENOUNCED, or UNKNOWN when no source was recorded.
    pub status: PartyStatus,
    /// The recorded row behind the status, if any.
    pub ratification: Option<Ratification>,
}

#[ComplexObject]
impl TreatyStatus {
    /// The instrument.
    async fn instrument(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Instrument>> {
        loaders(ctx)?
            .instrument(&self.instrument_id)
            .await
            .map_err(load_err)
    }
}

/// A state's recorded standing towards an instrument.
#[Object]
impl Ratification {
    /// The instrument's id.
    async fn instrument_id(&self) -> &str {
        &self.instrument
    }
    /// The instrument.
    async fn instrument(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Instrument>> {
        loaders(ctx)?
            .instrument(&self.instrument)
            .await
            .map_err(load_err)
    }
    /// The country's alpha-2 code.
    async fn country_code(&self) -> &str {
        self.country.as_str()
    }
    /// PARTY, NOT_PARTY or DENOUNCED.
    async fn status(&self) -> PartyStatus {
        self.status
    }
    /// Ratification, accession, ... when the source says.
    async fn action(&self) -> Option<TreatyAction> {
        self.action
    }
    /// Date of the action, when the source gives it.
    async fn date(&self) -> Option<NaiveDate> {
        self.date
    }
    /// Year of the action, where a source gives the year but not the date.
    async fn year(&self) -> Option<i32> {
        self.year.or(self.date.map(|d| chrono::Datelike::year(&d)))
    }
    /// The date the source describes the status at, when it says.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }
    /// Where the status was read.
    async fn sources(&self) -> &[Source] {
        &self.sources
    }
    /// Caveats on the row.
    async fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

/// An international instrument: treaty, protocol, ILO standard, recommendation or SDG target.
#[Object]
impl Instrument {
    /// Opaque global id.
    async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(ID(GlobalId::Instrument(self.id.clone()).encode()))
    }
    /// Stable code, e.g. `TIP_PROTOCOL`, `ILO_C029`.
    async fn code(&self) -> &str {
        &self.id
    }
    /// Common short name.
    async fn short_name(&self) -> &str {
        &self.short_name
    }
    /// Full title.
    async fn title(&self) -> &str {
        &self.title
    }
    /// What kind of instrument it is.
    async fn kind(&self) -> InstrumentKind {
        self.kind
    }
    /// The body that adopted it.
    async fn adopting_body(&self) -> Option<&str> {
        self.adopting_body.as_deref()
    }
    /// Date of adoption.
    async fn adopted_on(&self) -> Option<NaiveDate> {
        self.adopted_on
    }
    /// Date of entry into force.
    async fn entry_into_force(&self) -> Option<NaiveDate> {
        self.entry_into_force
    }
    /// The party count in words, from `parties`.
    #[graphql(
        deprecation = "Use `parties` (counts computed from the treaty-status rows) and `statusTable`."
    )]
    async fn parties_note(&self) -> Option<String> {
        let p = self.parties.as_ref()?;
        let as_of = p
            .as_of
            .map(|d| format!(" as of {}", d.format("%-d %B %Y")))
            .unwrap_or_default();
        Some(format!(
            "{} parties ({} UN member states){as_of}, counted from the treaty-status rows",
            p.parties, p.member_state_parties
        ))
    }
    /// How many states are parties or signatories, counted from the treaty-status rows; null
    /// for instruments without parties.
    async fn parties(&self) -> Option<&PartyCounts> {
        self.parties.as_ref()
    }
    /// What the treaty-status rows rest on: a depositary's complete table (a UN member state
    /// absent from it is not a party as of its date) or a partial list.
    async fn status_table(&self) -> Option<&StatusTable> {
        self.status_table.as_ref()
    }
    /// Whether states become parties to it.
    async fn has_parties(&self) -> bool {
        self.is_treaty()
    }
    /// Where the facts were read.
    async fn sources(&self) -> &[Source] {
        &self.sources
    }
}

/// Published record counts for a country.
#[Object]
impl super::KindCounts {
    /// Published laws.
    async fn laws(&self) -> u64 {
        self.laws
    }
    /// Published practices (global ones are not counted for a country).
    async fn practices(&self) -> u64 {
        self.practices
    }
    /// Published cases.
    async fn cases(&self) -> u64 {
        self.cases
    }
}

/// A country or area, with its laws, practices, cases and treaty status.
#[Object]
impl Country {
    /// Opaque global id.
    async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(ID(GlobalId::Country(self.code).encode()))
    }
    /// ISO 3166-1 alpha-2 code.
    async fn code(&self) -> &str {
        self.code.as_str()
    }
    /// ISO 3166-1 alpha-3 code.
    async fn alpha3(&self) -> &str {
        &self.alpha3
    }
    /// UN M49 numeric code.
    async fn m49(&self) -> &str {
        &self.m49
    }
    /// Name in one of the UN languages (BCP 47 tag such as `fr` or `ar`; default `en`, the ISO
    /// short name). Other languages come from the Unicode CLDR; English where CLDR has no name.
    async fn name(
        &self,
        #[graphql(default = "en", validator(max_length = 35))] lang: String,
    ) -> async_graphql::Result<&str> {
        Ok(self.name_in(parse_lang(&lang)?))
    }
    /// For a member state without a law in the data: whether a source says no specific
    /// offence exists or no law was identified, with the sources. Null otherwise.
    async fn law_gap(&self) -> Option<&LawGap> {
        self.law_gap.as_ref()
    }
    /// UN member state, observer state, or neither.
    async fn un_status(&self) -> UnStatus {
        self.un_status
    }
    /// M49 region (e.g. Africa).
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        load_region(ctx, self.region.as_ref()).await
    }
    /// M49 sub-region (e.g. Sub-Saharan Africa).
    async fn sub_region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        load_region(ctx, self.sub_region.as_ref()).await
    }
    /// M49 intermediate region (e.g. Western Africa), where one exists.
    async fn intermediate_region(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Region>> {
        load_region(ctx, self.intermediate_region.as_ref()).await
    }

    /// The country's published laws. `filter.countries` and `filter.regions` are ignored here.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    async fn laws(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last record of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Law>> {
        let filter = self.scoped_filter(ctx, filter, RecordKind::Law).await?;
        record_connection(ctx, RecordKind::Law, filter, first, after, as_law).await
    }

    /// Practices run in the country. `filter.includeGlobal` adds global practices.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    async fn practices(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last record of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Practice>> {
        let filter = self
            .scoped_filter(ctx, filter, RecordKind::Practice)
            .await?;
        record_connection(ctx, RecordKind::Practice, filter, first, after, as_practice).await
    }

    /// Successful cases concerning the country.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last record of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Case>> {
        let filter = self.scoped_filter(ctx, filter, RecordKind::Case).await?;
        record_connection(ctx, RecordKind::Case, filter, first, after, as_case).await
    }

    /// Search within the country's records, through the same engine as `search`: sorted by
    /// relevance (or, with no query, by recency). `filter.countries` and `filter.regions` are
    /// ignored here.
    #[graphql(complexity = "super::page_cost(first, child_complexity)")]
    // Each GraphQL argument is a parameter here.
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Words to look for (at most 200 characters); empty or null lists everything."
        )]
        query: Option<String>,
        filter: Option<super::SearchFilterInput>,
        #[graphql(desc = "Result order (default RELEVANCE).")] sort: Option<
            crate::search::SearchSort,
        >,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last hit of the previous page.")] after: Option<String>,
        #[graphql(
            desc = "Page number, from 1, in pages of `first` hits: an alternative to `after` for numbered pagination."
        )]
        page: Option<i32>,
    ) -> async_graphql::Result<super::search::SearchResults> {
        let mut input = filter.unwrap_or_default();
        input.countries = Some(vec![self.code.to_string()]);
        input.regions = None;
        let filter = input.to_filter(ctx).await?;
        super::search::run_search(
            ctx,
            query.unwrap_or_default(),
            filter,
            sort.unwrap_or_default(),
            first,
            after,
            page,
        )
        .await
    }

    /// Published record counts by kind.
    async fn record_counts(&self, ctx: &Context<'_>) -> async_graphql::Result<super::KindCounts> {
        Ok(loaders(ctx)?
            .counts
            .load_one(self.code)
            .await
            .map_err(load_err)?
            .unwrap_or_default())
    }

    /// Every recorded treaty action of the country. A missing instrument means unknown.
    async fn ratifications(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Ratification>> {
        Ok(loaders(ctx)?
            .ratifications
            .load_one(self.code)
            .await
            .map_err(load_err)?
            .unwrap_or_default())
    }

    /// The country's dated events, oldest first: laws enacted and amended, treaty actions
    /// (ratification, accession, succession, signature), cases decided. Undated ones are left
    /// out; at most 500 laws and 500 cases are read.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::timeline::TimelineEvent>> {
        super::timeline::timeline(ctx, self.code).await
    }

    /// Standing towards every instrument that has parties, UNKNOWN where nothing is recorded.
    async fn treaty_status(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TreatyStatus>> {
        let loaders = loaders(ctx)?;
        let rows = loaders
            .ratifications
            .load_one(self.code)
            .await
            .map_err(load_err)?
            .unwrap_or_default();
        let instruments = loaders.all_instruments().await.map_err(load_err)?;
        Ok(instruments
            .iter()
            .filter(|i| i.is_treaty())
            .map(|i| {
                let row = rows.iter().find(|r| r.instrument == i.id).cloned();
                TreatyStatus {
                    status: row.as_ref().map_or(PartyStatus::Unknown, |r| r.status),
                    instrument_id: i.id.clone(),
                    ratification: row,
                }
            })
            .collect())
    }
}

impl Country {
    async fn scoped_filter(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordFilterInput>,
        kind: RecordKind,
    ) -> async_graphql::Result<RecordFilter> {
        let mut input = filter.unwrap_or_default();
        input.countries = None;
        input.regions = None;
        let mut filter = input.to_filter(ctx, kind).await?;
        filter.countries = vec![self.code];
        Ok(filter)
    }
}

async fn load_region(
    ctx: &Context<'_>,
    code: Option<&crate::ids::M49Code>,
) -> async_graphql::Result<Option<Region>> {
    match code {
        None => Ok(None),
        Some(code) => loaders(ctx)?
            .regions
            .load_one(code.clone())
            .await
            .map_err(load_err),
    }
}
