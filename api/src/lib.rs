//! The TIP Exchange server: the only crate that knows warp, SQLite, files and the environment.

pub mod assets;
pub mod config;
pub mod copy;
pub mod demo;
pub mod export;
pub mod feed;
pub mod graphiql;
pub mod http;
pub mod indexer;
pub mod keys;
pub mod search;
pub mod seed;
pub mod startup;
pub mod store;
pub mod synthetic;
pub mod webhooks;
pub mod widgets;
