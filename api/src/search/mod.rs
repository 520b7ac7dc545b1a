//! Search backends: Meilisearch when configured, the embedded tantivy index otherwise.

mod embedded;
mod meili;
mod words;

pub use embedded::EmbeddedSearch;
pub use meili::MeiliSearch;
