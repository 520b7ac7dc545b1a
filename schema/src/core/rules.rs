//! The rules every record keeps, in one place: the seed validator (`tipx seed --check` and the
//! import at start) and every contribution go through [`check_record`], so a submission gets
//! exactly the checks a seed record gets. All problems are reported at once, each naming the
//! field and the rule.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::ids::{CountryCode, RecordId};
use crate::model::{Record, Source};

/// Limits every record must keep.
pub const MAX_SUMMARY_WORDS: usize = 60;
pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_NOTE_CHARS: usize = 1_000;
pub const MAX_URL_CHARS: usize = 2_000;
pub const MIN_YEAR: i32 = 1800;

/// One broken rule: the field (as the API names it, e.g. `summary`, `sources[0].url`), the
/// rule's code and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub rule: &'static str,
    pub message: String,
}

/// What the rules need to know beyond the record itself.
pub struct RuleContext<'a> {
    /// Every known country code.
    pub countries: &'a HashSet<CountryCode>,
    /// Every law id a case may name in `lawsApplied`.
    pub laws: &'a HashSet<RecordId>,
    /// Years up to the next one are accepted.
    pub current_year: i32,
}

/// Checks one record against every rule; empty when it keeps them all.
pub fn check_record(record: &Record, ctx: &RuleContext<'_>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut flag = |field: &str, rule: &'static str, message: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            rule,
            message,
        })
    };
    let max_year = ctx.current_year + 1;

    let title_len = record.title().chars().count();
    if record.title().trim().is_empty() || title_len > MAX_TITLE_CHARS {
        flag(
            "title",
            "LENGTH",
            format!("title must have 1 to {MAX_TITLE_CHARS} characters (has {title_len})"),
        );
    }
    let words = record.summary().split_whitespace().count();
    if words == 0 || words > MAX_SUMMARY_WORDS {
        flag(
            "summary",
            "LENGTH",
            format!("summary must have 1 to {MAX_SUMMARY_WORDS} words (has {words})"),
        );
    }
    for (field, rule, message) in check_sources(record.sources()) {
        flag(&field, rule, message);
    }
    let country_field = if record.kind() == crate::vocab::RecordKind::Law {
        "country"
    } else {
        "countries"
    };
    for code in record.countries() {
        if !ctx.countries.contains(&code) {
            flag(
                country_field,
                "UNKNOWN_COUNTRY",
                format!("unknown country code '{code}'"),
            );
        }
    }
    if let Some((start, end)) = record.years() {
        for year in std::iter::once(start).chain(end) {
            if !(MIN_YEAR..=max_year).contains(&year) {
                flag(
                    year_field(record),
                    "YEAR_RANGE",
                    format!("year {year} is out of range {MIN_YEAR}..={max_year}"),
                );
            }
        }
        if let Some(end) = end.filter(|end| *end < start) {
            flag(
                "endYear",
                "YEAR_ORDER",
                format!("end year {end} is before start year {start}"),
            );
        }
    }
    for (field, text) in record.free_text() {
        if field != "title" && field != "summary" && text.chars().count() > MAX_NOTE_CHARS {
            flag(
                field,
                "LENGTH",
                format!("{field} is longer than {MAX_NOTE_CHARS} characters"),
            );
        }
        if let Some(found) = contact_detail(text) {
            flag(
                field,
                "CONTACT_DETAILS",
                format!(
                    "{field} contains what looks like contact details ('{found}'): public text may not carry emails or phone numbers"
                ),
            );
        }
    }
    let language = match record {
        Record::Law(law) => {
            for year in &law.amendment_years {
                if !(MIN_YEAR..=max_year).contains(year) {
                    flag(
                        "amendmentYears",
                        "YEAR_RANGE",
                        format!("amendment year {year} is out of range"),
                    );
                }
            }
            &law.language
        }
        Record::Practice(p) => {
            if p.global != p.countries.is_empty() {
                flag(
                    "countries",
                    "GLOBAL_OR_COUNTRIES",
                    "a practice is either global (no countries) or has at least one country".into(),
                );
            }
            &p.language
        }
        Record::Case(c) => {
            for law in &c.laws_applied {
                if !ctx.laws.contains(law) {
                    flag(
                        "lawsApplied",
                        "UNKNOWN_LAW",
                        format!("laws_applied names '{law}', which is not a law in laws.json"),
                    );
                }
            }
            if c.outcome.victims_by_group.iter().any(|v| v.count < 0)
                || c.outcome.convictions.is_some_and(|n| n < 0)
                || c.outcome.victims_identified.is_some_and(|n| n < 0)
            {
                flag(
                    "outcome",
                    "NEGATIVE_FIGURE",
                    "outcome figures may not be negative".into(),
                );
            }
            &c.language
        }
    };
    if !valid_language(language) {
        flag(
            "language",
            "LANGUAGE_TAG",
            format!("'{language}' is not a language tag"),
        );
    }
    errors
}

fn year_field(record: &Record) -> &'static str {
    match record {
        Record::Law(_) => "yearEnacted",
        Record::Practice(_) => "startYear",
        Record::Case(_) => "decisionYear",
    }
}

/// Problems with a list of sources: `(field, rule, message)`.
pub fn check_sources(sources: &[Source]) -> Vec<(String, &'static str, String)> {
    let mut problems = Vec::new();
    if sources.is_empty() {
        problems.push((
            "sources".to_owned(),
            "SOURCE_REQUIRED",
            "needs at least one source".to_owned(),
        ));
    }
    for (i, s) in sources.iter().enumerate() {
        let ok_scheme = s.url.starts_with("https://") || s.url.starts_with("http://");
        if !ok_scheme || s.url.len() > MAX_URL_CHARS || s.url.contains(char::is_whitespace) {
            problems.push((
                format!("sources[{i}].url"),
                "SOURCE_URL",
                format!(
                    "source URL '{}' is not an http(s) URL",
                    crate::ids::truncate(&s.url, 80)
                ),
            ));
        }
    }
    problems
}

/// Whether `tag` looks like a BCP 47 language tag (`en`, `pt-BR`).
pub fn valid_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Finds an email address or phone number in free text.
pub fn contact_detail(text: &str) -> Option<String> {
    static PATTERNS: OnceLock<[Regex; 2]> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("email pattern"),
            // International (+44 20 7946 0000) or grouped national numbers (1-800-373-7888,
            // (02) 555 0199): three or more digit groups joined by spaces, dots or dashes.
            Regex::new(r"(\+\d{1,3}[\s.-]?)?(\(\d{1,4}\)[\s.-]?)?\b\d{2,4}[\s.-]\d{3,4}[\s.-]\d{3,4}\b|\+\d{1,3}[\s.-]?\d{6,12}\b")
                .expect("phone pattern"),
        ]
    });
    patterns
        .iter()
        .find_map(|p| p.find(text).map(|m| m.as_str().to_owned()))
}
