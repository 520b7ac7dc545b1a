//! The `SearchBackend` trait and the engine-neutral shapes it speaks in.
//!
//! Two implementations live in `api/`: Meilisearch (a server, for production) and an embedded
//! tantivy index (the default, nothing to install). One contract test suite runs against both,
//! so the semantics below are what both must honour:
//!
//! - **Words.** Query words are matched case- and accent-insensitively. The last word also
//!   matches as a prefix (as-you-type). Records containing every word rank first; when the
//!   query has several words, records containing only the first words follow (Meilisearch's
//!   "last" matching strategy).
//! - **Typos.** A word of 5 or more characters also matches terms one edit away; 9 or more,
//!   two edits away (a transposition is one edit). The first letter counts double: with one
//!   typo allowed it must match; with two, a different first letter allows no other edit. The
//!   last word also matches the start of a term with typos ("garmant" finds "garments").
//! - **Split words.** A word also matches as two adjacent words ("within" finds "with in"),
//!   split where the two words stand together most often.
//! - **Synonyms.** The phrases of an [`EQUIVALENTS`] group match each other; a broader term in
//!   [`BROADER_TERMS`] also finds its narrower terms, one way only ([`synonym_table`]).
//! - **Filters** are exact; within a field values are alternatives, across fields all hold.
//! - **Facets are disjunctive**: the counts for a field ignore that field's own selection.
//! - **Sort**: relevance (ties by newest, then id), newest, oldest, or title.
//! - Only published records are ever indexed.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ids::{CountryCode, M49Code, RecordId};
use crate::model::{Country, Record};
use crate::vocab::*;

/// Phrase groups whose members match each other in queries (spellings and plain equivalents).
pub const EQUIVALENTS: &[&[&str]] = &[
    &["labour", "labor"],
    &["trafficking in persons", "human trafficking", "tip"],
    &["child", "children", "minor", "minors"],
    &["sex trafficking", "sexual exploitation"],
    &["organ removal", "organ trafficking", "removal of organs"],
    &[
        "non-punishment",
        "non-criminalisation",
        "non-criminalization",
    ],
];

/// One-way expansions: a broader term also finds the narrower concepts it covers, never the
/// other way round. "Modern slavery" is the umbrella term of the ILO, Walk Free and IOM global
/// estimates (forced labour, including trafficking for forced labour, and forced marriage);
/// forced labour (ILO C029) and trafficking in persons (the Palermo Protocol) are distinct
/// legal concepts, so neither finds the other.
pub const BROADER_TERMS: &[(&str, &[&str])] = &[(
    "modern slavery",
    &[
        "forced labour",
        "forced labor",
        "trafficking in persons",
        "human trafficking",
        "forced marriage",
        "debt bondage",
    ],
)];

/// Every query phrase that expands, with everything it matches (itself first): each member of
/// an [`EQUIVALENTS`] group matches its group, each key of [`BROADER_TERMS`] its narrower terms.
/// Both backends build their synonyms from this one table.
pub fn synonym_table() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut table: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    let mut add = |phrase: &'static str, matches: &[&'static str]| {
        let entry = match table.iter_mut().find(|(p, _)| *p == phrase) {
            Some(entry) => entry,
            None => {
                table.push((phrase, vec![phrase]));
                table.last_mut().expect("just pushed")
            }
        };
        for m in matches {
            if !entry.1.contains(m) {
                entry.1.push(m);
            }
        }
    };
    for group in EQUIVALENTS {
        for phrase in group.iter() {
            add(phrase, group);
        }
    }
    for (broader, narrower) in BROADER_TERMS {
        add(broader, narrower);
    }
    table
}

/// The longest query accepted, in characters, and the most words used from it.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 10;

/// Facet fields, in the order facets are reported.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, async_graphql::Enum)]
pub enum FacetField {
    /// Record kind: law, practice, case.
    Kind,
    /// Countries (ISO alpha-2).
    Countries,
    /// UN M49 areas at every level.
    Regions,
    /// Forms of trafficking.
    Forms,
    /// Economic sectors.
    Sectors,
    /// Target groups.
    TargetGroups,
    /// 4P pillars.
    Pillars,
    /// SDG targets.
    SdgTargets,
    /// International instruments a record relates to.
    Instruments,
    /// Evidence level of practices.
    Evidence,
    /// Record language.
    Language,
}

impl FacetField {
    pub const ALL: [FacetField; 11] = [
        FacetField::Kind,
        FacetField::Countries,
        FacetField::Regions,
        FacetField::Forms,
        FacetField::Sectors,
        FacetField::TargetGroups,
        FacetField::Pillars,
        FacetField::SdgTargets,
        FacetField::Instruments,
        FacetField::Evidence,
        FacetField::Language,
    ];

    /// The attribute name in search documents and engines.
    pub fn attribute(self) -> &'static str {
        match self {
            FacetField::Kind => "kind",
            FacetField::Countries => "countries",
            FacetField::Regions => "regions",
            FacetField::Forms => "forms",
            FacetField::Sectors => "sectors",
            FacetField::TargetGroups => "target_groups",
            FacetField::Pillars => "pillars",
            FacetField::SdgTargets => "sdg_targets",
            FacetField::Instruments => "instruments",
            FacetField::Evidence => "evidence",
            FacetField::Language => "language",
        }
    }

    pub fn of_doc(self, doc: &SearchDoc) -> &[String] {
        match self {
            FacetField::Kind => std::slice::from_ref(&doc.kind),
            FacetField::Countries => &doc.countries,
            FacetField::Regions => &doc.regions,
            FacetField::Forms => &doc.forms,
            FacetField::Sectors => &doc.sectors,
            FacetField::TargetGroups => &doc.target_groups,
            FacetField::Pillars => &doc.pillars,
            FacetField::SdgTargets => &doc.sdg_targets,
            FacetField::Instruments => &doc.instruments,
            FacetField::Evidence => std::slice::from_ref(&doc.evidence),
            FacetField::Language => std::slice::from_ref(&doc.language),
        }
    }
}

/// One record as the search engines index it. Every facet value is a code string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Other searchable text: organisation, court, notes.
    pub body: String,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub forms: Vec<String>,
    pub sectors: Vec<String>,
    pub target_groups: Vec<String>,
    pub pillars: Vec<String>,
    pub sdg_targets: Vec<String>,
    pub instruments: Vec<String>,
    /// Evaluation design for practices; `NONE` for laws and cases.
    pub evidence: String,
    pub language: String,
    /// First year (enactment, decision, start); absent when unknown.
    pub year_start: Option<i32>,
    /// Last year; `9999` for a practice still running, equal to `year_start` otherwise.
    pub year_end: Option<i32>,
    /// For sorting by title: lower case, accents folded, punctuation dropped.
    pub title_sort: String,
}

/// `year_end` of a practice with no end year.
pub const OPEN_END_YEAR: i32 = 9999;

impl SearchDoc {
    /// Builds the document of a published record. `countries` must hold the record's
    /// countries (for their M49 areas); missing ones are indexed without areas.
    pub fn from_record(record: &Record, countries: &[Country]) -> SearchDoc {
        let codes: Vec<CountryCode> = record.countries();
        let mut regions: Vec<String> = codes
            .iter()
            .filter_map(|c| countries.iter().find(|k| k.code == *c))
            .flat_map(|c| c.areas().map(M49Code::to_string).collect::<Vec<_>>())
            .collect();
        regions.sort();
        regions.dedup();
        let facets = record.facets();
        let codes_of = |v: Vec<&'static str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
        let (body, evidence, language) = match record {
            Record::Law(l) => (
                [l.provisions_note.as_deref(), l.amendments_note.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                "NONE".to_owned(),
                l.language.clone(),
            ),
            Record::Practice(p) => (
                [
                    Some(p.lead_organisation.as_str()),
                    p.approach.as_deref(),
                    p.target_groups_note.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
                p.evidence.design.code().to_owned(),
                p.language.clone(),
            ),
            Record::Case(c) => (
                [
                    Some(c.court_or_agency.as_str()),
                    c.jurisdiction_note.as_deref(),
                    c.outcome.note.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
                "NONE".to_owned(),
                c.language.clone(),
            ),
        };
        let (year_start, year_end) = match record.years() {
            Some((start, end)) => (Some(start), Some(end.unwrap_or(OPEN_END_YEAR))),
            None => (None, None),
        };
        SearchDoc {
            id: record.id().to_string(),
            kind: record.kind().code().to_owned(),
            title: record.title().to_owned(),
            summary: record.summary().to_owned(),
            body,
            countries: codes.iter().map(|c| c.to_string()).collect(),
            regions,
            forms: codes_of(facets.forms.iter().map(|v| v.code()).collect()),
            sectors: codes_of(facets.sectors.iter().map(|v| v.code()).collect()),
            target_groups: codes_of(facets.target_groups.iter().map(|v| v.code()).collect()),
            pillars: codes_of(facets.pillars.iter().map(|v| v.code()).collect()),
            sdg_targets: codes_of(facets.sdg_targets.iter().map(|v| v.code()).collect()),
            instruments: Vec::new(),
            evidence,
            language,
            year_start,
            year_end,
            title_sort: normalise(record.title())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Conditions on search results, already checked against the code lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchFilter {
    /// Selected values per facet field; a field absent or empty places no condition.
    pub facets: Vec<(FacetField, Vec<String>)>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
}

impl SearchFilter {
    pub fn selected(&self, field: FacetField) -> &[String] {
        self.facets
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// The same filter without `field`'s selection (for disjunctive facet counts).
    pub fn without(&self, field: FacetField) -> SearchFilter {
        SearchFilter {
            facets: self
                .facets
                .iter()
                .filter(|(f, _)| *f != field)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// Whether a document passes every condition: the brute-force definition the contract
    /// tests compare engines against.
    pub fn matches(&self, doc: &SearchDoc) -> bool {
        let facets_ok = self.facets.iter().all(|(field, wanted)| {
            wanted.is_empty() || field.of_doc(doc).iter().any(|v| wanted.contains(v))
        });
        let from_ok = self
            .year_from
            .is_none_or(|from| doc.year_end.is_some_and(|e| e >= from));
        let to_ok = self
            .year_to
            .is_none_or(|to| doc.year_start.is_some_and(|s| s <= to));
        facets_ok && from_ok && to_ok
    }
}

/// Result order.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum,
)]
pub enum SearchSort {
    /// Best match first (with no query: newest first).
    #[default]
    Relevance,
    /// Most recent year first.
    Newest,
    /// Earliest year first.
    Oldest,
    /// By title, A to Z.
    Title,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub filter: SearchFilter,
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
    /// Facet fields to count.
    pub facets: Vec<FacetField>,
}

/// Highlighted text: HTML-escaped, matches wrapped in `<em>…</em>`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    pub title: String,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub id: RecordId,
    pub highlight: Highlight,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResponse {
    pub hits: Vec<SearchHit>,
    pub total_hits: u64,
    pub processing_time_ms: u64,
    /// Counts per facet field asked for, values with a count of zero left out, largest first.
    pub facets: Vec<(FacetField, Vec<(String, u64)>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search backend unavailable: {0}")]
    Unavailable(String),
    #[error("search failure: {0}")]
    Internal(String),
}

pub type SearchResult<T> = Result<T, SearchError>;

/// What `/health` reports of the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendStatus {
    pub available: bool,
    pub documents: Option<u64>,
    pub detail: Option<String>,
}

/// Progress of a full rebuild, reported as documents are sent.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

#[async_trait]
pub trait SearchBackend: Send + Sync + 'static {
    /// `meilisearch` or `embedded`.
    fn name(&self) -> &'static str;

    /// Whether the backend answers, and how many documents it holds.
    async fn status(&self) -> BackendStatus;

    /// Inserts or replaces documents; returns once they are searchable.
    async fn upsert(&self, docs: &[SearchDoc]) -> SearchResult<()>;

    /// Removes documents by id; returns once they are gone from results.
    async fn delete(&self, ids: &[String]) -> SearchResult<()>;

    /// Replaces the whole index with `docs`, building aside and swapping, so searches never
    /// see an empty or partial index.
    async fn rebuild(&self, docs: Vec<SearchDoc>, progress: Progress<'_>) -> SearchResult<()>;

    async fn search(&self, request: &SearchRequest) -> SearchResult<SearchResponse>;

    /// Called by the indexer when it has applied every pending change: a backend may tidy its
    /// index for searching now that no more writes are coming (the embedded index merges its
    /// segments into one). Nothing by default.
    async fn settle(&self) -> SearchResult<()> {
        Ok(())
    }
}

/// Lower-cases, folds common accents and turns punctuation (except `-`) into spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        for lower in ch.to_lowercase() {
            let folded = fold_accent(lower);
            if folded.is_alphanumeric() || folded == '-' {
                out.push(folded);
            } else {
                out.push(' ');
            }
        }
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' | 'ś' | 'ş' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ğ' => 'g',
        'ł' => 'l',
        'ř' => 'r',
        'ț' | 'ţ' => 't',
        'º' => 'o',
        'ª' => 'a',
        other => other,
    }
}

/// Typos allowed for a word of this many characters.
pub fn typos_allowed(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// HTML-escapes `text` and wraps the given byte ranges (sorted, non-overlapping) in `<em>`.
pub fn highlight_html(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 9);
    let mut pos = 0;
    for r in ranges {
        if r.start < pos
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        escape_into(&text[pos..r.start], &mut out);
        out.push_str("<em>");
        escape_into(&text[r.start..r.end], &mut out);
        out.push_str("</em>");
        pos = r.end;
    }
    escape_into(&text[pos..], &mut out);
    out
}

fn escape_into(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_case_accents_and_punctuation() {
        assert_eq!(
            normalise("Código Orgánico, nº 5!"),
            "codigo organico  no 5 "
        );
    }

    #[test]
    fn highlights_are_escaped() {
        assert_eq!(
            highlight_html("a <b> forced", std::slice::from_ref(&(6..12))),
            "a &lt;b&gt; <em>forced</em>"
        );
    }
}
