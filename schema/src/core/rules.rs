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
    for (field, text) in texts_and_sources(record) {
        if has_withheld_name(text) {
            flag(
                &field,
                "WITHHELD_NAME",
                format!(
                    "{field} carries the name of a victim or a victim's relative: use the court's \
                     anonymised citation or a source without the name"
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
        if let Some(host) = mirror_host(&s.url) {
            problems.push((
                format!("sources[{i}].url"),
                "SOURCE_MIRROR",
                format!(
                    "{host} copies other publishers' documents: cite the government, court, \
                     depositary or organisation that publishes it"
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

/// Finds an email address or phone number in free text (the seed rule, also part of the
/// contribution guard [`personal_data`]).
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

/// What kind of personal data a text seems to carry.
fn personal_data_patterns() -> &'static [(&'static str, Regex)] {
    static PATTERNS: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let months = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
        let full_date = format!(
            r"(?:\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{months})\.?,?\s+\d{{4}}|(?:{months})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
        );
        vec![
            (
                "a date of birth",
                Regex::new(&format!(
                    r"(?i)\b(?:born|birth|d\.?o\.?b\.?|née?|nacid[oa]|nascid[oa])\b[^.;\n]{{0,25}}?{full_date}"
                ))
                .expect("date of birth pattern"),
            ),
            (
                "a passport or identity document number",
                Regex::new(r"(?i)\b(?:passport|id card|identity card|national id|nin|ssn)\b\s*(?:no\.?|number|nr\.?|#)?\s*:?\s*[A-Z0-9][A-Z0-9-]{5,}")
                    .expect("document number pattern"),
            ),
            (
                "a passport or identity document number",
                // One or two capital letters then 6 to 9 digits, as one token (A12345678).
                Regex::new(r"\b[A-Z]{1,2}\d{6,9}\b").expect("passport pattern"),
            ),
            (
                "an identity number",
                // Nine or more digits in one run: not a year, a statute number or an amount.
                Regex::new(r"\b\d{9,}\b").expect("long number pattern"),
            ),
            (
                "a street address",
                Regex::new(r"(?i)\b\d{1,5}[a-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:street|st\.|road|rd\.|avenue|ave\.|lane|boulevard|blvd\.?|drive|close|crescent)\b|\b(?:rue|calle|avenida|avenue|via|rua|ulitsa)\s+(?:[\w'-]+\s+){0,3}(?:no\.?\s*)?\d{1,5}\b|\bp\.?\s?o\.?\s+box\s+\d+")
                    .expect("street address pattern"),
            ),
        ]
    })
}

/// Finds personal data in free text: an email address, a phone number, a passport or
/// identity number, a full date of birth or a street address. Returns what kind it found.
/// URLs in the text are only checked for email addresses (their paths carry numbers).
pub fn personal_data(text: &str) -> Option<&'static str> {
    static URL: OnceLock<Regex> = OnceLock::new();
    let url = URL.get_or_init(|| Regex::new(r"https?://\S+").expect("url pattern"));
    if contact_detail(text).is_some_and(|found| found.contains('@')) {
        return Some("an email address");
    }
    let without_urls = url.replace_all(text, " ");
    if contact_detail(&without_urls).is_some() {
        return Some("a phone number");
    }
    personal_data_patterns()
        .iter()
        .find(|(_, pattern)| pattern.is_match(&without_urls))
        .map(|(kind, _)| *kind)
}

/// Every text of a record a person could read, with its field name: the free text, and each
/// source's URL and title.
fn texts_and_sources(record: &Record) -> Vec<(String, &str)> {
    let mut texts: Vec<(String, &str)> = record
        .free_text()
        .into_iter()
        .map(|(f, t)| (f.to_owned(), t))
        .collect();
    for (i, source) in record.sources().iter().enumerate() {
        texts.push((format!("sources[{i}].url"), source.url.as_str()));
        if let Some(title) = &source.title {
            texts.push((format!("sources[{i}].title"), title.as_str()));
        }
    }
    texts
}

/// The do-no-harm guard on a contribution: free text, source titles and source URLs may carry
/// no personal data. Each hit names the field and what was found (not the text itself, which
/// is not stored).
pub fn check_personal_data(record: &Record) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, text) in texts_and_sources(record) {
        if let Some(kind) = personal_data(text) {
            errors.push(FieldError {
                field,
                rule: "PERSONAL_DATA",
                message: format!(
                    "looks like {kind}: records never carry personal data about victims or \
                     anyone else (do no harm); remove it and describe the facts in aggregate"
                ),
            });
        }
    }
    errors
}

/// The host of an http(s) URL, lower-cased, without user info or port.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The deny-listed mirror host `url` is on (the host or a parent domain in
/// `core/mirror-hosts.txt`), if any.
pub fn mirror_host(url: &str) -> Option<&'static str> {
    static HOSTS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let hosts = HOSTS.get_or_init(|| {
        include_str!("mirror-hosts.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    let host = url_host(url)?;
    hosts.iter().copied().find(|d| {
        host == *d
            || host
                .strip_suffix(d)
                .is_some_and(|prefix| prefix.ends_with('.'))
    })
}

/// The salt of the withheld-name hashes (`core/withheld-names.sha256`).
const WITHHELD_SALT: &str = "tipx-withheld-name:";

/// The hash a withheld name is stored as: SHA-256 of the salt and the lower-cased words of the
/// name joined by single spaces, in hex.
pub fn withheld_name_hash(name: &str) -> String {
    salted_hash(&name_words(name).join(" "))
}

/// Lower-cased words of `text`, with percent-escapes in URLs decoded first, so that
/// `Rantsev`, `rantsev-v-cyprus` and `%52antsev` give the same word.
fn name_words(text: &str) -> Vec<String> {
    let decoded = percent_decode(text);
    decoded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Hex digits read as bytes: the two after a '%' may be the start of a longer
        // character, which a string slice there would cut (found by fuzzing).
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The withheld-name list: hashes of names, and hashes of the first words of two-word names.
struct Withheld {
    names: HashSet<String>,
    first_words: HashSet<String>,
}

impl Withheld {
    /// A list from the file's lines (`<hash>` or `first <hash>`).
    fn parse(text: &str) -> Withheld {
        let mut list = Withheld {
            names: HashSet::new(),
            first_words: HashSet::new(),
        };
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.strip_prefix("first ") {
                Some(hash) => list.first_words.insert(hash.trim().to_owned()),
                None => list.names.insert(line.to_owned()),
            };
        }
        list
    }

    /// Whether `text` contains a listed name (see [`has_withheld_name`]).
    fn found_in(&self, text: &str, flags: impl Fn(&str) -> (bool, bool)) -> bool {
        if self.names.is_empty() {
            return false;
        }
        let words: Vec<String> = name_words(text)
            .into_iter()
            .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        for (i, word) in words.iter().enumerate() {
            let (is_name, starts_name) = flags(word);
            if is_name {
                return true;
            }
            if starts_name {
                if let Some(next) = words.get(i + 1) {
                    if self.names.contains(&salted_hash(&format!("{word} {next}"))) {
                        return true;
                    }
                }
            }
        }
        false
    }

    fn flags(&self, word: &str) -> (bool, bool) {
        let hash = salted_hash(word);
        (self.names.contains(&hash), self.first_words.contains(&hash))
    }
}

fn withheld() -> &'static Withheld {
    static LIST: OnceLock<Withheld> = OnceLock::new();
    LIST.get_or_init(|| Withheld::parse(include_str!("withheld-names.sha256")))
}

fn salted_hash(words: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{WITHHELD_SALT}{words}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// For one word: (is a withheld name, starts a withheld two-word name). Memoised for the
/// process, since a seed repeats its words many times; the memo is bounded.
fn word_flags(word: &str) -> (bool, bool) {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static MEMO: OnceLock<Mutex<HashMap<String, (bool, bool)>>> = OnceLock::new();
    let memo = MEMO.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(flags) = memo.lock().ok().and_then(|m| m.get(word).copied()) {
        return flags;
    }
    let flags = withheld().flags(word);
    if let Ok(mut m) = memo.lock() {
        if m.len() >= 500_000 {
            m.clear();
        }
        m.insert(word.to_owned(), flags);
    }
    flags
}

/// Whether `text` (free text or a URL) contains a withheld name: a single word, or two
/// consecutive words (of three or more letters each), whose hash is in
/// `core/withheld-names.sha256`. The names of victims and their relatives that court citations
/// or sources carry are kept only as salted hashes, so the check works without the product
/// storing the names themselves.
pub fn has_withheld_name(text: &str) -> bool {
    withheld().found_in(text, word_flags)
}

#[cfg(test)]
mod withheld_name_tests {
    use super::*;

    /// A list of made-up names, hashed as the real file is.
    fn list() -> Withheld {
        let mut text = String::new();
        for name in ["Zyxwq", "Quolba Varnet"] {
            text.push_str(&withheld_name_hash(name));
            text.push('\n');
        }
        text.push_str(&format!("first {}\n", withheld_name_hash("Quolba")));
        Withheld::parse(&text)
    }

    fn found(text: &str) -> bool {
        let list = list();
        list.found_in(text, |w| list.flags(w))
    }

    #[test]
    fn a_listed_name_is_found_in_text_and_urls_in_any_case_and_encoding() {
        assert!(found("The court heard Zyxwq's claim."));
        assert!(found("https://example.org/cases/zyxwq-v-state"));
        assert!(
            found("https://example.org/cases/%5Ayxwq-v-state"),
            "percent-encoded Z"
        );
        assert!(found("QUOLBA VARNET v. the State"));
        assert!(found("https://example.org/quolba-varnet/judgment"));
    }

    #[test]
    fn a_percent_sign_before_a_longer_character_is_text() {
        // Found by the record_text fuzz target: this text used to panic (a slice inside 'Ւ').
        assert!(!found("\u{1b}n%n\u{552}D"));
        assert!(!found("100%é"));
        assert!(found("https://example.org/%5Ayxwq-%C3%A9"));
    }

    #[test]
    fn a_first_name_alone_and_ordinary_text_pass() {
        assert!(!found(
            "Quolba is a first name on the list only as part of a pair"
        ));
        assert!(!found("Varnet alone is not listed"));
        assert!(!found(
            "The European Court of Human Rights found a violation of Article 4."
        ));
    }
}

#[cfg(test)]
mod personal_data_tests {
    use super::personal_data;

    #[test]
    fn personal_data_is_found() {
        for text in [
            "Contact the survivor at jane.doe@example.org for details.",
            "Call +234 803 555 0199 for the victim's family.",
            "Her passport number is A12345678.",
            "Passport no. P-4471923 was seized.",
            "The girl, born on 12 March 2006, was recruited online.",
            "DOB: 2006-03-12, recruited in Lagos.",
            "She was born 03/12/2006 in Benin City.",
            "He was held at 14 Adeola Odeku Street until his rescue.",
            "The shelter at 221B Baker Street houses victims.",
            "They lived at Calle Mayor 15 in Madrid.",
            "Write to P.O. Box 4521, Abuja.",
            "National ID 123456789012 was used to open the account.",
        ] {
            assert!(personal_data(text).is_some(), "not caught: {text}");
        }
    }

    #[test]
    fn years_statutes_cases_money_and_urls_are_not_personal_data() {
        for text in [
            "Enacted in 2015 and amended in 2019 and 2022.",
            "Law No. 14/2019 on combating trafficking in persons, Article 3.",
            "Act 2015 No. 30; Decree 2018-1234 of 12 December 2018.",
            "Judgment of 12 March 2019 in [2014] UKSC 47 and App. no. 25965/04.",
            "Case No. HCT-00-CR-SC-0012-2014 before the High Court.",
            "Criminal case 1-123/2020 in the Moscow City Court.",
            "Assets of USD 1,250,000 and EUR 3.5 million were confiscated.",
            "Fines of 500,000 naira and 10 years' imprisonment.",
            "See https://www.unodc.org/res/cld/case-law-doc/2019/123456789.html for the record.",
            "https://laws.example.gov/act/2015/30/section/4?id=987654321",
            "The ruling was handed down on March 5, 2021 by three judges.",
            "Between 2010 and 2020, 1,234 victims were identified (aggregate).",
            "Section 21(1)(a) of the Penal Code, chapter 63.",
            "SDG target 8.7 and ILO Convention No. 182.",
            "The hotline 24/7 answered 3,500 calls in 2022.",
        ] {
            assert_eq!(personal_data(text), None, "false positive: {text}");
        }
    }
}
