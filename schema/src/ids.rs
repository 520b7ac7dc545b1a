//! Typed identifiers. Raw strings are parsed once at the edge ("parse, don't validate"), so
//! nothing downstream checks a country code or a record id again.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::vocab::RecordKind;

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts two ASCII letters in any case. Whether the code names a known country is the
    /// store's business; this only checks the shape.
    pub fn parse(raw: &str) -> Result<CountryCode, String> {
        let bytes = raw.trim().as_bytes();
        if bytes.len() == 2 && bytes.iter().all(u8::is_ascii_alphabetic) {
            Ok(CountryCode([
                bytes[0].to_ascii_uppercase(),
                bytes[1].to_ascii_uppercase(),
            ]))
        } else {
            Err(format!(
                "'{}' is not an ISO 3166-1 alpha-2 country code (two letters, e.g. NG)",
                truncate(raw, 20)
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CountryCode::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> String {
        value.as_str().to_owned()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable id of a law, practice or case, e.g. `PR01`. Letters, digits, `-` and `_`, at most 64.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecordId(String);

impl RecordId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<RecordId, String> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(RecordId(raw.to_owned()))
        } else {
            Err(format!(
                "'{}' is not a record id (1 to {} letters, digits, '-' or '_')",
                truncate(raw, 70),
                Self::MAX_LEN
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RecordId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RecordId::parse(&value)
    }
}

impl From<RecordId> for String {
    fn from(value: RecordId) -> String {
        value.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A UN M49 area code: three digits, e.g. `002` (Africa) or `035` (South-eastern Asia).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct M49Code(String);

impl M49Code {
    pub fn parse(raw: &str) -> Result<M49Code, String> {
        let raw = raw.trim();
        if raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(M49Code(raw.to_owned()))
        } else {
            Err(format!(
                "'{}' is not a UN M49 area code (three digits, e.g. 002 for Africa)",
                truncate(raw, 20)
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for M49Code {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        M49Code::parse(&value)
    }
}

impl From<M49Code> for String {
    fn from(value: M49Code) -> String {
        value.0
    }
}

impl fmt::Display for M49Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The object a global (Relay) id points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalId {
    Record(RecordKind, RecordId),
    Country(CountryCode),
    Instrument(String),
}

impl GlobalId {
    /// Encodes as opaque URL-safe base64 of `Type:key`.
    pub fn encode(&self) -> String {
        let plain = match self {
            GlobalId::Record(kind, id) => format!("{}:{}", type_name(*kind), id),
            GlobalId::Country(code) => format!("Country:{code}"),
            GlobalId::Instrument(id) => format!("Instrument:{id}"),
        };
        URL_SAFE_NO_PAD.encode(plain)
    }

    pub fn decode(raw: &str) -> Result<GlobalId, String> {
        let bad = || format!("'{}' is not a valid id", truncate(raw, 80));
        if raw.len() > 200 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
        let plain = String::from_utf8(bytes).map_err(|_| bad())?;
        let (ty, key) = plain.split_once(':').ok_or_else(bad)?;
        Ok(match ty {
            "Law" => GlobalId::Record(RecordKind::Law, RecordId::parse(key)?),
            "Practice" => GlobalId::Record(RecordKind::Practice, RecordId::parse(key)?),
            "Case" => GlobalId::Record(RecordKind::Case, RecordId::parse(key)?),
            "Country" => GlobalId::Country(CountryCode::parse(key)?),
            "Instrument" if !key.is_empty() && key.len() <= 64 => {
                GlobalId::Instrument(key.to_owned())
            }
            _ => return Err(bad()),
        })
    }
}

/// The GraphQL type name of a record kind.
pub fn type_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Law => "Law",
        RecordKind::Practice => "Practice",
        RecordKind::Case => "Case",
    }
}

/// A pagination cursor: opaque to clients, the last record id of a page to us.
pub fn encode_cursor(id: &RecordId) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{id}"))
}

pub fn decode_cursor(raw: &str) -> Result<RecordId, String> {
    let bad = || format!("'{}' is not a cursor this API gave out", truncate(raw, 80));
    if raw.len() > 200 {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
    let plain = String::from_utf8(bytes).map_err(|_| bad())?;
    let id = plain.strip_prefix("after:").ok_or_else(bad)?;
    RecordId::parse(id).map_err(|_| bad())
}

pub(crate) fn truncate(raw: &str, max: usize) -> String {
    if raw.chars().count() <= max {
        raw.to_owned()
    } else {
        let cut: String = raw.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_normalised_to_upper_case() {
        assert_eq!(CountryCode::parse("ng").unwrap().as_str(), "NG");
        assert!(CountryCode::parse("NGA").is_err());
        assert!(CountryCode::parse("N1").is_err());
    }

    #[test]
    fn global_ids_round_trip() {
        let id = GlobalId::Record(RecordKind::Practice, RecordId::parse("PR01").unwrap());
        assert_eq!(GlobalId::decode(&id.encode()).unwrap(), id);
        assert!(GlobalId::decode("not base64!").is_err());
        assert!(GlobalId::decode(&URL_SAFE_NO_PAD.encode("Law:bad id")).is_err());
    }

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let id = RecordId::parse("LW042").unwrap();
        assert_eq!(decode_cursor(&encode_cursor(&id)).unwrap(), id);
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("before:LW042")).is_err());
    }
}
