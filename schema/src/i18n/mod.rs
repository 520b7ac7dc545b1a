//! Labels of the controlled vocabularies in the UN languages other than English.
//!
//! English labels live with the codes in `vocab.rs`; the other five languages are in
//! `labels.tsv` (one row per code), read once. A test checks every code has every language.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::vocab::Lang;

const TABLE: &str = include_str!("labels.tsv");

/// Column of each language in `labels.tsv` after `list` and `code`.
fn column(lang: Lang) -> Option<usize> {
    match lang {
        Lang::Fr => Some(0),
        Lang::Es => Some(1),
        Lang::Ru => Some(2),
        Lang::Zh => Some(3),
        Lang::Ar => Some(4),
        Lang::En => None,
    }
}

type Table = HashMap<(&'static str, &'static str), Vec<&'static str>>;

fn table() -> &'static Table {
    static TABLE_CELL: OnceLock<Table> = OnceLock::new();
    TABLE_CELL.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|line| {
                let mut cells = line.split('\t');
                let list = cells.next()?;
                let code = cells.next()?;
                Some(((list, code), cells.map(str::trim).collect()))
            })
            .collect()
    })
}

/// The label of `code` in `list` for `lang`, when translated (English is never here).
pub fn label(list: &str, code: &str, lang: Lang) -> Option<&'static str> {
    let col = column(lang)?;
    table()
        .get(&(list, code))
        .and_then(|cells| cells.get(col).copied())
        .filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::*;

    fn complete<V: Vocabulary>() -> Vec<String> {
        let mut missing = Vec::new();
        for v in V::all() {
            for lang in [Lang::Fr, Lang::Es, Lang::Ru, Lang::Zh, Lang::Ar] {
                if label(V::NAME, v.code(), lang).is_none() {
                    missing.push(format!("{}/{} in {}", V::NAME, v.code(), lang.code()));
                }
            }
        }
        missing
    }

    #[test]
    fn every_code_has_a_label_in_every_un_language() {
        let missing: Vec<String> = [
            complete::<RecordKind>(),
            complete::<TraffickingForm>(),
            complete::<TargetGroup>(),
            complete::<Sector>(),
            complete::<Pillar>(),
            complete::<SdgTarget>(),
            complete::<Provision>(),
            complete::<LawInstrumentType>(),
            complete::<OrganisationType>(),
            complete::<CaseType>(),
            complete::<EvaluationDesign>(),
            complete::<ObjectivesMet>(),
            complete::<InstrumentKind>(),
            complete::<PartyStatus>(),
            complete::<TreatyAction>(),
            complete::<SourceKind>(),
            complete::<LawFinding>(),
            complete::<UnStatus>(),
            complete::<RegionLevel>(),
            complete::<RecordStatus>(),
            complete::<Sex>(),
            complete::<AgeBand>(),
        ]
        .concat();
        assert!(missing.is_empty(), "missing labels: {missing:?}");
    }

    #[test]
    fn every_row_names_a_known_code_and_has_five_languages() {
        for ((list, code), cells) in table() {
            assert_eq!(cells.len(), 5, "{list}/{code}");
            assert!(cells.iter().all(|c| !c.is_empty()), "{list}/{code}");
        }
    }

    #[test]
    fn labels_are_in_the_right_script() {
        let forced = |lang| label("forms", "FORCED_LABOUR", lang).unwrap();
        assert_eq!(forced(Lang::Fr), "Travail forcé");
        assert!(forced(Lang::Ar)
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
        assert!(forced(Lang::Ru)
            .chars()
            .any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)));
        assert!(forced(Lang::Zh)
            .chars()
            .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)));
    }
}
