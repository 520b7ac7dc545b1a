//! The one table of error codes, and the errors that cross crate boundaries.
//!
//! Every GraphQL error leaves with `extensions.code` set to one of [`ErrorCode`]. Internal
//! errors leave as an opaque `INTERNAL` and are logged once, with their cause, where they are
//! turned into a GraphQL error.

use async_graphql::ErrorExtensions;

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $code:literal, $status:literal; )+) => {
        /// Machine-readable error codes, as partners see them in `extensions.code`.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            /// The HTTP status an error of this code answers with when it stops a whole request.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),+ }
            }

            /// What the code means, for the README's table.
            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => concat!($($doc),*)),+ }
            }
        }
    };
}

error_codes! {
    /// The requested object does not exist or is not public.
    NotFound = "NOT_FOUND", 404;
    /// The server has no built widgets to serve (run `scripts/build-widgets.sh`).
    WidgetsNotBuilt = "WIDGETS_NOT_BUILT", 404;
    /// The server has no built GraphiQL to serve (run `scripts/build-graphiql.sh`).
    GraphiqlNotBuilt = "GRAPHIQL_NOT_BUILT", 404;
    /// An argument is malformed, out of its limits or names an unknown code.
    BadUserInput = "BAD_USER_INPUT", 400;
    /// The request body is not valid JSON or not a GraphQL request.
    BadRequest = "BAD_REQUEST", 400;
    /// The GraphQL document does not parse.
    ParseFailed = "GRAPHQL_PARSE_FAILED", 400;
    /// The GraphQL document does not validate against the schema.
    ValidationFailed = "GRAPHQL_VALIDATION_FAILED", 400;
    /// The query is deeper or more complex than the limits allow.
    QueryTooComplex = "QUERY_TOO_COMPLEX", 400;
    /// The request body is larger than the limit.
    PayloadTooLarge = "PAYLOAD_TOO_LARGE", 413;
    /// A persisted-query id (`extensions.persistedQuery.sha256Hash`) this server does not know:
    /// send the request again with its `query` (Apollo's automatic persisted queries).
    PersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND", 200;
    /// The query ran longer than `graphql.timeout_ms` and was stopped; ask for less (a
    /// smaller page, fewer fields) or try again.
    Timeout = "TIMEOUT", 503;
    /// Too many requests from this key or address: wait the `Retry-After` seconds.
    RateLimited = "RATE_LIMITED", 429;
    /// The HTTP method is not allowed here, e.g. a mutation over GET.
    MethodNotAllowed = "METHOD_NOT_ALLOWED", 405;
    /// The request's content type is not one the endpoint reads.
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE", 415;
    /// None of the media types in the Accept header can be produced.
    NotAcceptable = "NOT_ACCEPTABLE", 406;
    /// The caller is not authenticated.
    Unauthenticated = "UNAUTHENTICATED", 401;
    /// The caller may not do this.
    Forbidden = "FORBIDDEN", 403;
    /// The record changed since the version the change was based on; reload and try again.
    Conflict = "CONFLICT", 409;
    /// The record's status does not allow this move (e.g. publishing a draft).
    InvalidTransition = "INVALID_TRANSITION", 409;
    /// The store or search backend is unavailable; try again later.
    Unavailable = "SERVICE_UNAVAILABLE", 503;
    /// Something failed on the server; it has been logged.
    Internal = "INTERNAL", 500;
}

/// Builds a GraphQL error carrying `extensions.code`.
pub fn gql_error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code.as_str()))
}

/// Errors from a [`crate::store::Store`] implementation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("store failure: {0}")]
    Internal(String),
}

impl StoreError {
    /// Converts to a GraphQL error, logging internal causes once here.
    pub fn into_gql(self) -> async_graphql::Error {
        match self {
            StoreError::NotFound(what) => gql_error(ErrorCode::NotFound, what),
            StoreError::Conflict(what) => gql_error(ErrorCode::Conflict, what),
            StoreError::Unavailable(cause) => {
                tracing::error!(error.cause = %cause, "store unavailable");
                gql_error(
                    ErrorCode::Unavailable,
                    "the data store is unavailable; try again shortly",
                )
            }
            StoreError::Internal(cause) => {
                tracing::error!(error.cause = %cause, "store failure");
                gql_error(ErrorCode::Internal, "internal error")
            }
        }
    }
}

impl From<std::sync::Arc<StoreError>> for StoreError {
    fn from(value: std::sync::Arc<StoreError>) -> Self {
        match &*value {
            StoreError::NotFound(s) => StoreError::NotFound(s.clone()),
            StoreError::Conflict(s) => StoreError::Conflict(s.clone()),
            StoreError::Unavailable(s) => StoreError::Unavailable(s.clone()),
            StoreError::Internal(s) => StoreError::Internal(s.clone()),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
