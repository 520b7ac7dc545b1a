//! GraphQL arguments that reach tipx's own code: page sizes, cursors, node ids, record ids,
//! country codes. Nothing may panic; what is accepted is canonical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tipx_schema::graphql::page_request;
use tipx_schema::ids::{encode_cursor, CountryCode, GlobalId, RecordId};

#[derive(arbitrary::Arbitrary, Debug)]
struct Arguments<'a> {
    first: Option<i32>,
    after: Option<&'a str>,
    node_id: &'a str,
    record_id: &'a str,
    country: &'a str,
}

fuzz_target!(|args: Arguments<'_>| {
    if let Ok(page) = page_request(args.first, args.after) {
        assert!(page.first <= 100, "a page of {}", page.first);
        if let (Some(raw), Some(id)) = (args.after, &page.after) {
            assert_eq!(encode_cursor(id), raw, "an accepted cursor is one the API gives out");
        }
    }
    if let Ok(id) = GlobalId::decode(args.node_id) {
        assert_eq!(GlobalId::decode(&id.encode()).unwrap(), id);
    }
    if let Ok(id) = RecordId::parse(args.record_id) {
        assert_eq!(id.as_str(), args.record_id);
        assert!(id.as_str().len() <= RecordId::MAX_LEN);
    }
    if let Ok(code) = CountryCode::parse(args.country) {
        assert!(code.as_str().bytes().all(|b| b.is_ascii_uppercase()));
    }
});
