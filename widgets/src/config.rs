//! Widget attributes, read once into typed settings. A bad attribute gives a message naming
//! it, shown in place of the widget, rather than a silent default.

use crate::i18n::Lang;
use crate::small::VecMap;

/// The most values one list attribute (`country="NG,GH"`) may hold.
pub const MAX_LIST_VALUES: usize = 20;
/// The longest attribute value read.
pub const MAX_ATTR_CHARS: usize = 500;
/// The most hits a page may show (the API allows 100; a widget needs fewer).
pub const MAX_PAGE_SIZE: u32 = 50;
pub const DEFAULT_PAGE_SIZE: u32 = 10;

/// The attributes as the loader passes them: name to value.
pub type Attrs = VecMap<String, String>;

/// What can be filtered on, as attribute names and facet fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FilterKey {
    Kind,
    Country,
    Region,
    Form,
    Sector,
    TargetGroup,
    Pillar,
    Year,
}

impl FilterKey {
    pub const LISTS: [FilterKey; 7] = [
        FilterKey::Kind,
        FilterKey::Country,
        FilterKey::Region,
        FilterKey::Form,
        FilterKey::Sector,
        FilterKey::TargetGroup,
        FilterKey::Pillar,
    ];

    /// The attribute that presets it.
    pub fn attr(self) -> &'static str {
        match self {
            FilterKey::Kind => "kind",
            FilterKey::Country => "country",
            FilterKey::Region => "region",
            FilterKey::Form => "form",
            FilterKey::Sector => "sector",
            FilterKey::TargetGroup => "target-group",
            FilterKey::Pillar => "pillar",
            FilterKey::Year => "year",
        }
    }

    /// The API's facet field name for it.
    pub fn facet(self) -> &'static str {
        match self {
            FilterKey::Kind => "KIND",
            FilterKey::Country => "COUNTRIES",
            FilterKey::Region => "REGIONS",
            FilterKey::Form => "FORMS",
            FilterKey::Sector => "SECTORS",
            FilterKey::TargetGroup => "TARGET_GROUPS",
            FilterKey::Pillar => "PILLARS",
            FilterKey::Year => "YEAR",
        }
    }

    /// The taxonomy list whose labels name its values, if any.
    pub fn taxonomy_list(self) -> Option<&'static str> {
        match self {
            FilterKey::Kind => Some("recordKinds"),
            FilterKey::Form => Some("forms"),
            FilterKey::Sector => Some("sectors"),
            FilterKey::TargetGroup => Some("targetGroups"),
            FilterKey::Pillar => Some("pillars"),
            _ => None,
        }
    }

    fn parse(name: &str) -> Option<FilterKey> {
        let key = match name.trim() {
            "kind" => FilterKey::Kind,
            "country" => FilterKey::Country,
            "region" => FilterKey::Region,
            "form" => FilterKey::Form,
            "sector" => FilterKey::Sector,
            "target-group" => FilterKey::TargetGroup,
            "pillar" => FilterKey::Pillar,
            "year" => FilterKey::Year,
            _ => return None,
        };
        Some(key)
    }
}

/// Selected filter values, as API codes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub lists: VecMap<FilterKey, Vec<String>>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
}

impl Filters {
    pub fn values(&self, key: FilterKey) -> &[String] {
        self.lists.get(&key).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn is_selected(&self, key: FilterKey, value: &str) -> bool {
        self.values(key).iter().any(|v| v == value)
    }

    /// Adds the value if absent, removes it if present.
    pub fn toggle(&mut self, key: FilterKey, value: &str) {
        let list = self.lists.entry_or_default(key);
        if let Some(i) = list.iter().position(|v| v == value) {
            list.remove(i);
        } else {
            list.push(value.to_owned());
        }
        if list.is_empty() {
            self.lists.remove(&key);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty() && self.year_from.is_none() && self.year_to.is_none()
    }
}

/// Settings every widget shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Common {
    /// The GraphQL endpoint (`api` attribute; the loader defaults it to its own origin).
    pub endpoint: String,
    pub lang: Lang,
}

/// `<tipx-search>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchConfig {
    pub common: Common,
    pub query: String,
    pub preset: Filters,
    /// Filters the visitor cannot change.
    pub locked: Vec<FilterKey>,
    pub page_size: u32,
}

/// `<tipx-country>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryConfig {
    pub common: Common,
    pub code: String,
    /// Instruments whose status is always shown; others appear when the country is a party.
    pub instruments: Vec<String>,
}

/// `<tipx-record>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordConfig {
    pub common: Common,
    pub id: String,
}

/// The instruments the position paper ties the platform to.
pub const KEY_INSTRUMENTS: [&str; 7] = [
    "TIP_PROTOCOL",
    "UNTOC",
    "ILO_C029",
    "ILO_P029",
    "ILO_C105",
    "ILO_C138",
    "ILO_C182",
];

/// A bad attribute: which one, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrError {
    pub attr: String,
    pub message: String,
}

impl std::fmt::Display for AttrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "attribute {}: {}", self.attr, self.message)
    }
}

fn err(attr: &str, message: impl Into<String>) -> AttrError {
    AttrError {
        attr: attr.to_owned(),
        message: message.into(),
    }
}

fn get<'a>(attrs: &'a Attrs, name: &str) -> Result<Option<&'a str>, AttrError> {
    match attrs.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().count() > MAX_ATTR_CHARS => Err(err(
            name,
            format!("longer than {MAX_ATTR_CHARS} characters"),
        )),
        Some(v) => Ok(Some(v)),
    }
}

fn common(attrs: &Attrs) -> Result<Common, AttrError> {
    let endpoint = get(attrs, "api")?.unwrap_or("/graphql");
    if !(endpoint.starts_with("https://")
        || endpoint.starts_with("http://")
        || endpoint.starts_with('/'))
    {
        return Err(err("api", "must be an http(s) URL of the GraphQL endpoint"));
    }
    Ok(Common {
        endpoint: endpoint.to_owned(),
        lang: Lang::resolve(get(attrs, "lang")?),
    })
}

/// Checks one value of a list attribute and turns it into the API's code.
fn code(key: FilterKey, raw: &str) -> Result<String, AttrError> {
    let attr = key.attr();
    let value = raw.trim();
    let ok = match key {
        FilterKey::Kind => {
            let upper = value.to_ascii_uppercase();
            return match upper.as_str() {
                "LAW" | "PRACTICE" | "CASE" => Ok(upper),
                _ => Err(err(
                    attr,
                    format!("'{value}' is not one of law, practice, case"),
                )),
            };
        }
        FilterKey::Country => value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic()),
        FilterKey::Region => value.len() == 3 && value.chars().all(|c| c.is_ascii_digit()),
        FilterKey::Year => false,
        _ => {
            !value.is_empty()
                && value.len() <= 40
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
    };
    if !ok {
        let expected = match key {
            FilterKey::Country => "an ISO 3166-1 alpha-2 code such as NG",
            FilterKey::Region => "a three-digit UN M49 code such as 002",
            _ => "a code from the API's taxonomy, such as FORCED_LABOUR",
        };
        return Err(err(attr, format!("'{value}' is not {expected}")));
    }
    Ok(value.to_ascii_uppercase().replace('-', "_"))
}

fn list(attrs: &Attrs, key: FilterKey) -> Result<Vec<String>, AttrError> {
    let Some(raw) = get(attrs, key.attr())? else {
        return Ok(Vec::new());
    };
    let values: Vec<&str> = raw.split(',').filter(|v| !v.trim().is_empty()).collect();
    if values.len() > MAX_LIST_VALUES {
        return Err(err(key.attr(), format!("at most {MAX_LIST_VALUES} values")));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let c = code(key, v)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

fn year(attrs: &Attrs, name: &str) -> Result<Option<i32>, AttrError> {
    match get(attrs, name)? {
        None => Ok(None),
        Some(v) => match v.parse::<i32>() {
            Ok(y) if (1800..=2100).contains(&y) => Ok(Some(y)),
            _ => Err(err(
                name,
                format!("'{v}' is not a year between 1800 and 2100"),
            )),
        },
    }
}

impl SearchConfig {
    pub fn from_attrs(attrs: &Attrs) -> Result<SearchConfig, AttrError> {
        let common = common(attrs)?;
        let mut preset = Filters::default();
        for key in FilterKey::LISTS {
            let values = list(attrs, key)?;
            if !values.is_empty() {
                preset.lists.insert(key, values);
            }
        }
        preset.year_from = year(attrs, "year-from")?;
        preset.year_to = year(attrs, "year-to")?;
        if let (Some(from), Some(to)) = (preset.year_from, preset.year_to) {
            if from > to {
                return Err(err("year-from", format!("{from} is after year-to {to}")));
            }
        }
        // `lock` alone (or `lock="all"`) fixes every preset filter; `lock="country,kind"` some.
        let locked = match attrs.get("lock").map(|v| v.trim()) {
            None => Vec::new(),
            Some("") | Some("all") | Some("lock") => {
                let mut keys: Vec<FilterKey> = preset.lists.keys().copied().collect();
                if preset.year_from.is_some() || preset.year_to.is_some() {
                    keys.push(FilterKey::Year);
                }
                keys
            }
            Some(names) => {
                let mut keys = Vec::new();
                for name in names.split(',').filter(|n| !n.trim().is_empty()) {
                    let key = FilterKey::parse(name).ok_or_else(|| {
                        err(
                            "lock",
                            format!(
                                "'{}' is not one of kind, country, region, form, sector, \
                                 target-group, pillar, year, all",
                                name.trim()
                            ),
                        )
                    })?;
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                keys
            }
        };
        let page_size = match get(attrs, "page-size")? {
            None => DEFAULT_PAGE_SIZE,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
                _ => {
                    return Err(err(
                        "page-size",
                        format!("'{v}' is not a number from 1 to {MAX_PAGE_SIZE}"),
                    ))
                }
            },
        };
        let query = get(attrs, "q")?.unwrap_or_default();
        if query.chars().count() > 200 {
            return Err(err("q", "longer than 200 characters"));
        }
        Ok(SearchConfig {
            common,
            query: query.to_owned(),
            preset,
            locked,
            page_size,
        })
    }
}

impl CountryConfig {
    pub fn from_attrs(attrs: &Attrs) -> Result<CountryConfig, AttrError> {
        let common = common(attrs)?;
        let code =
            get(attrs, "code")?.ok_or_else(|| err("code", "is required, e.g. code=\"NG\""))?;
        let valid =
            (code.len() == 2 || code.len() == 3) && code.chars().all(|c| c.is_ascii_alphabetic());
        if !valid {
            return Err(err(
                "code",
                format!("'{code}' is not an ISO 3166-1 alpha-2 or alpha-3 code"),
            ));
        }
        let instruments = match get(attrs, "instruments")? {
            None => KEY_INSTRUMENTS.iter().map(|s| (*s).to_owned()).collect(),
            Some(raw) => {
                let mut out = Vec::new();
                for v in raw.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    if v.len() > 40 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        return Err(err(
                            "instruments",
                            format!("'{v}' is not an instrument code such as TIP_PROTOCOL"),
                        ));
                    }
                    out.push(v.to_ascii_uppercase());
                }
                if out.len() > MAX_LIST_VALUES {
                    return Err(err(
                        "instruments",
                        format!("at most {MAX_LIST_VALUES} values"),
                    ));
                }
                out
            }
        };
        Ok(CountryConfig {
            common,
            code: code.to_ascii_uppercase(),
            instruments,
        })
    }
}

/// The kinds of record a record id can name, by its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Law,
    Practice,
    Case,
}

impl RecordConfig {
    pub fn from_attrs(attrs: &Attrs) -> Result<RecordConfig, AttrError> {
        let common = common(attrs)?;
        let id = get(attrs, "record")?
            .ok_or_else(|| err("record", "is required, e.g. record=\"PR01\""))?
            .to_ascii_uppercase();
        let config = RecordConfig { common, id };
        if config.kind().is_none() {
            return Err(err(
                "record",
                format!(
                    "'{}' is not a record id (LW…, PR… or CA… followed by digits)",
                    config.id
                ),
            ));
        }
        Ok(config)
    }

    pub fn kind(&self) -> Option<RecordKind> {
        // Checked as bytes: an id that starts with a longer character is no id, not a panic
        // (found by the widget_attributes fuzz target).
        if !self.id.is_ascii() {
            return None;
        }
        let (prefix, digits) = self.id.split_at(self.id.len().min(2));
        if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        match prefix {
            "LW" => Some(RecordKind::Law),
            "PR" => Some(RecordKind::Practice),
            "CA" => Some(RecordKind::Case),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> Attrs {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn search_attributes_preset_and_lock_filters() {
        let c = SearchConfig::from_attrs(&attrs(&[
            ("country", "ng, gh"),
            ("kind", "practice"),
            ("form", "forced-labour"),
            ("year-from", "2015"),
            ("lock", "country"),
            ("lang", "fr-FR"),
            ("page-size", "5"),
        ]))
        .unwrap();
        assert_eq!(c.preset.values(FilterKey::Country), ["NG", "GH"]);
        assert_eq!(c.preset.values(FilterKey::Kind), ["PRACTICE"]);
        assert_eq!(c.preset.values(FilterKey::Form), ["FORCED_LABOUR"]);
        assert_eq!(c.preset.year_from, Some(2015));
        assert_eq!(c.locked, vec![FilterKey::Country]);
        assert_eq!(c.common.lang, Lang::Fr);
        assert_eq!(c.page_size, 5);
        assert_eq!(c.common.endpoint, "/graphql");
    }

    #[test]
    fn a_bare_lock_fixes_every_preset_filter() {
        let c = SearchConfig::from_attrs(&attrs(&[
            ("country", "NG"),
            ("year-to", "2020"),
            ("lock", ""),
        ]))
        .unwrap();
        assert_eq!(c.locked, vec![FilterKey::Country, FilterKey::Year]);
    }

    #[test]
    fn bad_attributes_are_named_in_the_error() {
        let cases = [
            (("kind", "statute"), "kind"),
            (("country", "Nigeria"), "country"),
            (("region", "Africa"), "region"),
            (("form", "forced labour!"), "form"),
            (("page-size", "500"), "page-size"),
            (("year-from", "20x5"), "year-from"),
            (("lock", "colour"), "lock"),
            (("api", "javascript:alert(1)"), "api"),
        ];
        for ((name, value), attr) in cases {
            let e = SearchConfig::from_attrs(&attrs(&[(name, value)])).unwrap_err();
            assert_eq!(e.attr, attr, "{name}={value}: {e}");
        }
        let many = ["NG"; MAX_LIST_VALUES + 1].join(",");
        assert!(SearchConfig::from_attrs(&attrs(&[("country", &many)])).is_err());
        let e = SearchConfig::from_attrs(&attrs(&[("year-from", "2020"), ("year-to", "2010")]))
            .unwrap_err();
        assert_eq!(e.attr, "year-from");
    }

    #[test]
    fn record_ids_name_their_kind() {
        let kind = |id: &str| RecordConfig::from_attrs(&attrs(&[("record", id)])).map(|c| c.kind());
        assert_eq!(kind("lw001"), Ok(Some(RecordKind::Law)));
        assert_eq!(kind("PR01"), Ok(Some(RecordKind::Practice)));
        assert_eq!(kind("CA60"), Ok(Some(RecordKind::Case)));
        assert!(kind("XX01").is_err());
        assert!(kind("PR").is_err());
        // Found by fuzzing: a first character longer than a byte used to panic the widget.
        assert!(kind("Ù1").is_err());
        assert!(kind("PRé1").is_err());
        assert!(RecordConfig::from_attrs(&attrs(&[])).is_err());
    }

    #[test]
    fn country_profile_needs_a_code_and_defaults_to_the_key_instruments() {
        let c = CountryConfig::from_attrs(&attrs(&[("code", "ng")])).unwrap();
        assert_eq!(c.code, "NG");
        assert_eq!(c.instruments.len(), KEY_INSTRUMENTS.len());
        assert!(CountryConfig::from_attrs(&attrs(&[])).is_err());
        assert!(CountryConfig::from_attrs(&attrs(&[("code", "N1")])).is_err());
    }
}
