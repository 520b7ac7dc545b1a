//! The core: the rules of the platform, in one place, with no IO of their own.
//!
//! Every read and write goes through a use-case function here that takes an [`Actor`] (who is
//! asking: a role, an organisation, the countries it speaks for) and the store ports it needs.
//! Resolvers and commands only translate to and from these calls; store adapters only store.
//!
//! - `actor`: who is asking, and what each role may see;
//! - `status`: the status machine of a record (DRAFT → SUBMITTED → PUBLISHED …);
//! - `rules`: the checks every record gets, from a seed file or from a contributor;
//! - `history`: what changed between two versions of a record, field by field;
//! - `catalogue`: reading records and reference data;
//! - `editing`: drafts (create, update, propose a change to a published record);
//! - `import`: the seed import (versions, dates and history decided here, not in the store);
//! - `keys`: API keys (created, listed, revoked, rotated) and who a request acts as;
//! - `privacy`: small victim counts shown as "fewer than N";
//! - `review`: status moves (submit, withdraw, publish, reject, retract) and who may make them;
//! - `webhooks`: who registers webhooks, their URLs, delivery signatures and retries.

pub mod actor;
pub mod catalogue;
pub mod editing;
pub mod error;
pub mod feed;
pub mod history;
pub mod import;
pub mod keys;
pub mod privacy;
pub mod review;
pub mod rules;
pub mod status;
pub mod webhooks;

pub use actor::{Actor, Role};
pub use error::{CoreError, CoreResult};
pub use status::{next_status, Action};
