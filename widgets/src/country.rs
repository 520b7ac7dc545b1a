//! `<tipx-country>`: a country's treaty status for the key instruments, its laws, record
//! counts by kind, and its latest practices and cases, each linking to its source.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::{self, country_profile, ApiError, CountryProfile, Labels};
use crate::common::source_link;
use crate::config::{Common, CountryConfig};
use crate::i18n::{as_of, fill};
use crate::remote::{Remote, RemoteProps, RemoteWidget};

type Data = country_profile::ResponseData;
type PracticeHit = country_profile::CountryProfileCountryLatestPracticesHitsRecord;
type CaseHit = country_profile::CountryProfileCountryLatestCasesHitsRecord;

/// The country profile.
pub struct Country;

pub type CountryWidget = RemoteWidget<Country>;
pub type CountryProps = RemoteProps<CountryConfig>;

impl Remote for Country {
    type Config = CountryConfig;
    type Data = Data;
    const CLASS: &'static str = "tipx-country";

    fn common(config: &CountryConfig) -> &Common {
        &config.common
    }

    async fn load(config: CountryConfig) -> Result<(Rc<Data>, Rc<Labels>), ApiError> {
        let endpoint = &config.common.endpoint;
        let variables = country_profile::Variables {
            code: config.code.clone(),
            lang: config.common.lang.code().to_owned(),
        };
        let data = api::run::<CountryProfile>(endpoint, variables).await?;
        let labels = api::labels(endpoint, config.common.lang).await?;
        Ok((Rc::new(data), labels))
    }

    fn view(config: &CountryConfig, data: &Rc<Data>, labels: &Rc<Labels>) -> Html {
        let lang = config.common.lang;
        let ui = lang.ui();
        let c = &data.country;
        let region = c
            .sub_region
            .as_ref()
            .map(|r| r.name.clone())
            .or_else(|| c.region.as_ref().map(|r| r.name.clone()))
            .unwrap_or_default();
        // The chosen instruments in their order, then any other the country is a party to.
        let mut treaties: Vec<&country_profile::CountryProfileCountryTreatyStatus> = config
            .instruments
            .iter()
            .filter_map(|id| c.treaty_status.iter().find(|t| &t.instrument_id == id))
            .collect();
        treaties.extend(
            c.treaty_status
                .iter()
                .filter(|t| !config.instruments.contains(&t.instrument_id) && t.status == "PARTY"),
        );
        let rows = treaties.into_iter().map(|t| {
            let status = t.status.clone();
            let name = t
                .instrument
                .as_ref()
                .map(|i| i.short_name.clone())
                .unwrap_or_else(|| t.instrument_id.clone());
            let title = t.instrument.as_ref().map(|i| i.title.clone()).unwrap_or_default();
            let when = t.ratification.as_ref().and_then(|r| {
                r.date.clone().or_else(|| r.year.map(|y| y.to_string()))
            });
            let as_of = t
                .ratification
                .as_ref()
                .and_then(|r| r.as_of.as_deref())
                .and_then(|d| as_of(ui, d));
            let source = t
                .ratification
                .as_ref()
                .and_then(|r| r.sources.first())
                .map(|s| source_link(&s.url, Some(ui.source)));
            html! {
                <tr data-instrument={t.instrument_id.clone()}>
                    <th scope="row"><abbr title={title}>{ name }</abbr></th>
                    <td>
                        <span class={classes!("tipx-status", format!("tipx-status-{}", status.to_ascii_lowercase()))}>
                            { labels.get("partyStatuses", &status).to_owned() }
                        </span>
                        if let Some(when) = when { <span class="tipx-muted">{ format!(" ({when})") }</span> }
                        if let Some(as_of) = as_of { <span class="tipx-as-of tipx-muted">{ format!(" · {as_of}") }</span> }
                    </td>
                    <td>{ for source }</td>
                </tr>
            }
        });
        let laws = c.laws.nodes.iter().map(|l| {
            html! {
                <li key={l.record_id.clone()} data-record={l.record_id.clone()}>
                    <span class="tipx-item-title" dir="auto">{ l.title.clone() }</span>
                    if let Some(y) = l.year_enacted { <span class="tipx-muted">{ format!(" · {}", fill(ui.enacted, y, "")) }</span> }
                    if let Some(s) = l.sources.first() { { " · " }{ source_link(&s.url, Some(ui.source)) } }
                </li>
            }
        });
        let practices = c.latest_practices.hits.iter().filter_map(|h| match &h.record {
            PracticeHit::Practice(p) => Some(html! {
                <li key={p.record_id.clone()} data-record={p.record_id.clone()}>
                    <span class="tipx-item-title" dir="auto">{ p.title.clone() }</span>
                    <span class="tipx-muted">{ format!(" · {}", p.lead_organisation) }</span>
                    if let Some(y) = p.start_year { <span class="tipx-muted">{ format!(" · {y}") }</span> }
                    if let Some(s) = p.sources.first() { { " · " }{ source_link(&s.url, Some(ui.source)) } }
                </li>
            }),
            _ => None,
        });
        let cases = c.latest_cases.hits.iter().filter_map(|h| match &h.record {
            CaseHit::Case(k) => Some(html! {
                <li key={k.record_id.clone()} data-record={k.record_id.clone()}>
                    <span class="tipx-item-title" dir="auto">{ k.title.clone() }</span>
                    <span class="tipx-muted">{ format!(" · {}", k.court_or_agency) }</span>
                    if let Some(y) = k.decision_year { <span class="tipx-muted">{ format!(" · {y}") }</span> }
                    if let Some(s) = k.sources.first() { { " · " }{ source_link(&s.url, Some(ui.source)) } }
                </li>
            }),
            _ => None,
        });
        let list = |items: Vec<Html>| {
            if items.is_empty() {
                html! { <p class="tipx-muted">{ ui.none_yet }</p> }
            } else {
                html! { <ul class="tipx-list">{ for items }</ul> }
            }
        };
        let counts = &c.record_counts;
        html! {
            <article class="tipx-card">
                <header>
                    <h2 class="tipx-title" dir="auto">{ c.name.clone() }</h2>
                    <p class="tipx-muted">{ format!("{} · {}", c.code, region) }</p>
                </header>
                <section aria-labelledby="tipx-counts">
                    <h3 id="tipx-counts">{ ui.records_by_kind }</h3>
                    <dl class="tipx-counts">
                        <div><dt>{ ui.laws }</dt><dd data-count="laws">{ counts.laws }</dd></div>
                        <div><dt>{ ui.practices }</dt><dd data-count="practices">{ counts.practices }</dd></div>
                        <div><dt>{ ui.cases }</dt><dd data-count="cases">{ counts.cases }</dd></div>
                    </dl>
                </section>
                <section aria-labelledby="tipx-treaties">
                    <h3 id="tipx-treaties">{ ui.treaty_status }</h3>
                    <table class="tipx-table">
                        <thead><tr><th scope="col">{ ui.instrument }</th><th scope="col">{ ui.status }</th><th scope="col">{ ui.source }</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </section>
                <section aria-labelledby="tipx-laws">
                    <h3 id="tipx-laws">{ ui.laws }</h3>
                    if let (true, Some(gap)) = (c.laws.nodes.is_empty(), c.law_gap.as_ref()) {
                        <p class="tipx-law-gap">
                            <strong>{ ui.no_law }</strong>{ ": " }<span lang="en" dir="ltr">{ gap.note.clone() }</span>
                            if let Some(s) = gap.sources.first() { { " · " }{ source_link(&s.url, Some(ui.source)) } }
                        </p>
                    } else {
                        { list(laws.collect()) }
                    }
                </section>
                <section aria-labelledby="tipx-practices">
                    <h3 id="tipx-practices">{ ui.latest_practices }</h3>
                    { list(practices.collect()) }
                </section>
                <section aria-labelledby="tipx-cases">
                    <h3 id="tipx-cases">{ ui.latest_cases }</h3>
                    { list(cases.collect()) }
                </section>
            </article>
        }
    }
}
