//! Search latency of the embedded backend, on the seed corpus and on the seed replicated to
//! about 22,000 documents. Run: `cargo bench -p tipx-api --bench search`.

use criterion::{criterion_group, criterion_main, Criterion};

use tipx_api::search::EmbeddedSearch;
use tipx_schema::search::*;

fn corpus(copies: usize) -> Vec<SearchDoc> {
    let files: Vec<(String, String)> = tipx_schema::seed::SEED_FILES
        .iter()
        .map(|name| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../seed")
                .join(name);
            (
                name.to_string(),
                std::fs::read_to_string(path).expect("seed file"),
            )
        })
        .collect();
    let seed = tipx_schema::seed::parse_seed(&files).expect("valid seed");
    let base: Vec<SearchDoc> = seed
        .records
        .iter()
        .map(|r| SearchDoc::from_record(r, &seed.countries))
        .collect();
    (0..copies)
        .flat_map(|i| {
            base.iter().map(move |d| SearchDoc {
                id: if i == 0 {
                    d.id.clone()
                } else {
                    format!("{}-{i}", d.id)
                },
                ..d.clone()
            })
        })
        .collect()
}

fn request(query: &str, filter: SearchFilter) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        filter,
        sort: SearchSort::Relevance,
        offset: 0,
        limit: 20,
        facets: FacetField::ALL.to_vec(),
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for copies in [1, 100] {
        let dir = tempfile::tempdir().unwrap();
        let backend = EmbeddedSearch::open(dir.path()).unwrap();
        let docs = corpus(copies);
        let n = docs.len();
        rt.block_on(backend.rebuild(docs, &|_| {})).unwrap();
        let asia = SearchFilter {
            facets: vec![(FacetField::Regions, vec!["142".into()])],
            year_from: Some(2000),
            year_to: None,
        };
        let cases = [
            ("text+filter+facets", request("forced labour fishing", asia)),
            (
                "typo",
                request("traficking victms", SearchFilter::default()),
            ),
            (
                "empty query, facets only",
                request("", SearchFilter::default()),
            ),
        ];
        for (name, req) in cases {
            c.bench_function(&format!("embedded/{n} docs/{name}"), |b| {
                b.iter(|| rt.block_on(backend.search(&req)).unwrap())
            });
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
