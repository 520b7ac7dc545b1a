//! Persisted-query ids of the widgets' documents: the SHA-256 of each `queries/*.graphql` file,
//! byte for byte what graphql_client embeds as the query and what the server registers
//! (`api/src/http/persisted.rs`), so a widget sends only the id by GET. Computed here, at build
//! time, so the WebAssembly carries no hash code.

use std::fmt::Write;

use sha2::{Digest, Sha256};

fn main() {
    let mut out = String::from(
        "/// The persisted-query id of the document that holds `operation`, if it is a widget's.\n\
         pub fn persisted_id(operation: &str) -> Option<&'static str> {\n    match operation {\n",
    );
    for file in ["search", "taxonomy", "country", "record"] {
        let path = format!("queries/{file}.graphql");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).expect("a widget query file");
        let id: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("query ") else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let _ = writeln!(out, "        {name:?} => Some({id:?}),");
        }
    }
    out.push_str("        _ => None,\n    }\n}\n");
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("persisted.rs");
    std::fs::write(dest, out).expect("writing persisted.rs");
}
