//! `<tipx-search>`: a search box, facet filters with counts, active-filter chips, results
//! with highlights and kind badges, and numbered pages.

use std::rc::Rc;
use std::time::Duration;

use web_sys::HtmlInputElement;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::api::{self, search_records, ApiError, Labels, SearchRecords};
use crate::common::{error_box, footer, highlighted, kind_badge, source_link};
use crate::config::{FilterKey, Filters, SearchConfig};
use crate::i18n::{fill, Lang};
use crate::small::VecMap;

/// How long typing must pause before a search starts.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// Facet values shown before "show all".
pub const FACET_PREVIEW: usize = 8;
/// The API pages no further than this many hits.
const MAX_OFFSET: u32 = 10_000;

type Data = search_records::ResponseData;
type Hit = search_records::SearchRecordsSearchHits;
type HitRecord = search_records::SearchRecordsSearchHitsRecord;

#[derive(Properties, PartialEq, Clone)]
pub struct SearchProps {
    pub config: SearchConfig,
}

pub enum Msg {
    Typed(String),
    Settled(u64),
    Submit,
    Toggle(FilterKey, String),
    YearFrom(String),
    YearTo(String),
    ClearAll,
    GoTo(u32),
    Expand(FilterKey),
    Retry,
    Loaded(u64, Result<Rc<Data>, ApiError>),
    LabelsLoaded(Lang, Result<Rc<Labels>, ApiError>),
}

pub struct SearchWidget {
    query: String,
    filters: Filters,
    page: u32,
    /// Bumped on every keystroke; a pause that outlives it starts the search.
    typing: u64,
    /// Bumped on every request; answers to older requests are dropped.
    request: u64,
    loading: bool,
    data: Option<Rc<Data>>,
    error: Option<ApiError>,
    labels: Option<Rc<Labels>>,
    expanded: VecMap<FilterKey, ()>,
}

/// The variables of a search request.
pub fn variables(
    query: &str,
    filters: &Filters,
    page: u32,
    page_size: u32,
    lang: Lang,
) -> search_records::Variables {
    let list = |key: FilterKey| {
        let values = filters.values(key);
        (!values.is_empty()).then(|| values.to_vec())
    };
    let query = query.trim();
    search_records::Variables {
        query: (!query.is_empty()).then(|| query.to_owned()),
        filter: Some(search_records::SearchFilterInput {
            kinds: list(FilterKey::Kind),
            countries: list(FilterKey::Country),
            regions: list(FilterKey::Region),
            forms: list(FilterKey::Form),
            sectors: list(FilterKey::Sector),
            target_groups: list(FilterKey::TargetGroup),
            pillars: list(FilterKey::Pillar),
            sdg_targets: None,
            instruments: None,
            evidence: None,
            languages: None,
            year_from: filters.year_from.map(i64::from),
            year_to: filters.year_to.map(i64::from),
        }),
        first: Some(i64::from(page_size)),
        page: Some(i64::from(page)),
        lang: lang.code().to_owned(),
    }
}

/// Page count for a total, within the API's paging limit.
pub fn page_count(total: i64, page_size: u32) -> u32 {
    let size = i64::from(page_size.max(1));
    let pages = (total.max(0) + size - 1) / size;
    let reachable = i64::from(MAX_OFFSET / page_size.max(1)) + 1;
    pages.min(reachable) as u32
}

/// The page numbers to offer: first, last, and two either side of the current one; `None`
/// marks a gap.
pub fn page_window(current: u32, count: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=count {
        if p == 1 || p == count || p.abs_diff(current) <= 2 {
            if p > last + 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

impl SearchWidget {
    fn config(ctx: &Context<Self>) -> &SearchConfig {
        &ctx.props().config
    }

    fn fetch(&mut self, ctx: &Context<Self>) {
        self.request += 1;
        self.loading = true;
        self.error = None;
        let generation = self.request;
        let config = Self::config(ctx);
        let endpoint = config.common.endpoint.clone();
        let vars = variables(
            &self.query,
            &self.filters,
            self.page,
            config.page_size,
            config.common.lang,
        );
        ctx.link().send_future(async move {
            let result = api::run::<SearchRecords>(&endpoint, vars)
                .await
                .map(Rc::new);
            Msg::Loaded(generation, result)
        });
    }

    fn fetch_labels(&self, ctx: &Context<Self>) {
        let config = Self::config(ctx);
        let endpoint = config.common.endpoint.clone();
        let lang = config.common.lang;
        ctx.link().send_future(async move {
            Msg::LabelsLoaded(lang, api::labels(&endpoint, lang).await)
        });
    }

    fn reset(&mut self, config: &SearchConfig) {
        self.query = config.query.clone();
        self.filters = config.preset.clone();
        self.page = 1;
        self.data = None;
        self.expanded.clear();
    }

    fn locked(ctx: &Context<Self>, key: FilterKey) -> bool {
        Self::config(ctx).locked.contains(&key)
    }

    /// A filter value's label: from the facets of the last answer, else the taxonomy.
    fn label_of(&self, key: FilterKey, value: &str) -> String {
        if let Some(data) = &self.data {
            let facet = data.search.facets.iter().find(|f| f.field == key.facet());
            if let Some(v) = facet.and_then(|f| f.values.iter().find(|v| v.value == value)) {
                return v.label.clone();
            }
        }
        match (key.taxonomy_list(), &self.labels) {
            (Some(list), Some(labels)) => labels.get(list, value).to_owned(),
            _ => value.to_owned(),
        }
    }

    fn facet_name(lang: Lang, key: FilterKey) -> &'static str {
        let ui = lang.ui();
        match key {
            FilterKey::Kind => ui.facet_kind,
            FilterKey::Country => ui.facet_countries,
            FilterKey::Region => ui.facet_regions,
            FilterKey::Form => ui.facet_forms,
            FilterKey::Sector => ui.facet_sectors,
            FilterKey::TargetGroup => ui.facet_target_groups,
            FilterKey::Pillar => ui.facet_pillars,
            FilterKey::Year => ui.year_from,
        }
    }

    fn view_facets(&self, ctx: &Context<Self>) -> Html {
        let lang = Self::config(ctx).common.lang;
        let ui = lang.ui();
        let Some(data) = &self.data else {
            return html! {};
        };
        let groups = FilterKey::LISTS
            .into_iter()
            .filter(|key| !Self::locked(ctx, *key))
            .map(|key| {
                let values = data
                    .search
                    .facets
                    .iter()
                    .find(|f| f.field == key.facet())
                    .map(|f| f.values.as_slice())
                    .unwrap_or(&[]);
                if values.is_empty() {
                    return html! {};
                }
                let expanded = self.expanded.contains_key(&key);
                let shown = if expanded { values.len() } else { values.len().min(FACET_PREVIEW) };
                let items = values[..shown].iter().enumerate().map(|(i, v)| {
                    let id = format!("tipx-f-{}-{i}", key.attr());
                    let value = v.value.clone();
                    let onchange = ctx.link().callback(move |_: Event| Msg::Toggle(key, value.clone()));
                    html! {
                        <li key={v.value.clone()}>
                            <input type="checkbox" id={id.clone()} checked={self.filters.is_selected(key, &v.value)} {onchange} />
                            <label for={id}>
                                { v.label.clone() }
                                { " " }
                                // A number in a pill, not in parentheses: Chromium reused the
                                // mirrored "(n)" of a right-to-left view after a switch back.
                                <span class="tipx-count-badge">{ v.count }</span>
                            </label>
                        </li>
                    }
                });
                let more = (values.len() > FACET_PREVIEW).then(|| {
                    let text = if expanded { ui.show_fewer.to_owned() } else { fill(ui.show_all, values.len(), "") };
                    html! {
                        <button type="button" class="tipx-link-button" aria-expanded={expanded.to_string()}
                            onclick={ctx.link().callback(move |_| Msg::Expand(key))}>{ text }</button>
                    }
                });
                let name = Self::facet_name(lang, key);
                let selected = self.filters.values(key).len();
                html! {
                    <details class="tipx-facet" open={selected > 0 || key == FilterKey::Kind} data-facet={key.attr()}>
                        <summary>{ name }</summary>
                        <fieldset>
                            <legend class="tipx-visually-hidden">{ name }</legend>
                            <ul class="tipx-facet-values">{ for items }</ul>
                        </fieldset>
                        { for more }
                    </details>
                }
            });
        let year = (!Self::locked(ctx, FilterKey::Year)).then(|| {
            let from = ctx.link().callback(|e: Event| Msg::YearFrom(e.target_unchecked_into::<HtmlInputElement>().value()));
            let to = ctx.link().callback(|e: Event| Msg::YearTo(e.target_unchecked_into::<HtmlInputElement>().value()));
            let text = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
            html! {
                <div class="tipx-years">
                    <label for="tipx-year-from">{ ui.year_from }</label>
                    <input id="tipx-year-from" type="number" inputmode="numeric" min="1800" max="2100"
                        value={text(self.filters.year_from)} onchange={from} />
                    <label for="tipx-year-to">{ ui.year_to }</label>
                    <input id="tipx-year-to" type="number" inputmode="numeric" min="1800" max="2100"
                        value={text(self.filters.year_to)} onchange={to} />
                </div>
            }
        });
        html! {
            <aside class="tipx-facets" aria-label={ui.filters}>
                { for groups }
                { for year }
            </aside>
        }
    }

    fn view_chips(&self, ctx: &Context<Self>) -> Html {
        let lang = Self::config(ctx).common.lang;
        let ui = lang.ui();
        if self.filters.is_empty() {
            return html! {};
        }
        let mut chips: Vec<Html> = Vec::new();
        let mut removable = 0;
        for (key, values) in &self.filters.lists {
            let key = *key;
            for value in values {
                let label = self.label_of(key, value);
                if Self::locked(ctx, key) {
                    chips.push(html! { <li class="tipx-chip tipx-chip-fixed">{ fill(ui.fixed_filter, "", &label) }</li> });
                } else {
                    removable += 1;
                    let v = value.clone();
                    chips.push(html! {
                        <li class="tipx-chip">
                            <span>{ label.clone() }</span>
                            <button type="button" aria-label={fill(ui.remove_filter, "", &label)}
                                onclick={ctx.link().callback(move |_| Msg::Toggle(key, v.clone()))}>{ "×" }</button>
                        </li>
                    });
                }
            }
        }
        if self.filters.year_from.is_some() || self.filters.year_to.is_some() {
            let text = format!(
                "{}–{}",
                self.filters
                    .year_from
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                self.filters
                    .year_to
                    .map(|y| y.to_string())
                    .unwrap_or_default()
            );
            if Self::locked(ctx, FilterKey::Year) {
                chips.push(html! { <li class="tipx-chip tipx-chip-fixed">{ fill(ui.fixed_filter, "", &text) }</li> });
            } else {
                removable += 1;
                chips.push(html! {
                    <li class="tipx-chip">
                        <span>{ text.clone() }</span>
                        <button type="button" aria-label={fill(ui.remove_filter, "", &text)}
                            onclick={ctx.link().batch_callback(|_| vec![Msg::YearFrom(String::new()), Msg::YearTo(String::new())])}>{ "×" }</button>
                    </li>
                });
            }
        }
        html! {
            <div class="tipx-chips">
                <span class="tipx-visually-hidden">{ ui.active_filters }</span>
                <ul aria-label={ui.active_filters}>{ for chips }</ul>
                if removable > 0 {
                    <button type="button" class="tipx-link-button tipx-clear" onclick={ctx.link().callback(|_| Msg::ClearAll)}>{ ui.clear_all }</button>
                }
            </div>
        }
    }

    fn view_hit(&self, hit: &Hit) -> Html {
        let kind = hit.kind.clone();
        let kind_label = self
            .labels
            .as_ref()
            .map(|l| l.get("recordKinds", &kind).to_owned())
            .unwrap_or_else(|| kind.clone());
        let (record_id, place, year) = match &hit.record {
            HitRecord::Law(l) => (l.record_id.clone(), l.country.name.clone(), l.year_enacted),
            HitRecord::Practice(p) => (
                p.record_id.clone(),
                p.countries
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                p.start_year,
            ),
            HitRecord::Case(c) => (
                c.record_id.clone(),
                if c.countries.is_empty() {
                    c.jurisdiction_note.clone().unwrap_or_default()
                } else {
                    c.countries
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                c.decision_year,
            ),
        };
        let source: Option<(String, Option<String>)> = match &hit.record {
            HitRecord::Law(l) => l.sources.first().map(|s| (s.url.clone(), s.title.clone())),
            HitRecord::Practice(p) => p.sources.first().map(|s| (s.url.clone(), s.title.clone())),
            HitRecord::Case(c) => c.sources.first().map(|s| (s.url.clone(), s.title.clone())),
        };
        let meta: Vec<String> = [
            Some(place),
            year.map(|y| y.to_string()),
            Some(record_id.clone()),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
        html! {
            <li class="tipx-hit" key={record_id.clone()} data-record={record_id}>
                <article>
                    <header>
                        { kind_badge(&kind, &kind_label) }
                        <h3 class="tipx-hit-title" dir="auto">{ highlighted(&hit.highlight.title) }</h3>
                    </header>
                    <p class="tipx-meta tipx-muted" dir="auto">{ meta.join(" · ") }</p>
                    <p class="tipx-summary" dir="auto">{ highlighted(&hit.highlight.summary) }</p>
                    if let Some((url, title)) = &source {
                        <p class="tipx-source">{ source_link(url, title.as_deref()) }</p>
                    }
                </article>
            </li>
        }
    }

    fn view_pages(&self, ctx: &Context<Self>, total: i64) -> Html {
        let config = Self::config(ctx);
        let ui = config.common.lang.ui();
        let count = page_count(total, config.page_size);
        if count <= 1 {
            return html! {};
        }
        let go = |p: u32| ctx.link().callback(move |_| Msg::GoTo(p));
        let items = page_window(self.page, count).into_iter().map(|p| match p {
            None => html! { <li class="tipx-gap" aria-hidden="true">{ "…" }</li> },
            Some(p) => {
                let current = p == self.page;
                html! {
                    <li>
                        <button type="button" class={classes!("tipx-page", current.then_some("tipx-current"))}
                            aria-current={current.then_some("page")}
                            aria-label={fill(ui.page_n, p, "")}
                            onclick={go(p)}>{ p }</button>
                    </li>
                }
            }
        });
        html! {
            <nav class="tipx-pages" aria-label={ui.pages}>
                <ul>
                    <li><button type="button" class="tipx-page" disabled={self.page <= 1} onclick={go(self.page.saturating_sub(1).max(1))}>{ ui.previous }</button></li>
                    { for items }
                    <li><button type="button" class="tipx-page" disabled={self.page >= count} onclick={go((self.page + 1).min(count))}>{ ui.next }</button></li>
                </ul>
            </nav>
        }
    }
}

impl Component for SearchWidget {
    type Message = Msg;
    type Properties = SearchProps;

    fn create(ctx: &Context<Self>) -> Self {
        let mut widget = SearchWidget {
            query: String::new(),
            filters: Filters::default(),
            page: 1,
            typing: 0,
            request: 0,
            loading: true,
            data: None,
            error: None,
            labels: None,
            expanded: VecMap::default(),
        };
        widget.reset(Self::config(ctx));
        widget.fetch(ctx);
        widget.fetch_labels(ctx);
        widget
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &Self::Properties) -> bool {
        let new = Self::config(ctx);
        let mut same_but_lang = old.config.clone();
        same_but_lang.common.lang = new.common.lang;
        // A new language keeps what the visitor typed and chose; anything else starts over.
        if same_but_lang != *new {
            self.reset(new);
        }
        self.labels = None;
        self.fetch(ctx);
        self.fetch_labels(ctx);
        true
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Typed(text) => {
                self.query = text.chars().take(200).collect();
                self.typing += 1;
                let generation = self.typing;
                ctx.link().send_future(async move {
                    sleep(DEBOUNCE).await;
                    Msg::Settled(generation)
                });
                false
            }
            Msg::Settled(generation) => {
                if generation != self.typing {
                    return false;
                }
                self.page = 1;
                self.fetch(ctx);
                true
            }
            Msg::Submit => {
                // Searching now: a pending pause no longer starts another search.
                self.typing += 1;
                self.page = 1;
                self.fetch(ctx);
                true
            }
            Msg::Toggle(key, value) => {
                if Self::locked(ctx, key) {
                    return false;
                }
                self.filters.toggle(key, &value);
                self.page = 1;
                self.fetch(ctx);
                true
            }
            Msg::YearFrom(text) | Msg::YearTo(text)
                if !text.trim().is_empty() && text.trim().parse::<i32>().is_err() =>
            {
                false
            }
            Msg::YearFrom(text) => {
                self.filters.year_from = text.trim().parse().ok();
                self.page = 1;
                self.fetch(ctx);
                true
            }
            Msg::YearTo(text) => {
                self.filters.year_to = text.trim().parse().ok();
                self.page = 1;
                self.fetch(ctx);
                true
            }
            Msg::ClearAll => {
                let config = Self::config(ctx);
                let keep = |key: FilterKey| config.locked.contains(&key);
                self.filters.lists.retain(|key, _| keep(*key));
                if !keep(FilterKey::Year) {
                    self.filters.year_from = None;
                    self.filters.year_to = None;
                }
                self.page = 1;
                self.fetch(ctx);
                true
            }
            Msg::GoTo(page) => {
                if page == self.page {
                    return false;
                }
                self.page = page.max(1);
                self.fetch(ctx);
                true
            }
            Msg::Expand(key) => {
                if self.expanded.remove(&key).is_none() {
                    self.expanded.insert(key, ());
                }
                true
            }
            Msg::Retry => {
                self.fetch(ctx);
                true
            }
            Msg::Loaded(generation, result) => {
                if generation != self.request {
                    return false;
                }
                self.loading = false;
                match result {
                    Ok(data) => {
                        self.data = Some(data);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                true
            }
            Msg::LabelsLoaded(lang, result) => {
                if lang != Self::config(ctx).common.lang {
                    return false;
                }
                // Without labels the codes themselves are shown; the search still works.
                self.labels = result.ok();
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let config = Self::config(ctx);
        let lang = config.common.lang;
        let ui = lang.ui();
        let oninput = ctx.link().callback(|e: InputEvent| {
            Msg::Typed(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let onsubmit = ctx.link().callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::Submit
        });
        let total = self.data.as_ref().map(|d| d.search.total_hits);
        let status = match (&self.error, total) {
            (Some(_), _) => String::new(),
            (None, Some(n)) => fill(ui.results_count, n, ""),
            (None, None) => ui.loading.to_owned(),
        };
        let body = if let Some(error) = &self.error {
            error_box(lang, error, Some(ctx.link().callback(|_| Msg::Retry)))
        } else {
            match &self.data {
                None => html! { <p class="tipx-muted">{ ui.loading }</p> },
                Some(data) if data.search.hits.is_empty() => {
                    html! { <p class="tipx-empty">{ ui.no_results }</p> }
                }
                Some(data) => html! {
                    <>
                        <ol class="tipx-hits" start={(((self.page - 1) * config.page_size) + 1).to_string()}>
                            { for data.search.hits.iter().map(|h| self.view_hit(h)) }
                        </ol>
                        { self.view_pages(ctx, data.search.total_hits) }
                    </>
                },
            }
        };
        // Keyed by language: a new language builds a new tree, so the browser lays out every
        // text run in the new direction (Chromium kept some runs right-to-left otherwise).
        html! {
            <div key={lang.code()} class="tipx-root tipx-search" dir={lang.dir()} lang={lang.code()}>
                <form role="search" class="tipx-searchbox" {onsubmit}>
                    <label for="tipx-q">{ ui.search_label }</label>
                    <input id="tipx-q" type="search" value={self.query.clone()} placeholder={ui.search_placeholder}
                        maxlength="200" autocomplete="off" {oninput} />
                </form>
                <div class="tipx-layout">
                    { self.view_facets(ctx) }
                    <section class="tipx-results" aria-busy={self.loading.to_string()}>
                        { self.view_chips(ctx) }
                        <p class="tipx-count" role="status" aria-live="polite">{ status }</p>
                        { body }
                    </section>
                </div>
                { footer(lang) }
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_are_counted_within_the_paging_limit() {
        assert_eq!(page_count(0, 10), 0);
        assert_eq!(page_count(1, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_count(1_000_000, 10), 1001);
    }

    #[test]
    fn the_page_window_keeps_ends_and_neighbours() {
        assert_eq!(page_window(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_window(6, 12),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(page_window(1, 1), vec![Some(1)]);
    }

    #[test]
    fn variables_carry_filters_as_api_codes() {
        let mut filters = Filters::default();
        filters.toggle(FilterKey::Form, "FORCED_LABOUR");
        filters.toggle(FilterKey::Country, "NG");
        filters.year_to = Some(2020);
        let vars = variables(" labour ", &filters, 3, 10, Lang::Fr);
        let json = serde_json::to_value(&vars).unwrap();
        assert_eq!(json["query"], "labour");
        assert_eq!(json["page"], 3);
        assert_eq!(json["lang"], "fr");
        assert_eq!(json["filter"]["forms"], json!(["FORCED_LABOUR"]));
        assert_eq!(json["filter"]["countries"], json!(["NG"]));
        assert_eq!(json["filter"]["yearTo"], 2020);
    }
}
