//! `taxonomy(lang)`: every code list with its labels.

use async_graphql::{Object, SimpleObject};

use crate::error::{gql_error, ErrorCode};
use crate::vocab::*;

/// One code and its label.
#[derive(SimpleObject, Clone, Debug)]
pub struct TaxonomyEntry {
    /// Stable code, as used in filters and enums.
    pub code: String,
    /// Human label in the served language.
    pub label: String,
}

/// A code list.
#[derive(SimpleObject, Clone, Debug)]
pub struct CodeList {
    /// Name of the list, e.g. `forms`.
    pub name: String,
    /// What the list classifies.
    pub description: String,
    /// Its codes, in display order.
    pub entries: Vec<TaxonomyEntry>,
}

/// Every code list, labelled in one language.
#[derive(SimpleObject, Clone, Debug)]
pub struct Taxonomy {
    /// The language asked for (a UN language code: ar, zh, en, fr, ru, es).
    pub requested_lang: String,
    /// The language the labels are in.
    pub lang: String,
    /// The code lists.
    pub lists: Vec<CodeList>,
}

fn list<V: Vocabulary>(lang: Lang) -> CodeList {
    CodeList {
        name: V::NAME.to_owned(),
        description: V::DESCRIPTION.trim().to_owned(),
        entries: V::all()
            .iter()
            .map(|v| TaxonomyEntry {
                code: v.code().to_owned(),
                label: v.label(lang).to_owned(),
            })
            .collect(),
    }
}

/// Every UN language has a complete set of labels (a test checks it); a label missing in a
/// future code would fall back to English for that code only.
fn served_lang(requested: Lang) -> Lang {
    requested
}

#[derive(Default)]
pub struct TaxonomyQuery;

/// Code lists and their labels.
#[Object]
impl TaxonomyQuery {
    /// Every code list with its labels, in one of the six UN languages (BCP 47 tag such as
    /// `fr` or `fr-CA`; default `en`).
    async fn taxonomy(
        &self,
        #[graphql(default = "en", validator(max_length = 35))] lang: String,
    ) -> async_graphql::Result<Taxonomy> {
        let requested = Lang::parse(&lang).ok_or_else(|| {
            gql_error(
                ErrorCode::BadUserInput,
                format!("'{lang}' is not one of the UN languages: ar, zh, en, fr, ru, es"),
            )
        })?;
        let served = served_lang(requested);
        Ok(Taxonomy {
            requested_lang: requested.code().to_owned(),
            lang: served.code().to_owned(),
            lists: vec![
                list::<RecordKind>(served),
                list::<TraffickingForm>(served),
                list::<TargetGroup>(served),
                list::<Sector>(served),
                list::<Pillar>(served),
                list::<SdgTarget>(served),
                list::<Provision>(served),
                list::<LawInstrumentType>(served),
                list::<OrganisationType>(served),
                list::<CaseType>(served),
                list::<EvaluationDesign>(served),
                list::<ObjectivesMet>(served),
                list::<InstrumentKind>(served),
                list::<PartyStatus>(served),
                list::<TreatyAction>(served),
                list::<SourceKind>(served),
                list::<LawFinding>(served),
                list::<UnStatus>(served),
                list::<RegionLevel>(served),
                list::<RecordStatus>(served),
                list::<Sex>(served),
                list::<AgeBand>(served),
            ],
        })
    }
}
