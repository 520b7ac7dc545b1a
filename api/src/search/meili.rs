//! The Meilisearch backend, through meilisearch-sdk.
//!
//! One index per deployment holds all three record kinds (`kind` is a facet), so one query
//! searches everything and facet counts span kinds. Settings are applied when the backend is
//! first reached; every write waits for its task to finish; a full rebuild fills a fresh index
//! and swaps it with the live one, so searches never see an empty index.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::errors::Error as MeiliError;
use meilisearch_sdk::search::{SearchQuery, Selectors};
use meilisearch_sdk::settings::{
    FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Mutex;

use tipx_schema::ids::RecordId;
use tipx_schema::search::*;

const PRE: &str = "\u{E000}";
const POST: &str = "\u{E001}";
/// Documents per upload. Uploads are all sent first and then awaited, so Meilisearch can
/// batch consecutive ones into one indexing pass.
const CHUNK: usize = 5_000;

pub struct MeiliSearch {
    client: Client,
    /// The live index, kept so search queries can borrow it.
    index: meilisearch_sdk::indexes::Index,
    uid: String,
    timeout: Duration,
    /// Whether settings have been applied since start: checked by every request without a
    /// lock once true; the lock only serialises the first configuration.
    ready: AtomicBool,
    configuring: Mutex<()>,
}

fn classify(e: MeiliError) -> SearchError {
    match e {
        MeiliError::HttpError(_) | MeiliError::Timeout => SearchError::Unavailable(e.to_string()),
        other => SearchError::Internal(other.to_string()),
    }
}

/// The index settings: what is searchable, filterable, sortable, and how words match.
fn settings() -> Settings {
    // Meilisearch synonyms are one-way (a key finds its values), which is what the table says.
    let synonyms: HashMap<String, Vec<String>> = synonym_table()
        .into_iter()
        .map(|(phrase, matches)| {
            let others = matches
                .into_iter()
                .filter(|m| *m != phrase)
                .map(str::to_owned)
                .collect();
            (phrase.to_owned(), others)
        })
        .collect();
    let mut filterable: Vec<&str> = FacetField::ALL.iter().map(|f| f.attribute()).collect();
    filterable.extend(["year_start", "year_end"]);
    Settings::new()
        .with_searchable_attributes(["title", "summary", "body"])
        .with_displayed_attributes(["id", "title", "summary"])
        .with_filterable_attributes(filterable)
        .with_sortable_attributes(["year_start", "title_sort", "id"])
        // "sort" first, so an explicit sort (newest, title) is strict; relevance ties go to the
        // most recent record.
        .with_ranking_rules([
            "sort",
            "words",
            "typo",
            "proximity",
            "attribute",
            "exactness",
            "year_start:desc",
        ])
        .with_synonyms(synonyms)
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(5),
                two_typos: Some(9),
            }),
            ..TypoToleranceSettings::default()
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: 500,
            sort_facet_values_by: None,
        })
        .with_pagination(PaginationSetting {
            max_total_hits: 100_000,
        })
}

/// A filter expression from checked values. Values are quoted and escaped even though they
/// come from the code lists, so no value can change the expression's structure.
fn filter_expression(filter: &SearchFilter) -> Option<String> {
    let quote = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
    let mut parts: Vec<String> = filter
        .facets
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(field, values)| {
            format!(
                "{} IN [{}]",
                field.attribute(),
                values
                    .iter()
                    .map(|v| quote(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if let Some(from) = filter.year_from {
        parts.push(format!("year_end >= {from}"));
    }
    if let Some(to) = filter.year_to {
        parts.push(format!("year_start <= {to}"));
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Turns Meilisearch's marked-up text into escaped HTML with `<em>` around matches.
fn marked_to_html(marked: &str) -> String {
    let mut plain = String::with_capacity(marked.len());
    let mut ranges = Vec::new();
    let mut start = None;
    let mut rest = marked;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(PRE) {
            start = Some(plain.len());
            rest = after;
        } else if let Some(after) = rest.strip_prefix(POST) {
            if let Some(s) = start.take() {
                ranges.push(s..plain.len());
            }
            rest = after;
        } else {
            let ch = rest.chars().next().unwrap_or_default();
            plain.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    highlight_html(&plain, &ranges)
}

#[derive(Deserialize)]
struct Hit {
    id: String,
}

impl MeiliSearch {
    /// Prepares a client. It does not fail when Meilisearch is down: settings are applied the
    /// first time it answers, and the indexer retries writes until then.
    pub async fn connect(
        url: &str,
        key: Option<&str>,
        uid: &str,
        timeout: Duration,
    ) -> anyhow::Result<MeiliSearch> {
        let client = Client::new(url, key)?;
        let backend = MeiliSearch {
            index: client.index(uid),
            client,
            uid: uid.to_owned(),
            timeout,
            ready: AtomicBool::new(false),
            configuring: Mutex::new(()),
        };
        if let Err(e) = backend.ensure_ready().await {
            tracing::warn!(error = %e, "Meilisearch is not ready yet; writes are kept in the outbox until it is");
        }
        Ok(backend)
    }

    async fn wait(&self, task: Result<TaskInfo, MeiliError>) -> SearchResult<()> {
        let task = task.map_err(classify)?;
        let done = task
            .wait_for_completion(
                &self.client,
                Some(Duration::from_millis(20)),
                Some(self.timeout),
            )
            .await
            .map_err(classify)?;
        match done {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => Err(SearchError::Internal(format!(
                "Meilisearch task failed: {:?}",
                content.error
            ))),
            _ => Err(SearchError::Unavailable(
                "Meilisearch task did not finish in time".into(),
            )),
        }
    }

    async fn configure(&self, uid: &str) -> SearchResult<()> {
        if self.client.get_index(uid).await.is_err() {
            self.wait(self.client.create_index(uid, Some("id")).await)
                .await?;
        }
        self.wait(self.client.index(uid).set_settings(&settings()).await)
            .await
    }

    async fn ensure_ready(&self) -> SearchResult<()> {
        if self.ready.load(Ordering::Acquire) {
            return Ok(());
        }
        let _one_at_a_time = self.configuring.lock().await;
        if !self.ready.load(Ordering::Acquire) {
            self.configure(&self.uid).await?;
            self.ready.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// Sends every chunk of `docs` to the index `uid`, then waits for each task in order,
    /// reporting each chunk's documents once its task succeeded.
    async fn upload(
        &self,
        uid: &str,
        docs: &[SearchDoc],
        progress: Progress<'_>,
    ) -> SearchResult<()> {
        let index = self.client.index(uid);
        let mut tasks = Vec::new();
        for chunk in docs.chunks(CHUNK) {
            tasks.push((index.add_or_replace(chunk, Some("id")).await, chunk.len()));
        }
        for (task, n) in tasks {
            self.wait(task).await?;
            progress(n as u64);
        }
        Ok(())
    }

    /// Deletes the live index (tests clean up their own index uids with this).
    pub async fn delete_index(&self) -> SearchResult<()> {
        self.wait(self.client.index(&self.uid).delete().await).await
    }

    fn query<'a>(
        &'a self,
        request: &'a SearchRequest,
        filter: &'a Option<String>,
        sort: &'a [&'a str],
    ) -> SearchQuery<'a, meilisearch_sdk::reqwest::ReqwestClient> {
        let mut q = SearchQuery::new(&self.index);
        q.with_query(&request.query);
        if let Some(f) = filter {
            q.with_filter(f);
        }
        if !sort.is_empty() {
            q.with_sort(sort);
        }
        q
    }
}

#[async_trait]
impl SearchBackend for MeiliSearch {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn status(&self) -> BackendStatus {
        match self.client.index(&self.uid).get_stats().await {
            Ok(stats) => BackendStatus {
                available: true,
                documents: Some(stats.number_of_documents as u64),
                detail: Some(format!("index {}", self.uid)),
            },
            Err(MeiliError::Meilisearch(e))
                if e.error_code == meilisearch_sdk::errors::ErrorCode::IndexNotFound =>
            {
                BackendStatus {
                    available: true,
                    documents: Some(0),
                    detail: Some(format!("index {} not created yet", self.uid)),
                }
            }
            Err(e) => BackendStatus {
                available: false,
                documents: None,
                detail: Some(e.to_string()),
            },
        }
    }

    async fn upsert(&self, docs: &[SearchDoc]) -> SearchResult<()> {
        self.ensure_ready().await?;
        self.upload(&self.uid, docs, &|_| {}).await
    }

    async fn delete(&self, ids: &[String]) -> SearchResult<()> {
        self.ensure_ready().await?;
        self.wait(self.client.index(&self.uid).delete_documents(ids).await)
            .await
    }

    async fn rebuild(&self, docs: Vec<SearchDoc>, progress: Progress<'_>) -> SearchResult<()> {
        self.ensure_ready().await?;
        let build = format!(
            "{}-build-{}",
            self.uid,
            chrono::Utc::now().timestamp_micros()
        );
        self.configure(&build).await?;
        self.upload(&build, &docs, progress).await?;
        let swap = SwapIndexes {
            indexes: (self.uid.clone(), build.clone()),
            rename: None,
        };
        self.wait(self.client.swap_indexes([&swap]).await).await?;
        // After the swap the build uid holds the old documents.
        self.wait(self.client.index(&build).delete().await).await
    }

    async fn search(&self, request: &SearchRequest) -> SearchResult<SearchResponse> {
        let started = Instant::now();
        self.ensure_ready().await?;
        let sort: Vec<&str> = match request.sort {
            SearchSort::Relevance if request.query.trim().is_empty() => {
                vec!["year_start:desc", "id:asc"]
            }
            SearchSort::Relevance => vec![],
            SearchSort::Newest => vec!["year_start:desc", "id:asc"],
            SearchSort::Oldest => vec!["year_start:asc", "id:asc"],
            SearchSort::Title => vec!["title_sort:asc", "id:asc"],
        };
        let filter = filter_expression(&request.filter);
        let facet_names: Vec<&str> = request.facets.iter().map(|f| f.attribute()).collect();
        // Exact totals come with page-based pagination; an offset that is not a page boundary
        // is served from a first page long enough to cover it.
        let (page, per_page, skip) =
            if request.limit > 0 && request.offset.is_multiple_of(request.limit) {
                (request.offset / request.limit + 1, request.limit, 0)
            } else {
                (1, request.offset + request.limit, request.offset)
            };
        let highlight = ["title", "summary"];
        let mut main = self.query(request, &filter, &sort);
        main.with_page(page)
            .with_hits_per_page(per_page)
            .with_facets(Selectors::Some(&facet_names))
            .with_attributes_to_highlight(Selectors::Some(&highlight))
            .with_highlight_pre_tag(PRE)
            .with_highlight_post_tag(POST);
        // Disjunctive facets: a field with a selection is counted by its own query without it.
        let selected: Vec<FacetField> = request
            .facets
            .iter()
            .copied()
            .filter(|f| !request.filter.selected(*f).is_empty())
            .collect();
        let others: Vec<(FacetField, Option<String>, [&str; 1])> = selected
            .iter()
            .map(|f| {
                (
                    *f,
                    filter_expression(&request.filter.without(*f)),
                    [f.attribute()],
                )
            })
            .collect();
        let mut multi = self.client.multi_search();
        multi.with_search_query(main);
        let mut extra = Vec::new();
        for (_, f, names) in &others {
            let mut q = self.query(request, f, &[]);
            q.with_limit(0).with_facets(Selectors::Some(names));
            extra.push(q);
        }
        for q in extra {
            multi.with_search_query(q);
        }
        let response = multi.execute::<Hit>().await.map_err(classify)?;
        let mut results = response.results.into_iter();
        let main = results
            .next()
            .ok_or_else(|| SearchError::Internal("empty multi-search answer".into()))?;
        let mut distribution = main.facet_distribution.clone().unwrap_or_default();
        for ((field, _, _), result) in others.iter().zip(results) {
            let counts = result
                .facet_distribution
                .unwrap_or_default()
                .remove(field.attribute())
                .unwrap_or_default();
            distribution.insert(field.attribute().to_owned(), counts);
        }
        let facets = request
            .facets
            .iter()
            .map(|field| {
                let mut values: Vec<(String, u64)> = distribution
                    .get(field.attribute())
                    .map(|m| {
                        m.iter()
                            .filter(|(_, n)| **n > 0)
                            .map(|(v, n)| (v.clone(), *n as u64))
                            .collect()
                    })
                    .unwrap_or_default();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                (*field, values)
            })
            .collect();
        let mut hits = Vec::new();
        for hit in main.hits.into_iter().skip(skip) {
            let formatted = hit.formatted_result.unwrap_or_default();
            let text = |k: &str| {
                formatted
                    .get(k)
                    .and_then(|v| v.as_str())
                    .map(marked_to_html)
                    .unwrap_or_default()
            };
            hits.push(SearchHit {
                id: RecordId::parse(&hit.result.id).map_err(SearchError::Internal)?,
                highlight: Highlight {
                    title: text("title"),
                    summary: text("summary"),
                },
            });
        }
        Ok(SearchResponse {
            hits,
            total_hits: main
                .total_hits
                .or(main.estimated_total_hits)
                .unwrap_or_default() as u64,
            processing_time_ms: started.elapsed().as_millis() as u64,
            facets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_are_quoted_and_escaped() {
        let filter = SearchFilter {
            facets: vec![(FacetField::Countries, vec!["NG\" OR kind = \"x".into()])],
            year_from: Some(2015),
            year_to: None,
        };
        assert_eq!(
            filter_expression(&filter).unwrap(),
            r#"countries IN ["NG\" OR kind = \"x"] AND year_end >= 2015"#
        );
    }

    /// Reads a filter expression as Meilisearch's grammar does (`attr IN ["…", …]` joined by
    /// `AND`, strings in double quotes with `\\` escapes; then the year conditions): the
    /// attributes and values found, and the rest of the expression after the last `IN` list.
    fn read_back(expr: &str) -> (Vec<(String, Vec<String>)>, String) {
        let mut out = Vec::new();
        let mut rest = expr;
        while let Some((attr, after)) = rest.split_once(" IN [") {
            let mut values = Vec::new();
            let mut chars = after.char_indices().peekable();
            let mut end = after.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        let mut value = String::new();
                        while let Some((_, c)) = chars.next() {
                            match c {
                                '\\' => value.push(chars.next().expect("escape").1),
                                '"' => break,
                                c => value.push(c),
                            }
                        }
                        values.push(value);
                    }
                    ']' => {
                        end = i + 1;
                        break;
                    }
                    ',' | ' ' => {}
                    other => panic!("unquoted {other:?} inside a list: {expr}"),
                }
            }
            out.push((attr.trim_start_matches(" AND ").to_owned(), values));
            rest = &after[end..];
        }
        (out, rest.to_owned())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Whatever the values (quotes, backslashes, brackets, `OR`, newlines), each stays one
        /// quoted string: reading the expression back gives exactly the fields and values put in,
        /// and nothing else but the year conditions.
        #[test]
        fn any_value_stays_inside_its_quotes(
            values in proptest::collection::vec(proptest::collection::vec(".{0,12}", 1..4), 1..4),
            from in proptest::option::of(1800..2100i32),
        ) {
            let fields = [FacetField::Countries, FacetField::Forms, FacetField::Sectors];
            let filter = SearchFilter {
                facets: fields.iter().copied().zip(values.iter().cloned()).collect(),
                year_from: from,
                year_to: None,
            };
            let (read, rest) = read_back(&filter_expression(&filter).unwrap());
            let want: Vec<(String, Vec<String>)> = fields
                .iter()
                .zip(values)
                .map(|(f, v)| (f.attribute().to_owned(), v))
                .collect();
            proptest::prop_assert_eq!(read, want);
            let want_rest = from.map(|y| format!(" AND year_end >= {y}")).unwrap_or_default();
            proptest::prop_assert_eq!(rest, want_rest);
        }
    }

    #[test]
    fn marked_text_becomes_escaped_html() {
        assert_eq!(
            marked_to_html("a <b> \u{E000}forced\u{E001} labour"),
            "a &lt;b&gt; <em>forced</em> labour"
        );
    }
}
