//! The status machine of a record.
//!
//! ```text
//!            create        submit          publish
//!   (none) ────────▶ DRAFT ──────▶ SUBMITTED ──────▶ PUBLISHED ──retract──▶ RETRACTED
//!                    ▲  │ update     │  │                │
//!                    │  └────────────┘  │ reject,        │ import (the seed's own
//!                    └──────────────────┘ withdraw       │ records, kept as they are)
//!                    ▲                                   │
//!                    └──────────── revise ───────────────┘ (a copy; the published one stays)
//! ```
//!
//! A change to a published record goes through review as a new version while the published
//! one stays visible; the new version follows the same machine from DRAFT. Every move not in
//! the table is refused with [`IllegalMove`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocab::{RecordStatus, Vocabulary};

/// What is done to a record.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Action {
    /// A new draft.
    Create,
    /// A draft edited.
    Update,
    /// A draft sent for review.
    Submit,
    /// A submission taken back by its contributor.
    Withdraw,
    /// A submission published by a moderator.
    Publish,
    /// A submission sent back to its contributor, with a reason.
    Reject,
    /// A published record withdrawn from public view, with a reason.
    Retract,
    /// Written by the seed import.
    Import,
    /// A change to a published record started: a draft copy goes through review while the
    /// published version stays visible.
    Revise,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Create,
        Action::Update,
        Action::Submit,
        Action::Withdraw,
        Action::Publish,
        Action::Reject,
        Action::Retract,
        Action::Import,
        Action::Revise,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Create => "CREATE",
            Action::Update => "UPDATE",
            Action::Submit => "SUBMIT",
            Action::Withdraw => "WITHDRAW",
            Action::Publish => "PUBLISH",
            Action::Reject => "REJECT",
            Action::Retract => "RETRACT",
            Action::Import => "IMPORT",
            Action::Revise => "REVISE",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The action as a past participle, for messages.
    pub fn done(self) -> &'static str {
        match self {
            Action::Create => "created",
            Action::Update => "updated",
            Action::Submit => "submitted",
            Action::Withdraw => "withdrawn",
            Action::Publish => "published",
            Action::Reject => "rejected",
            Action::Retract => "retracted",
            Action::Import => "imported",
            Action::Revise => "revised",
        }
    }

    /// Whether the action must carry a reason (shown to the contributor and in the history).
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Reject | Action::Retract)
    }
}

/// A move the status machine does not allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IllegalMove {
    pub from: Option<RecordStatus>,
    pub action: Action,
}

impl fmt::Display for IllegalMove {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let done = self.action.done();
        match self.from {
            Some(from) => write!(f, "a {} record cannot be {done}", from.code()),
            None => write!(f, "a record that does not exist yet cannot be {done}"),
        }
    }
}

/// The status after `action` on a record in status `from` (`None`: no record yet).
pub fn next_status(
    from: Option<RecordStatus>,
    action: Action,
) -> Result<RecordStatus, IllegalMove> {
    use Action::*;
    use RecordStatus::*;
    match (from, action) {
        (None, Create) => Ok(Draft),
        (Some(Draft), Update) => Ok(Draft),
        (Some(Draft), Submit) => Ok(Submitted),
        (Some(Submitted), Withdraw) => Ok(Draft),
        (Some(Submitted), Reject) => Ok(Draft),
        (Some(Submitted), Publish) => Ok(Published),
        (Some(Published), Retract) => Ok(Retracted),
        // The revision of a published record starts as a draft.
        (Some(Published), Revise) => Ok(Draft),
        // The seed's own records are published when first imported and keep their status
        // (a retracted seed record stays retracted) when the seed changes.
        (None, Import) => Ok(Published),
        (Some(status), Import) => Ok(status),
        (from, action) => Err(IllegalMove { from, action }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table, written out: every (status, action) pair not listed is refused.
    const ALLOWED: &[(Option<RecordStatus>, Action, RecordStatus)] = &[
        (None, Action::Create, RecordStatus::Draft),
        (
            Some(RecordStatus::Draft),
            Action::Update,
            RecordStatus::Draft,
        ),
        (
            Some(RecordStatus::Draft),
            Action::Submit,
            RecordStatus::Submitted,
        ),
        (
            Some(RecordStatus::Submitted),
            Action::Withdraw,
            RecordStatus::Draft,
        ),
        (
            Some(RecordStatus::Submitted),
            Action::Reject,
            RecordStatus::Draft,
        ),
        (
            Some(RecordStatus::Submitted),
            Action::Publish,
            RecordStatus::Published,
        ),
        (
            Some(RecordStatus::Published),
            Action::Retract,
            RecordStatus::Retracted,
        ),
        (
            Some(RecordStatus::Published),
            Action::Revise,
            RecordStatus::Draft,
        ),
        (None, Action::Import, RecordStatus::Published),
        (
            Some(RecordStatus::Draft),
            Action::Import,
            RecordStatus::Draft,
        ),
        (
            Some(RecordStatus::Submitted),
            Action::Import,
            RecordStatus::Submitted,
        ),
        (
            Some(RecordStatus::Published),
            Action::Import,
            RecordStatus::Published,
        ),
        (
            Some(RecordStatus::Retracted),
            Action::Import,
            RecordStatus::Retracted,
        ),
    ];

    #[test]
    fn every_status_and_action_pair_follows_the_table() {
        let statuses = std::iter::once(None).chain(RecordStatus::all().iter().copied().map(Some));
        let mut checked = 0;
        for from in statuses {
            for action in Action::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                match (next_status(from, action), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} {action:?}"),
                    (Err(e), None) => assert_eq!(e, IllegalMove { from, action }),
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, table says {want:?}"),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 5 * Action::ALL.len());
    }

    #[test]
    fn illegal_moves_say_what_was_tried() {
        let err = next_status(Some(RecordStatus::Published), Action::Submit).unwrap_err();
        assert_eq!(err.to_string(), "a PUBLISHED record cannot be submitted");
    }

    #[test]
    fn only_reject_and_retract_need_a_reason() {
        let with_reason: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| a.needs_reason())
            .collect();
        assert_eq!(with_reason, [Action::Reject, Action::Retract]);
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
    }
}
