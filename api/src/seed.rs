//! Reading seed files (from a folder, or the copy compiled into the binary) and importing them.

use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

use tipx_schema::core::import::{import_seed, ImportOutcome};
use tipx_schema::core::Actor;
use tipx_schema::seed::{parse_seed, SeedIssue, SEED_FILES};
use tipx_schema::store::{SeedData, Store};

/// The seed files as they were when this binary was built, so `tipx serve` works from any
/// folder with no files around it.
const EMBEDDED: [(&str, &str); 7] = [
    ("regions.json", include_str!("../../seed/regions.json")),
    ("countries.json", include_str!("../../seed/countries.json")),
    (
        "instruments.json",
        include_str!("../../seed/instruments.json"),
    ),
    (
        "ratifications.json",
        include_str!("../../seed/ratifications.json"),
    ),
    ("laws.json", include_str!("../../seed/laws.json")),
    ("practices.json", include_str!("../../seed/practices.json")),
    ("cases.json", include_str!("../../seed/cases.json")),
];

pub(crate) const FINGERPRINT_KEY: &str = "seed.fingerprint";

/// Seed file contents and where they came from.
pub struct SeedFiles {
    pub origin: String,
    pub files: Vec<(String, String)>,
}

impl SeedFiles {
    /// Reads the seed files from `dir`, or takes the embedded copy when `dir` is `None`.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<SeedFiles> {
        match dir {
            None => Ok(SeedFiles {
                origin: "the seed built into tipx".into(),
                files: EMBEDDED
                    .iter()
                    .map(|(n, t)| (n.to_string(), t.to_string()))
                    .collect(),
            }),
            Some(dir) => {
                let mut files = Vec::new();
                for name in SEED_FILES {
                    let path = dir.join(name);
                    if path.exists() {
                        let text = std::fs::read_to_string(&path)
                            .with_context(|| format!("reading {}", path.display()))?;
                        files.push((name.to_owned(), text));
                    }
                }
                Ok(SeedFiles {
                    origin: dir.display().to_string(),
                    files,
                })
            }
        }
    }

    /// A digest of every file's name and contents.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        for (name, text) in &self.files {
            hash.update(name.as_bytes());
            hash.update([0]);
            hash.update(text.as_bytes());
            hash.update([0]);
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses and validates; every issue found is returned.
    pub fn parse(&self) -> Result<SeedData, Vec<SeedIssue>> {
        parse_seed(&self.files)
    }
}

/// The outcome of [`import_if_changed`].
pub enum SeedOutcome {
    Unchanged,
    Imported(ImportOutcome),
}

/// Imports the seed unless this exact seed was the last one imported.
pub async fn import_if_changed(
    store: &dyn Store,
    files: &SeedFiles,
    force: bool,
) -> anyhow::Result<SeedOutcome> {
    let fingerprint = files.fingerprint();
    // One import at a time across every node on this store: the others wait, then find the
    // seed imported.
    let _lock = store.lock("seed").await?;
    if !force && store.get_meta(FINGERPRINT_KEY).await?.as_deref() == Some(fingerprint.as_str()) {
        return Ok(SeedOutcome::Unchanged);
    }
    let seed = files.parse().map_err(|issues| {
        anyhow::anyhow!(
            "the seed in {} has {} problem(s):\n{}",
            files.origin,
            issues.len(),
            issues
                .iter()
                .map(|i| format!("  {i}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    tracing::info!(
        records = seed.records.len(),
        from = %files.origin,
        "importing the seed (one transaction: all of it or none)"
    );
    let outcome = import_seed(
        store,
        &Actor::system("seed"),
        &seed,
        &files.origin,
        chrono::Utc::now(),
    )
    .await?;
    store.set_meta(FINGERPRINT_KEY, &fingerprint).await?;
    Ok(SeedOutcome::Imported(outcome))
}

/// Records this seed as imported, so that the next start does not import its records (after
/// `tipx import` has loaded an export with the seed's reference data).
pub async fn mark_imported(store: &dyn Store, files: &SeedFiles) -> anyhow::Result<()> {
    store
        .set_meta(FINGERPRINT_KEY, &files.fingerprint())
        .await?;
    Ok(())
}
