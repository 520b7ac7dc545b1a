//! What introspection says about the schema itself.
//!
//! async-graphql answers `__schema { description }` (asked by graphql-js's
//! `getIntrospectionQuery({ schemaDescription: true })`) with a generic sentence about what a
//! GraphQL schema is, which is not a description of this schema and which the SDL file does not
//! carry. This extension answers `null` instead (the field is nullable in the specification),
//! so a client that rebuilds the schema from introspection gets exactly `schema/schema.graphql`.
//! The SDL file carries no schema description because graphql_client, which checks the widgets'
//! queries against it, cannot parse one.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};

pub struct SchemaDescription;

impl ExtensionFactory for SchemaDescription {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SchemaDescription)
    }
}

#[async_trait::async_trait]
impl Extension for SchemaDescription {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.is_for_introspection && info.parent_type == "__Schema" && info.name == "description"
        {
            return Ok(Some(Value::Null));
        }
        next.run(ctx, info).await
    }
}
