//! `tipx gen`: a synthetic seed folder that passes the seed check, is marked synthetic
//! everywhere, follows the real seed's mix of kinds, and is the same for the same seed.

use tipx_api::seed::SeedFiles;
use tipx_api::synthetic::write_folder;
use tipx_schema::vocab::RecordKind;

#[test]
fn a_generated_folder_passes_the_check_is_marked_synthetic_and_is_reproducible() {
    let base = SeedFiles::load(None).unwrap();
    let real = base.parse().unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let n = 2_000;
    let done = write_folder(&base, n, 42, a.path()).unwrap();
    assert_eq!((done.real, done.synthetic), (real.records.len(), n));

    let generated = SeedFiles::load(Some(a.path())).unwrap();
    let seed = generated.parse().unwrap_or_else(|issues| {
        panic!(
            "{}",
            issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(seed.records.len(), real.records.len() + n);
    let synthetic: Vec<_> = seed
        .records
        .iter()
        .filter(|r| r.id().as_str().get(2..5) == Some("SYN"))
        .collect();
    assert_eq!(synthetic.len(), n);
    for r in &synthetic {
        assert!(r.title().ends_with("[synthetic]"), "{}", r.id());
        assert!(r
            .sources()
            .iter()
            .all(|s| s.url.starts_with("https://example.org/synthetic/")));
    }
    // Kinds in about the real proportions.
    for kind in [RecordKind::Law, RecordKind::Practice, RecordKind::Case] {
        let share = |records: &mut dyn Iterator<Item = &tipx_schema::model::Record>,
                     total: usize| {
            records.filter(|r| r.kind() == kind).count() as f64 / total as f64
        };
        let real_share = share(&mut real.records.iter(), real.records.len());
        let synthetic_share = share(&mut synthetic.iter().copied(), n);
        assert!(
            (real_share - synthetic_share).abs() < 0.05,
            "{kind:?}: {real_share} vs {synthetic_share}"
        );
    }
    // The reference files are the real ones, unchanged.
    for name in ["countries.json", "ratifications.json"] {
        let file = |files: &SeedFiles| {
            files
                .files
                .iter()
                .find(|(n, _)| n == name)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(file(&generated), file(&base), "{name}");
    }
    // Same seed, same folder; another seed, another corpus.
    write_folder(&base, n, 42, b.path()).unwrap();
    let laws = |dir: &std::path::Path| std::fs::read(dir.join("laws.json")).unwrap();
    assert_eq!(laws(a.path()), laws(b.path()));
    write_folder(&base, n, 43, b.path()).unwrap();
    assert_ne!(laws(a.path()), laws(b.path()));
}
