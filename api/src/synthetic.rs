//! `tipx gen --records N --seed S --out DIR`: a synthetic seed folder for capacity planning,
//! benchmarks and the search backends' differential test.
//!
//! The folder holds the real reference data (regions, countries, instruments, treaty status)
//! and the real records, plus `N` synthetic records whose distributions follow the real ones:
//! each synthetic record takes its kind in the real proportions, and each of its fields (countries,
//! forms, sectors, target groups, years, organisation, court, ...) from a randomly drawn real
//! record of that kind, so the joint spread of values is the real seed's. Titles and summaries
//! are drawn word by word from the real texts of that kind, with the real texts' lengths.
//!
//! Synthetic records are marked everywhere: ids `LWSYN…`, `PRSYN…`, `CASYN…`, titles end with
//! "[synthetic]", and their one source is `https://example.org/synthetic/…`. They are never
//! mixed into `seed/`. The same `(records, seed)` always gives the same folder.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

use tipx_schema::ids::RecordId;
use tipx_schema::model::{Case, Evidence, Law, Outcome, Practice, Record, RecordMeta, Source};
use tipx_schema::store::SeedData;
use tipx_schema::vocab::{RecordKind, SourceKind};

use crate::seed::SeedFiles;

/// A small deterministic generator (SplitMix64): the same seed gives the same corpus on every
/// platform, with no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The real records of one kind, and the words and text lengths of their titles and summaries.
struct Pool<'a> {
    records: Vec<&'a Record>,
    title_words: Vec<&'a str>,
    summary_words: Vec<&'a str>,
    title_lengths: Vec<usize>,
    summary_lengths: Vec<usize>,
}

impl<'a> Pool<'a> {
    fn new(seed: &'a SeedData, kind: RecordKind) -> Pool<'a> {
        let records: Vec<&Record> = seed.records.iter().filter(|r| r.kind() == kind).collect();
        let words = |text: &'a str| {
            text.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
        };
        Pool {
            title_words: records.iter().flat_map(|r| words(r.title())).collect(),
            summary_words: records.iter().flat_map(|r| words(r.summary())).collect(),
            title_lengths: records
                .iter()
                .map(|r| words(r.title()).count().max(2))
                .collect(),
            summary_lengths: records
                .iter()
                .map(|r| words(r.summary()).count().max(5))
                .collect(),
            records,
        }
    }

    fn record(&self, rng: &mut Rng) -> &'a Record {
        self.records[rng.below(self.records.len())]
    }

    /// Words drawn from `words` (so by their real frequency), as many as a random real text
    /// has. Two words with digits never follow each other: "2014 228" would read as a phone
    /// number to the contact-details rule.
    fn text(&self, rng: &mut Rng, words: &[&str], lengths: &[usize], max_chars: usize) -> String {
        let n = *rng.pick(lengths);
        let digits = |w: &str| w.chars().any(|c| c.is_ascii_digit());
        let mut out: Vec<&str> = Vec::with_capacity(n);
        let mut chars = 0;
        while out.len() < n {
            let w = *rng.pick(words);
            let clash = out
                .last()
                .is_some_and(|prev| *prev == w || (digits(prev) && digits(w)));
            if clash {
                continue;
            }
            if chars + w.len() + 1 > max_chars {
                break;
            }
            chars += w.len() + 1;
            out.push(w);
        }
        out.join(" ")
    }
}

/// `count` synthetic records following `seed`'s records, reproducible from `rng_seed`.
pub fn synthetic_records(seed: &SeedData, count: usize, rng_seed: u64) -> Vec<Record> {
    let mut rng = Rng::new(rng_seed);
    let kinds = [RecordKind::Law, RecordKind::Practice, RecordKind::Case];
    let pools: HashMap<RecordKind, Pool<'_>> = kinds
        .iter()
        .map(|k| (*k, Pool::new(seed, *k)))
        .filter(|(_, p)| !p.records.is_empty())
        .collect();
    if pools.is_empty() {
        return Vec::new();
    }
    let mut numbers: HashMap<RecordKind, usize> = HashMap::new();
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        // A kind in the real proportions: the kind of a random real record.
        let kind = seed.records[rng.below(seed.records.len())].kind();
        let Some(pool) = pools.get(&kind) else {
            continue;
        };
        let n = numbers.entry(kind).or_default();
        *n += 1;
        let prefix = match kind {
            RecordKind::Law => "LW",
            RecordKind::Practice => "PR",
            RecordKind::Case => "CA",
        };
        let id = RecordId::parse(&format!("{prefix}SYN{n:07}")).expect("a valid id");
        let title = {
            let mut t = pool.text(&mut rng, &pool.title_words, &pool.title_lengths, 250);
            if let Some(first) = t.get(..1) {
                t = first.to_uppercase() + &t[1..];
            }
            // The id keeps titles unique, as the seed check requires.
            format!("{t} · {id} [synthetic]")
        };
        let summary = pool.text(&mut rng, &pool.summary_words, &pool.summary_lengths, 2_000);
        let sources = vec![Source {
            url: format!("https://example.org/synthetic/{id}"),
            title: Some("Synthetic record (tipx gen): not a source of facts".into()),
            accessed: None,
            kind: Some(SourceKind::Secondary),
        }];
        let meta = RecordMeta::default();
        // Each field from a randomly drawn real record of the same kind.
        let record = match kind {
            RecordKind::Law => {
                let mut draw = || match pool.record(&mut rng) {
                    Record::Law(l) => l.clone(),
                    _ => unreachable!("a law pool"),
                };
                let (a, b, c, d) = (draw(), draw(), draw(), draw());
                Record::Law(Law {
                    id,
                    country: a.country,
                    title,
                    year_enacted: b.year_enacted,
                    amendment_years: b.amendment_years,
                    amendments_note: None,
                    instrument_type: c.instrument_type,
                    forms: c.forms,
                    provisions: d.provisions,
                    provisions_note: None,
                    target_groups: a.target_groups,
                    sdg_targets: c.sdg_targets,
                    summary,
                    language: "en".into(),
                    sources,
                    meta,
                })
            }
            RecordKind::Practice => {
                let mut draw = || match pool.record(&mut rng) {
                    Record::Practice(p) => p.clone(),
                    _ => unreachable!("a practice pool"),
                };
                let (a, b, c, d) = (draw(), draw(), draw(), draw());
                Record::Practice(Practice {
                    id,
                    title,
                    countries: a.countries,
                    global: a.global,
                    lead_organisation: b.lead_organisation,
                    organisation_type: b.organisation_type,
                    start_year: c.start_year,
                    end_year: c.end_year,
                    approach: None,
                    pillars: d.pillars,
                    sectors: c.sectors,
                    target_groups: a.target_groups,
                    target_groups_note: None,
                    forms: d.forms,
                    sdg_targets: d.sdg_targets,
                    // The grade's shape, without the real evaluation's words.
                    evidence: Evidence {
                        note: None,
                        ..b.evidence
                    },
                    summary,
                    language: "en".into(),
                    sources,
                    meta,
                })
            }
            RecordKind::Case => {
                let mut draw = || match pool.record(&mut rng) {
                    Record::Case(c) => c.clone(),
                    _ => unreachable!("a case pool"),
                };
                let (a, b, c, d) = (draw(), draw(), draw(), draw());
                Record::Case(Case {
                    id,
                    title,
                    countries: a.countries,
                    jurisdiction_note: a.jurisdiction_note,
                    court_or_agency: b.court_or_agency,
                    decision_year: c.decision_year,
                    case_type: b.case_type,
                    forms: d.forms,
                    sectors: c.sectors,
                    target_groups: d.target_groups,
                    sdg_targets: d.sdg_targets,
                    outcome: Outcome::default(),
                    laws_applied: Vec::new(),
                    summary,
                    language: "en".into(),
                    sources,
                    meta,
                })
            }
        };
        out.push(record);
    }
    out
}

/// What `tipx gen` wrote.
pub struct Generated {
    pub real: usize,
    pub synthetic: usize,
}

/// Writes a seed folder: `base`'s reference files as they are, its records plus `count`
/// synthetic ones, and a README saying what the folder is.
pub fn write_folder(
    base: &SeedFiles,
    count: usize,
    rng_seed: u64,
    out: &Path,
) -> anyhow::Result<Generated> {
    let seed = base.parse().map_err(|issues| {
        anyhow::anyhow!(
            "the base seed does not pass its check ({} problems)",
            issues.len()
        )
    })?;
    let synthetic = synthetic_records(&seed, count, rng_seed);
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (name, text) in &base.files {
        if !matches!(name.as_str(), "laws.json" | "practices.json" | "cases.json") {
            std::fs::write(out.join(name), text).with_context(|| format!("writing {name}"))?;
        }
    }
    for (name, kind) in [
        ("laws.json", RecordKind::Law),
        ("practices.json", RecordKind::Practice),
        ("cases.json", RecordKind::Case),
    ] {
        let path = out.join(name);
        let file =
            std::fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        w.write_all(b"[\n")?;
        let mut first = true;
        for record in seed
            .records
            .iter()
            .chain(&synthetic)
            .filter(|r| r.kind() == kind)
        {
            if !first {
                w.write_all(b",\n")?;
            }
            first = false;
            // Seed files carry the record's own fields only, without the kind tag or meta.
            let mut value = serde_json::to_value(record)?;
            if let Some(object) = value.as_object_mut() {
                object.remove("kind");
                object.remove("meta");
            }
            serde_json::to_writer(&mut w, &value)?;
        }
        w.write_all(b"\n]\n")?;
        w.flush()?;
    }
    std::fs::write(
        out.join("README.md"),
        format!(
            "# SYNTHETIC seed folder: not facts\n\n\
             Generated by `tipx gen --records {count} --seed {rng_seed}` for benchmarks and capacity planning.\n\n\
             - Reference data (regions, countries, instruments, treaty status) and the {} real records are \
             copied from {}.\n\
             - {} synthetic records (ids `LWSYN…`, `PRSYN…`, `CASYN…`, titles ending in \"[synthetic]\") \
             take each field from a random real record of their kind and their words from the real texts. \
             They describe nothing that happened; never publish them or mix them into `seed/`.\n\n\
             Load with `tipx serve --seed-dir {}` or check with `tipx seed --check --seed-dir {}`.\n",
            seed.records.len(),
            base.origin,
            synthetic.len(),
            out.display(),
            out.display(),
        ),
    )?;
    Ok(Generated {
        real: seed.records.len(),
        synthetic: synthetic.len(),
    })
}
