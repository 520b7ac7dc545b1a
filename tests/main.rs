//! Integration tests: each starts the real `tipx` server on port 0 with a temporary data folder
//! and talks to it over HTTP, as a partner system would.

mod helpers;

mod copy;
mod dataloaders;
mod errors;
mod export;
mod filters;
mod graphiql;
mod lookups;
mod map;
mod metrics;
mod nodes;
mod pagination;
mod portal;
mod rate_limits;
mod reliability;
mod schema_snapshot;
mod search_api;
mod search_contract;
mod search_differential;
mod seed_check;
mod sharing;
mod store_contract;
mod synthetic;
mod webhooks;
mod widgets;
