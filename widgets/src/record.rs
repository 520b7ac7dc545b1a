//! `<tipx-record>`: one law, practice or case as a card.

use std::future::Future;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::{self, case_card, law_card, practice_card, ApiError, Labels};
use crate::common::{kind_badge, source_link};
use crate::config::{Common, RecordConfig, RecordKind};
use crate::i18n::Lang;
use crate::remote::{Remote, RemoteProps, RemoteWidget};

/// What a card shows, whatever the kind of record.
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    /// `LAW`, `PRACTICE` or `CASE`.
    pub kind: String,
    pub record_id: String,
    pub title: String,
    pub summary: String,
    /// Countries or jurisdiction.
    pub place: String,
    /// (label, value) lines: year, lead organisation, court, outcome figures.
    pub facts: Vec<(String, String)>,
    /// (heading, taxonomy list, codes).
    pub tags: Vec<(String, &'static str, Vec<String>)>,
    pub sources: Vec<(String, Option<String>)>,
}

fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.cloned().collect::<Vec<_>>().join(", ")
}

impl Card {
    pub fn from_law(l: law_card::LawCardLaw, lang: Lang) -> Card {
        let ui = lang.ui();
        let mut facts = Vec::new();
        if let Some(y) = l.year_enacted {
            facts.push((ui.year.to_owned(), y.to_string()));
        }
        Card {
            kind: "LAW".to_owned(),
            record_id: l.record_id,
            title: l.title,
            summary: l.summary,
            place: l.country.name,
            facts,
            tags: vec![
                (ui.forms.to_owned(), "forms", l.forms),
                (ui.target_groups.to_owned(), "targetGroups", l.target_groups),
            ],
            sources: l.sources.into_iter().map(|s| (s.url, s.title)).collect(),
        }
    }

    pub fn from_practice(p: practice_card::PracticeCardPractice, lang: Lang) -> Card {
        let ui = lang.ui();
        let mut facts = vec![(ui.lead_organisation.to_owned(), p.lead_organisation)];
        if let Some(y) = p.start_year {
            let span = match p.end_year {
                Some(end) => format!("{y}–{end}"),
                None => y.to_string(),
            };
            facts.push((ui.year.to_owned(), span));
        }
        Card {
            kind: "PRACTICE".to_owned(),
            record_id: p.record_id,
            title: p.title,
            summary: p.summary,
            place: if p.global {
                ui.global.to_owned()
            } else {
                names(p.countries.iter().map(|c| &c.name))
            },
            facts,
            tags: vec![
                (ui.pillars.to_owned(), "pillars", p.pillars),
                (ui.forms.to_owned(), "forms", p.forms),
                (ui.target_groups.to_owned(), "targetGroups", p.target_groups),
                (ui.sectors.to_owned(), "sectors", p.sectors),
            ],
            sources: p.sources.into_iter().map(|s| (s.url, s.title)).collect(),
        }
    }

    pub fn from_case(c: case_card::CaseCardCase, lang: Lang) -> Card {
        let ui = lang.ui();
        let mut facts = vec![(ui.court_or_agency.to_owned(), c.court_or_agency)];
        if let Some(y) = c.decision_year {
            facts.push((ui.year.to_owned(), y.to_string()));
        }
        if let Some(n) = c.outcome.convictions {
            facts.push((ui.convictions.to_owned(), n.to_string()));
        }
        if let Some(n) = c.outcome.victims_identified {
            facts.push((ui.victims_identified.to_owned(), n.to_string()));
        }
        Card {
            kind: "CASE".to_owned(),
            record_id: c.record_id,
            title: c.title,
            summary: c.summary,
            place: if c.countries.is_empty() {
                c.jurisdiction_note.unwrap_or_default()
            } else {
                names(c.countries.iter().map(|c| &c.name))
            },
            facts,
            tags: vec![
                (ui.forms.to_owned(), "forms", c.forms),
                (ui.target_groups.to_owned(), "targetGroups", c.target_groups),
                (ui.sectors.to_owned(), "sectors", c.sectors),
            ],
            sources: c.sources.into_iter().map(|s| (s.url, s.title)).collect(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub card: Rc<Card>,
    pub labels: Rc<Labels>,
    pub lang: Lang,
}

/// The card itself, without fetching: used by the widget and by the component tests.
#[function_component(CardView)]
pub fn card_view(props: &CardProps) -> Html {
    let card = &props.card;
    let labels = &props.labels;
    let ui = props.lang.ui();
    let tags = card.tags.iter().filter(|(_, _, codes)| !codes.is_empty()).map(|(heading, list, codes)| {
        html! {
            <div class="tipx-tags">
                <dt>{ heading.clone() }</dt>
                <dd><ul class="tipx-taglist">{ for codes.iter().map(|c| html! { <li class="tipx-tag">{ labels.get(list, c).to_owned() }</li> }) }</ul></dd>
            </div>
        }
    });
    let facts = card.facts.iter().map(|(label, value)| {
        html! { <div><dt>{ label.clone() }</dt><dd>{ value.clone() }</dd></div> }
    });
    html! {
        <article class="tipx-card" data-record={card.record_id.clone()}>
            <header>
                { kind_badge(&card.kind, labels.get("recordKinds", &card.kind)) }
                <h2 class="tipx-title" dir="auto">{ card.title.clone() }</h2>
                <p class="tipx-meta tipx-muted" dir="auto">{ format!("{} · {}", card.place, card.record_id) }</p>
            </header>
            <p class="tipx-summary" dir="auto">{ card.summary.clone() }</p>
            <dl class="tipx-facts">{ for facts }{ for tags }</dl>
            <section>
                <h3>{ if card.sources.len() == 1 { ui.source } else { ui.sources } }</h3>
                <ul class="tipx-list">
                    { for card.sources.iter().map(|(url, title)| html! { <li>{ source_link(url, title.as_deref()) }</li> }) }
                </ul>
            </section>
        </article>
    }
}

/// The record card.
pub struct Record;

pub type RecordWidget = RemoteWidget<Record>;
pub type RecordProps = RemoteProps<RecordConfig>;

impl Remote for Record {
    type Config = RecordConfig;
    type Data = Card;
    const CLASS: &'static str = "tipx-record";

    fn common(config: &RecordConfig) -> &Common {
        &config.common
    }

    fn load(
        config: RecordConfig,
    ) -> impl Future<Output = Result<(Rc<Card>, Rc<Labels>), ApiError>> + 'static {
        load(config)
    }

    fn view(config: &RecordConfig, card: &Rc<Card>, labels: &Rc<Labels>) -> Html {
        let lang = config.common.lang;
        html! { <CardView card={card.clone()} labels={labels.clone()} {lang} /> }
    }
}

async fn load(config: RecordConfig) -> Result<(Rc<Card>, Rc<Labels>), ApiError> {
    let endpoint = &config.common.endpoint;
    let lang = config.common.lang;
    let id = config.id.clone();
    let card = match config.kind() {
        Some(RecordKind::Law) => Card::from_law(
            api::run::<api::LawCard>(
                endpoint,
                law_card::Variables {
                    id,
                    lang: lang.code().to_owned(),
                },
            )
            .await?
            .law,
            lang,
        ),
        Some(RecordKind::Practice) => Card::from_practice(
            api::run::<api::PracticeCard>(
                endpoint,
                practice_card::Variables {
                    id,
                    lang: lang.code().to_owned(),
                },
            )
            .await?
            .practice,
            lang,
        ),
        Some(RecordKind::Case) => Card::from_case(
            api::run::<api::CaseCard>(
                endpoint,
                case_card::Variables {
                    id,
                    lang: lang.code().to_owned(),
                },
            )
            .await?
            .case,
            lang,
        ),
        None => {
            return Err(ApiError {
                code: "BAD_USER_INPUT".to_owned(),
                message: format!("'{}' is not a record id", config.id),
            })
        }
    };
    let labels = api::labels(endpoint, lang).await?;
    Ok((Rc::new(card), labels))
}
