//! A contributor's text: the personal-data and contact checks, the source URL checks and the
//! language tag check run on every field of every submission. Nothing may panic, and a record
//! read from JSON (as `tipx import` and the API's inputs are) goes through the same checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tipx_schema::core::rules::{
    check_personal_data, check_sources, contact_detail, has_withheld_name, personal_data,
    url_host, valid_language,
};
use tipx_schema::model::{Record, Source};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = personal_data(text);
        let _ = contact_detail(text);
        let _ = has_withheld_name(text);
        let _ = valid_language(text);
        if let Some(host) = url_host(text) {
            assert!(!host.is_empty());
        }
        let _ = check_sources(&[Source {
            url: text.to_owned(),
            title: Some(text.to_owned()),
            accessed: None,
            kind: None,
        }]);
    }
    if let Ok(record) = serde_json::from_slice::<Record>(data) {
        let _ = check_personal_data(&record);
    }
});
