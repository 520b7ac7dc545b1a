//! Properties of the parsers and rules that outside input reaches, checked on many generated
//! inputs (proptest; a failure prints the smallest input that breaks it).

use proptest::prelude::*;

use tipx_schema::core::status::{next_status, Action};
use tipx_schema::ids::{decode_cursor, encode_cursor, GlobalId, RecordId};
use tipx_schema::vocab::{RecordKind, RecordStatus};

fn record_id() -> impl Strategy<Value = RecordId> {
    "[A-Za-z0-9_-]{1,64}".prop_map(|s| RecordId::parse(&s).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Every cursor the API gives out leads back to its record.
    #[test]
    fn cursors_round_trip(id in record_id()) {
        prop_assert_eq!(decode_cursor(&encode_cursor(&id)).unwrap(), id);
    }

    /// Any text sent as a cursor is either refused with a message or names a valid record id
    /// whose own cursor it is; nothing panics, and a refusal quotes at most 80 characters.
    #[test]
    fn any_text_as_a_cursor_is_refused_or_canonical(raw in any::<String>()) {
        match decode_cursor(&raw) {
            Ok(id) => prop_assert_eq!(encode_cursor(&id), raw),
            Err(message) => prop_assert!(message.chars().count() <= 80 + 60, "{}", message),
        }
    }

    /// Base64 of anything that is not `after:<id>` is refused.
    #[test]
    fn forged_cursors_are_refused(
        plain in prop_oneof!["after:[A-Za-z0-9_-]{0,70}", "(after|before):.{0,10}", any::<String>()]
    ) {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&plain);
        let valid = plain
            .strip_prefix("after:")
            .is_some_and(|id| RecordId::parse(id).is_ok());
        prop_assert_eq!(decode_cursor(&raw).is_ok(), valid);
    }

    /// Node ids round trip for every record kind, and any text as an id never panics.
    #[test]
    fn global_ids_round_trip(id in record_id(), kind in 0..3usize, junk in any::<String>()) {
        let kind = [RecordKind::Law, RecordKind::Practice, RecordKind::Case][kind];
        let global = GlobalId::Record(kind, id);
        prop_assert_eq!(GlobalId::decode(&global.encode()).unwrap(), global);
        let _ = GlobalId::decode(&junk);
    }

    /// Whatever moves are tried, in any order, a record is published only by a moderator's
    /// publish of a submission (or by the seed import), reaches SUBMITTED only by a submit,
    /// and a refused move leaves it as it was.
    #[test]
    fn the_status_machine_publishes_only_what_was_submitted(
        moves in proptest::collection::vec(0..Action::ALL.len(), 1..40)
    ) {
        let mut status: Option<RecordStatus> = None;
        for m in moves {
            let action = Action::ALL[m];
            match next_status(status, action) {
                Ok(next) => {
                    if next == RecordStatus::Published && status != Some(RecordStatus::Published) {
                        prop_assert!(
                            (status == Some(RecordStatus::Submitted) && action == Action::Publish)
                                || (status.is_none() && action == Action::Import),
                            "published from {:?} by {:?}", status, action
                        );
                    }
                    if next == RecordStatus::Submitted && status != Some(RecordStatus::Submitted) {
                        prop_assert_eq!(action, Action::Submit);
                    }
                    if status == Some(RecordStatus::Retracted) {
                        prop_assert_eq!(next, RecordStatus::Retracted, "a retraction is final");
                    }
                    status = Some(next);
                }
                Err(refused) => {
                    prop_assert_eq!(refused.from, status);
                    prop_assert!(!refused.to_string().is_empty());
                }
            }
        }
    }
}
