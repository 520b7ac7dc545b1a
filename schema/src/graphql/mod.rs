//! The GraphQL schema partners query. `QueryRoot` merges one part per area.

mod errors;
mod inputs;
mod introspection;
mod limits;
mod loaders;
mod map;
mod query;
mod record_inputs;
mod search;
mod sharing;
mod subscription;
mod taxonomy;
mod timeline;
mod types;
mod webhooks;

use std::sync::Arc;

use async_graphql::{Context, Schema};

pub use errors::{set_code, ErrorCodes};
pub use inputs::{
    page_request, RecordFilterInput, DEFAULT_PAGE_SIZE, MAX_FILTER_VALUES, MAX_PAGE_SIZE,
};
pub use limits::{DepthLimit, MAX_INTROSPECTION_DEPTH, MAX_INTROSPECTION_LIST_NESTING};
pub use loaders::{KindCounts, Loaders};
pub use query::QueryRoot;
pub use search::{SearchFilterInput, MAX_SEARCH_OFFSET};
pub use types::Node;

use crate::error::{gql_error, ErrorCode, StoreError};
use crate::search::SearchBackend;
use crate::store::Store;

pub use sharing::{Entropy, MutationRoot};
pub use subscription::SubscriptionRoot;

pub type TipxSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Limits a query must keep.
#[derive(Clone, Copy, Debug)]
pub struct QueryLimits {
    pub max_depth: usize,
    pub max_complexity: usize,
    /// The longest query document, in bytes.
    pub max_query_bytes: usize,
    /// The most fields a document selects, fragments expanded and aliases counted.
    pub max_fields: usize,
    /// The most root fields one operation selects.
    pub max_root_fields: usize,
    /// The most directives on one field.
    pub max_directives: usize,
    /// Suggest field names ("Did you mean …?") in validation errors.
    pub field_suggestions: bool,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_depth: 12,
            max_complexity: 5_000,
            max_query_bytes: 32 * 1024,
            max_fields: 1_000,
            max_root_fields: 30,
            max_directives: 5,
            field_suggestions: false,
        }
    }
}

/// Builds the schema. The store is shared; per-request state (the loaders) is added to each
/// request by [`request_data`].
pub fn build_schema(
    store: Arc<dyn Store>,
    search: Arc<dyn SearchBackend>,
    limits: QueryLimits,
    small_counts: crate::core::privacy::SmallCounts,
    entropy: Arc<dyn Entropy>,
    feed: Arc<crate::core::feed::ChangeFeed>,
    webhooks: crate::core::webhooks::WebhookPolicy,
) -> TipxSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    );
    let builder = if limits.field_suggestions {
        builder
    } else {
        builder.disable_suggestions()
    };
    builder
        .data(store)
        .data(feed)
        .data(webhooks)
        .data(small_counts)
        .data(entropy)
        .data(search)
        .extension(ErrorCodes)
        .extension(introspection::SchemaDescription)
        // Our own depth limit: it measures data as async-graphql does, but gives introspection
        // a rule of its own so that the standard introspection query passes (limits.rs).
        .extension(DepthLimit::new(limits::DocumentLimits {
            max_depth: limits.max_depth,
            max_query_bytes: limits.max_query_bytes,
            max_fields: limits.max_fields,
            max_root_fields: limits.max_root_fields,
            max_directives: limits.max_directives,
        }))
        .extension(limits::Cost::new(limits.max_complexity, limits.max_depth))
        .limit_complexity(limits.max_complexity)
        .finish()
}

/// The SDL partners and the widgets build against (`schema/schema.graphql`).
/// Scalars carry `@specifiedBy`, as introspection answers.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish()
    .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// Attaches who is asking and fresh loaders (which load what that actor may see).
pub fn request_data(
    request: async_graphql::Request,
    store: Arc<dyn Store>,
    actor: crate::core::Actor,
) -> async_graphql::Request {
    request.data(Loaders::new(store, actor.clone())).data(actor)
}

/// What a WebSocket connection's operations run with: the public actor and loaders for it
/// (subscriptions are public, like the read API).
pub fn connection_data(store: Arc<dyn Store>) -> async_graphql::Data {
    let actor = crate::core::Actor::public();
    let mut data = async_graphql::Data::default();
    data.insert(Loaders::new(store, actor.clone()));
    data.insert(actor);
    data
}

/// The cost of a page of `first` items whose fields cost `child` each.
pub fn page_cost(first: Option<i32>, child: usize) -> usize {
    let n = first
        .unwrap_or(DEFAULT_PAGE_SIZE as i32)
        .clamp(0, MAX_PAGE_SIZE as i32) as usize;
    1 + n.max(1) * child
}

pub(crate) fn store_of<'a>(ctx: &Context<'a>) -> &'a Arc<dyn Store> {
    ctx.data_unchecked::<Arc<dyn Store>>()
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>().map_err(|_| {
        gql_error(
            ErrorCode::Internal,
            "internal error: request has no loaders",
        )
    })
}

pub(crate) fn load_err(err: Arc<StoreError>) -> async_graphql::Error {
    StoreError::from(err).into_gql()
}
