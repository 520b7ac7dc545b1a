//! The attributes an NGO page puts on a widget's tag (`<tipx-search countries="…" …>`): any
//! names and values. Nothing may panic; an accepted configuration only holds codes the API
//! knows the shape of, and an API endpoint that is a URL or a path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tipx_widgets::config::{Attrs, CountryConfig, RecordConfig, SearchConfig};

fuzz_target!(|pairs: Vec<(String, String)>| {
    let attrs: Attrs = pairs.into_iter().collect();
    if let Ok(config) = SearchConfig::from_attrs(&attrs) {
        for (_, values) in &config.preset.lists {
            for v in values {
                assert!(
                    v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                    "{v:?}"
                );
            }
        }
        let e = &config.common.endpoint;
        assert!(e.starts_with("https://") || e.starts_with("http://") || e.starts_with('/'));
    }
    let _ = CountryConfig::from_attrs(&attrs);
    let _ = RecordConfig::from_attrs(&attrs);
});
