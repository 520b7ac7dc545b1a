//! An extension that makes sure every error leaves with `extensions.code`.
//!
//! Resolvers set their codes themselves ([`crate::error::gql_error`]). What is left is produced
//! by async-graphql itself: parse errors, validation errors (including the depth and complexity
//! limits) and argument values that do not coerce to their declared type. The few request
//! errors async-graphql raises before any extension runs (an unknown or missing operation
//! name) get theirs from the HTTP layer, through [`set_code`].

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};

use crate::error::ErrorCode;

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

fn has_code(err: &ServerError) -> bool {
    err.extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some())
}

/// Gives `err` the code `code` unless it already has one.
pub fn set_code(err: &mut ServerError, code: ErrorCode) {
    if !has_code(err) {
        err.extensions
            .get_or_insert_with(Default::default)
            .set("code", Value::from(code.as_str()));
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut err| {
            set_code(&mut err, ErrorCode::ParseFailed);
            err
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for err in &mut errors {
                let code =
                    if err.message.contains("too complex") || err.message.contains("too deep") {
                        ErrorCode::QueryTooComplex
                    } else {
                        ErrorCode::ValidationFailed
                    };
                set_code(err, code);
            }
            errors
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        for err in &mut response.errors {
            // Resolvers always set a code; an error without one comes from coercing an argument.
            set_code(err, ErrorCode::BadUserInput);
        }
        response
    }
}
