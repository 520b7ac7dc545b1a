//! The TIP Exchange contract: domain types, the GraphQL schema, the `Store` trait and the error
//! codes. This crate does no IO: no HTTP, no SQL, no search engine.

pub mod core;
pub mod error;
pub mod graphql;
pub mod i18n;
pub mod ids;
pub mod model;
pub mod search;
pub mod seed;
pub mod store;
pub mod vocab;
