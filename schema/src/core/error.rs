//! What a use-case function can refuse, and how each refusal reaches a client.

use super::rules::FieldError;
use super::status::IllegalMove;
use crate::error::{gql_error, ErrorCode, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    /// An argument is malformed or out of its limits.
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    IllegalMove(IllegalMove),
    /// The record changed since the version the change was based on.
    #[error("{0}")]
    Conflict(String),
    /// The record breaks rules; every broken rule is listed.
    #[error("the record breaks {} rule(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    ReasonRequired(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    /// The error code clients see.
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::Forbidden(_) => ErrorCode::Forbidden,
            CoreError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            CoreError::BadInput(_) => ErrorCode::BadUserInput,
            CoreError::IllegalMove(_) => ErrorCode::InvalidTransition,
            CoreError::Conflict(_) => ErrorCode::Conflict,
            CoreError::Invalid(_) | CoreError::ReasonRequired(_) => ErrorCode::BadUserInput,
            CoreError::Store(StoreError::Conflict(_)) => ErrorCode::Conflict,
            CoreError::Store(StoreError::NotFound(_)) => ErrorCode::NotFound,
            CoreError::Store(StoreError::Unavailable(_)) => ErrorCode::Unavailable,
            CoreError::Store(StoreError::Internal(_)) => ErrorCode::Internal,
        }
    }

    /// A GraphQL error with `extensions.code`; a rule violation also lists every broken rule
    /// in `extensions.fields` (`field`, `rule`, `message`). Store failures are logged here.
    pub fn into_gql(self) -> async_graphql::Error {
        use async_graphql::ErrorExtensions;
        match self {
            CoreError::Store(err) => err.into_gql(),
            CoreError::Invalid(fields) => {
                let message = format!(
                    "the record breaks {} rule(s): {}",
                    fields.len(),
                    fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                gql_error(ErrorCode::BadUserInput, message).extend_with(|_, ext| {
                    let list: Vec<async_graphql::Value> = fields
                        .iter()
                        .map(|f| {
                            async_graphql::Value::from_json(serde_json::json!({
                                "field": f.field, "rule": f.rule, "message": f.message,
                            }))
                            .unwrap_or_default()
                        })
                        .collect();
                    ext.set("fields", async_graphql::Value::List(list));
                })
            }
            other => gql_error(other.code(), other.to_string()),
        }
    }
}
