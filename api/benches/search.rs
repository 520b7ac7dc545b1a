//! The embedded search engine alone, in process: the same three searches that
//! `scripts/bench-scale.py` sends over HTTP and GraphQL, on the real seed plus synthetic
//! records from `tipx gen`'s generator (seed 42), so the two can be set side by side
//! (`bash scripts/bench.sh` does, in docs/benchmarks.md).
//!
//!   cargo bench -p tipx-api --bench search                      # 100,000 synthetic records
//!   BENCH_SIZES=10000,100000 cargo bench -p tipx-api --bench search

use criterion::{criterion_group, criterion_main, Criterion};

use tipx_api::search::EmbeddedSearch;
use tipx_schema::search::*;

/// The real seed's records and `synthetic` generated ones, as search documents.
fn corpus(synthetic: usize) -> Vec<SearchDoc> {
    let seed = tipx_api::seed::SeedFiles::load(None)
        .expect("the built-in seed")
        .parse()
        .expect("a valid seed");
    let generated = tipx_api::synthetic::synthetic_records(&seed, synthetic, 42);
    seed.records
        .iter()
        .chain(&generated)
        .map(|r| SearchDoc::from_record(r, &seed.countries))
        .collect()
}

fn request(query: &str, facets: Vec<(FacetField, Vec<String>)>) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        filter: SearchFilter {
            facets,
            year_from: None,
            year_to: None,
        },
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
    let sizes = std::env::var("BENCH_SIZES").unwrap_or_else(|_| "100000".into());
    for size in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let dir = tempfile::tempdir().unwrap();
        let backend = EmbeddedSearch::open(dir.path()).unwrap();
        let docs = corpus(size);
        let n = docs.len();
        rt.block_on(backend.rebuild(docs, &|_| {})).unwrap();
        // The names and requests of scripts/bench-scale.py's SEARCHES.
        let cases = [
            (
                "search: words + 2 filters + all facets + highlights",
                request(
                    "forced labour",
                    vec![
                        (FacetField::Regions, vec!["142".into()]),
                        (FacetField::Forms, vec!["FORCED_LABOUR".into()]),
                    ],
                ),
            ),
            ("search: a typo", request("traficking victms", vec![])),
            ("search: empty query, all facets", request("", vec![])),
        ];
        let mut group = c.benchmark_group(format!("engine {n} records"));
        for (name, req) in cases {
            group.bench_function(name, |b| {
                b.iter(|| rt.block_on(backend.search(&req)).unwrap())
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
