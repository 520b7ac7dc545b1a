//! Search backends: Meilisearch when configured, the embedded tantivy index otherwise.

mod embedded;
mod meili;
mod words;

pub use embedded::EmbeddedSearch;
pub use meili::MeiliSearch;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tipx_schema::search::{
    BackendStatus, Progress, SearchBackend, SearchDoc, SearchError, SearchRequest, SearchResponse,
    SearchResult,
};

/// Search backend failures, by operation and kind, for `/metrics`.
#[derive(Default)]
pub struct SearchErrors {
    counts: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

impl SearchErrors {
    fn count<T>(&self, operation: &'static str, result: SearchResult<T>) -> SearchResult<T> {
        if let Err(err) = &result {
            let kind = match err {
                SearchError::Unavailable(_) => "unavailable",
                SearchError::Internal(_) => "internal",
            };
            *self
                .counts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry((operation, kind))
                .or_default() += 1;
        }
        result
    }

    /// `((operation, kind), failures)` in a stable order.
    pub fn snapshot(&self) -> Vec<((&'static str, &'static str), u64)> {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect()
    }
}

/// A search backend whose failures are counted.
pub struct CountedSearch {
    inner: Arc<dyn SearchBackend>,
    errors: Arc<SearchErrors>,
}

impl CountedSearch {
    pub fn new(inner: Arc<dyn SearchBackend>, errors: Arc<SearchErrors>) -> CountedSearch {
        CountedSearch { inner, errors }
    }
}

#[async_trait]
impl SearchBackend for CountedSearch {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn status(&self) -> BackendStatus {
        self.inner.status().await
    }

    async fn upsert(&self, docs: &[SearchDoc]) -> SearchResult<()> {
        self.errors.count("upsert", self.inner.upsert(docs).await)
    }

    async fn delete(&self, ids: &[String]) -> SearchResult<()> {
        self.errors.count("delete", self.inner.delete(ids).await)
    }

    async fn rebuild(&self, docs: Vec<SearchDoc>, progress: Progress<'_>) -> SearchResult<()> {
        self.errors
            .count("rebuild", self.inner.rebuild(docs, progress).await)
    }

    async fn search(&self, request: &SearchRequest) -> SearchResult<SearchResponse> {
        self.errors
            .count("search", self.inner.search(request).await)
    }

    async fn settle(&self) -> SearchResult<()> {
        self.errors.count("settle", self.inner.settle().await)
    }
}
