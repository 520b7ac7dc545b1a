//! Seed files (and the folders `tipx import` reads in the same format): any bytes as any of the
//! seven files. Parsing never panics; a parsed seed only holds valid ids.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tipx_schema::seed::{parse_seed, SEED_FILES};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the file the input stands for; the others get the smallest valid
    // content, so the fuzzer reaches each file's own checks.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let target = pick as usize % SEED_FILES.len();
    let files: Vec<(String, String)> = SEED_FILES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let content = if i == target { text.to_owned() } else { "[]".to_owned() };
            (name.to_string(), content)
        })
        .collect();
    match parse_seed(&files) {
        Ok(seed) => {
            for record in &seed.records {
                assert!(!record.id().as_str().is_empty());
            }
        }
        Err(issues) => assert!(!issues.is_empty()),
    }
});
