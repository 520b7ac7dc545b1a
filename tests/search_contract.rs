//! One contract for every search backend: each behaviour is a generic async fn, run against
//! the embedded index always and against a real Meilisearch server when `MEILI_URL` is set
//! (`MEILI_KEY` for its key). Each Meilisearch test works on its own index and deletes it.
//!
//! Expected answers come from brute force over the seed corpus (`SearchFilter::matches`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tipx_api::search::{EmbeddedSearch, MeiliSearch};
use tipx_schema::search::*;

use crate::helpers::seed;

/// The seed's records as search documents.
pub fn corpus() -> Vec<SearchDoc> {
    let seed = seed();
    seed.records
        .iter()
        .map(|r| SearchDoc::from_record(r, &seed.countries))
        .collect()
}

pub async fn embedded() -> (EmbeddedSearch, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (EmbeddedSearch::open(dir.path()).unwrap(), dir)
}

/// A Meilisearch backend on a fresh index, or `None` (said plainly) when no server is set.
pub async fn meili(test: &str) -> Option<MeiliSearch> {
    let Ok(url) = std::env::var("MEILI_URL") else {
        eprintln!("NOTE: the Meilisearch half of the search contract did not run ({test}): MEILI_URL is not set");
        return None;
    };
    let key = std::env::var("MEILI_KEY").ok();
    let uid = format!(
        "tipx-test-{test}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000_000
    );
    let backend = MeiliSearch::connect(
        &url,
        key.as_deref(),
        &uid,
        std::time::Duration::from_secs(60),
    )
    .await
    .expect("Meilisearch client");
    assert!(
        backend.status().await.available,
        "MEILI_URL={url} is set but Meilisearch does not answer"
    );
    Some(backend)
}

async fn loaded(backend: &dyn SearchBackend) -> Vec<SearchDoc> {
    let docs = corpus();
    backend.upsert(&docs).await.expect("upsert");
    docs
}

fn request(
    query: &str,
    filter: SearchFilter,
    sort: SearchSort,
    offset: usize,
    limit: usize,
) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        filter,
        sort,
        offset,
        limit,
        facets: FacetField::ALL.to_vec(),
    }
}

async fn all_ids(
    backend: &dyn SearchBackend,
    query: &str,
    filter: &SearchFilter,
    sort: SearchSort,
) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let r = backend
            .search(&request(query, filter.clone(), sort, ids.len(), 100))
            .await
            .expect("search");
        let n = r.hits.len();
        ids.extend(r.hits.into_iter().map(|h| h.id.to_string()));
        if n == 0 || ids.len() as u64 >= r.total_hits {
            assert_eq!(ids.len() as u64, r.total_hits, "paging reaches totalHits");
            return ids;
        }
    }
}

fn words(doc: &SearchDoc) -> Vec<String> {
    normalise(&format!("{} {} {}", doc.title, doc.summary, doc.body))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A word of 6 to 8 letters found in exactly one document's title and in no other document.
fn unique_title_word(docs: &[SearchDoc]) -> (String, String) {
    let mut owners: HashMap<String, BTreeSet<String>> = HashMap::new();
    for d in docs {
        for w in words(d) {
            owners.entry(w).or_default().insert(d.id.clone());
        }
    }
    let mut candidates: Vec<(String, String)> = docs
        .iter()
        .flat_map(|d| {
            normalise(&d.title)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| (6..=8).contains(&w.len()) && w.chars().all(|c| c.is_ascii_lowercase()))
                .map(|w| (w.to_owned(), d.id.clone()))
                .collect::<Vec<_>>()
        })
        .filter(|(w, _)| owners.get(w).is_some_and(|o| o.len() == 1))
        // No other document may hold a word within two edits, so typo tests stay unambiguous.
        .filter(|(w, _)| !owners.keys().any(|o| o != w && close(o, w)))
        .collect();
    candidates.sort();
    candidates
        .into_iter()
        .next()
        .expect("the corpus has a distinctive title word")
}

fn close(a: &str, b: &str) -> bool {
    a.len().abs_diff(b.len()) <= 2 && {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                cur[j] = (prev[j] + 1)
                    .min(cur[j - 1] + 1)
                    .min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
            }
            prev = cur;
        }
        prev[b.len()] <= 2
    }
}

fn most_common(docs: &[SearchDoc], field: FacetField) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in docs {
        for v in field.of_doc(d) {
            *counts.entry(v.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(v, n)| (*n, std::cmp::Reverse(*v)))
        .map(|(v, _)| v.to_owned())
}

fn brute_force(docs: &[SearchDoc], filter: &SearchFilter) -> BTreeSet<String> {
    docs.iter()
        .filter(|d| filter.matches(d))
        .map(|d| d.id.clone())
        .collect()
}

// ---- the contract ----------------------------------------------------------------------

pub async fn a_distinctive_word_finds_its_record_first(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let (word, id) = unique_title_word(&docs);
    let r = b
        .search(&request(
            &word,
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            10,
        ))
        .await
        .unwrap();
    assert_eq!(
        r.hits.first().map(|h| h.id.to_string()),
        Some(id),
        "query {word:?}"
    );
    let upper = b
        .search(&request(
            &word.to_uppercase(),
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            10,
        ))
        .await
        .unwrap();
    assert_eq!(
        upper.hits.first().map(|h| h.id.to_string()),
        r.hits.first().map(|h| h.id.to_string()),
        "case-insensitive"
    );
}

pub async fn a_word_with_one_typo_still_finds_its_record(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let (word, id) = unique_title_word(&docs);
    // Replace the middle letter: one edit.
    let mut chars: Vec<char> = word.chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'x' { 'q' } else { 'x' };
    let typo: String = chars.into_iter().collect();
    let r = b
        .search(&request(
            &typo,
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            10,
        ))
        .await
        .unwrap();
    assert!(
        r.hits.iter().take(3).any(|h| h.id.as_str() == id),
        "{typo:?} (for {word:?}) should find {id}: {r:?}"
    );
}

pub async fn the_last_word_matches_as_a_prefix(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let (word, id) = unique_title_word(&docs);
    let prefix = &word[..5];
    let r = b
        .search(&request(
            prefix,
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            100,
        ))
        .await
        .unwrap();
    assert!(
        r.hits.iter().any(|h| h.id.as_str() == id),
        "prefix {prefix:?} should find {id}"
    );
}

pub async fn highlights_wrap_matched_words_in_em_and_escape_the_rest(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let (word, _) = unique_title_word(&docs);
    let r = b
        .search(&request(
            &word,
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            1,
        ))
        .await
        .unwrap();
    let title = &r.hits[0].highlight.title;
    let lower = title.to_lowercase();
    assert!(lower.contains(&format!("<em>{word}</em>")), "{title}");
    assert!(
        !title.replace("<em>", "").replace("</em>", "").contains('<'),
        "the rest is escaped: {title}"
    );
}

pub async fn every_filter_field_returns_exactly_the_matching_records(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    for field in FacetField::ALL {
        let Some(value) = most_common(&docs, field) else {
            continue;
        };
        let filter = SearchFilter {
            facets: vec![(field, vec![value.clone()])],
            ..SearchFilter::default()
        };
        let got: BTreeSet<String> = all_ids(b, "", &filter, SearchSort::Relevance)
            .await
            .into_iter()
            .collect();
        assert_eq!(got, brute_force(&docs, &filter), "{field:?} = {value}");
    }
    let years = SearchFilter {
        year_from: Some(2010),
        year_to: Some(2015),
        ..SearchFilter::default()
    };
    let got: BTreeSet<String> = all_ids(b, "", &years, SearchSort::Relevance)
        .await
        .into_iter()
        .collect();
    assert_eq!(got, brute_force(&docs, &years), "years 2010-2015");
    let combined = SearchFilter {
        facets: vec![
            (FacetField::Kind, vec!["PRACTICE".into(), "CASE".into()]),
            (FacetField::Regions, vec!["142".into(), "002".into()]),
        ],
        year_from: Some(2005),
        year_to: None,
    };
    let got: BTreeSet<String> = all_ids(b, "", &combined, SearchSort::Relevance)
        .await
        .into_iter()
        .collect();
    assert_eq!(got, brute_force(&docs, &combined), "combined filter");
}

pub async fn facet_counts_are_disjunctive_and_match_a_brute_force_count(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let country = most_common(&docs, FacetField::Countries).unwrap();
    let filter = SearchFilter {
        facets: vec![
            (FacetField::Countries, vec![country.clone()]),
            (FacetField::Kind, vec!["LAW".into(), "CASE".into()]),
        ],
        ..SearchFilter::default()
    };
    let r = b
        .search(&request("", filter.clone(), SearchSort::Relevance, 0, 5))
        .await
        .unwrap();
    assert_eq!(r.total_hits as usize, brute_force(&docs, &filter).len());
    for (field, values) in &r.facets {
        let without = filter.without(*field);
        let mut expected: BTreeMap<String, u64> = BTreeMap::new();
        for d in docs.iter().filter(|d| without.matches(d)) {
            let mut seen = BTreeSet::new();
            for v in field.of_doc(d) {
                if seen.insert(v) {
                    *expected.entry(v.clone()).or_default() += 1;
                }
            }
        }
        let got: BTreeMap<String, u64> = values.iter().cloned().collect();
        assert_eq!(got, expected, "facet {field:?}");
    }
    // Choosing one country still shows the others' counts.
    let countries = &r
        .facets
        .iter()
        .find(|(f, _)| *f == FacetField::Countries)
        .unwrap()
        .1;
    assert!(
        countries.len() > 1,
        "other countries keep their counts: {countries:?}"
    );
}

pub async fn sorted_pages_are_stable_and_in_the_promised_order(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let filter = SearchFilter::default();
    let mut newest: Vec<&SearchDoc> = docs.iter().collect();
    newest.sort_by(|a, b| match (a.year_start, b.year_start) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    let expected: Vec<String> = newest.iter().map(|d| d.id.clone()).collect();
    assert_eq!(
        all_ids(b, "", &filter, SearchSort::Newest).await,
        expected,
        "newest first, then id"
    );
    let mut by_title: Vec<&SearchDoc> = docs.iter().collect();
    by_title.sort_by(|a, b| {
        a.title_sort
            .cmp(&b.title_sort)
            .then_with(|| a.id.cmp(&b.id))
    });
    let expected: Vec<String> = by_title.iter().map(|d| d.id.clone()).collect();
    assert_eq!(
        all_ids(b, "", &filter, SearchSort::Title).await,
        expected,
        "by title"
    );

    // Pages of 7 concatenate to the same list as one long page, with no gaps or repeats.
    let one = b
        .search(&request(
            "trafficking",
            filter.clone(),
            SearchSort::Relevance,
            0,
            100,
        ))
        .await
        .unwrap();
    let mut paged = Vec::new();
    for offset in (0..one.total_hits.min(100) as usize).step_by(7) {
        let page = b
            .search(&request(
                "trafficking",
                filter.clone(),
                SearchSort::Relevance,
                offset,
                7,
            ))
            .await
            .unwrap();
        paged.extend(page.hits.into_iter().map(|h| h.id));
    }
    let single: Vec<_> = one.hits.into_iter().map(|h| h.id).collect();
    paged.truncate(single.len());
    assert_eq!(paged, single);
}

pub async fn hostile_filter_values_match_nothing_and_break_nothing(b: &dyn SearchBackend) {
    loaded(b).await;
    for hostile in [r#"NG" OR kind = "LAW"#, r#"NG\"#, "NG' OR 1=1 --", "*"] {
        let filter = SearchFilter {
            facets: vec![(FacetField::Countries, vec![hostile.to_owned()])],
            ..SearchFilter::default()
        };
        let r = b
            .search(&request("", filter, SearchSort::Relevance, 0, 10))
            .await
            .expect("no engine error");
        assert_eq!(r.total_hits, 0, "{hostile:?}");
    }
}

pub async fn deleted_and_replaced_documents_are_reflected_at_once(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let (word, id) = unique_title_word(&docs);
    b.delete(std::slice::from_ref(&id)).await.unwrap();
    let r = b
        .search(&request(
            &word,
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            10,
        ))
        .await
        .unwrap();
    assert!(
        r.hits.iter().all(|h| h.id.as_str() != id),
        "deleted {id} is gone"
    );
    let mut changed = docs.iter().find(|d| d.id == id).unwrap().clone();
    changed.title = "Zyxwvutsr renamed record".into();
    b.upsert(&[changed]).await.unwrap();
    let r = b
        .search(&request(
            "zyxwvutsr",
            SearchFilter::default(),
            SearchSort::Relevance,
            0,
            10,
        ))
        .await
        .unwrap();
    assert_eq!(r.hits.first().map(|h| h.id.to_string()), Some(id));
}

pub async fn a_rebuild_replaces_the_whole_index(b: &dyn SearchBackend) {
    let docs = loaded(b).await;
    let keep: Vec<SearchDoc> = docs
        .iter()
        .filter(|d| d.kind == "PRACTICE")
        .cloned()
        .collect();
    let sent = std::sync::atomic::AtomicU64::new(0);
    b.rebuild(keep.clone(), &|n| {
        sent.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    })
    .await
    .unwrap();
    assert_eq!(
        sent.into_inner(),
        keep.len() as u64,
        "progress covers every document"
    );
    let got: BTreeSet<String> = all_ids(b, "", &SearchFilter::default(), SearchSort::Relevance)
        .await
        .into_iter()
        .collect();
    assert_eq!(got, keep.iter().map(|d| d.id.clone()).collect());
    assert_eq!(b.status().await.documents, Some(keep.len() as u64));
}

/// A record in `language` with these texts, otherwise like the corpus's first.
fn written_in(id: &str, language: &str, title: &str, summary: &str) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        language: language.into(),
        title: title.into(),
        summary: summary.into(),
        body: String::new(),
        title_sort: normalise(title),
        ..corpus().remove(0)
    }
}

/// A record in Chinese, with the words it must be found by.
fn chinese() -> (SearchDoc, &'static str, Vec<&'static str>) {
    let doc = written_in;
    (
        doc(
            "PRZH1",
            "zh",
            "灯塔看守人的社区宣传",
            "灯塔看守人在边境地区开展宣传活动，打击人口贩运，保护妇女和儿童。",
        ),
        "zh",
        vec!["人口贩运", "妇女", "灯塔"],
    )
}

/// One record in each of the UN languages written with spaces between words, each with words
/// no other record has.
fn five_languages() -> Vec<(SearchDoc, &'static str, Vec<&'static str>)> {
    let doc = written_in;
    vec![
        (
            doc("PRAR1", "ar", "حراس المنارات يحمون الأطفال", "حراس المنارات يحمون الأطفال من الاتجار بالأشخاص في المناطق الحدودية."),
            "ar",
            // Plain alef for the hamza alef of the text, and a taa marbuta written as heh.
            vec!["حراس المنارات", "الاطفال", "الحدوديه"],
        ),
        (
            doc("PRFR1", "fr", "Les gardiens de phare bénévoles", "Des gardiens de phare bénévoles repèrent les êtres humains exploités le long des côtes."),
            "fr",
            vec!["gardiens phare", "benevoles", "reperent"],
        ),
        (
            doc("PRES1", "es", "Pescadoras artesanales contra la trata", "Las pescadoras artesanales protegen a niñas y adolescentes de la trata en la costa."),
            "es",
            vec!["pescadoras", "ninas adolescentes"],
        ),
        (
            doc("PRRU1", "ru", "Смотрители маяков против торговли людьми", "Смотрители маяков защищают детей от торговли людьми на побережье."),
            "ru",
            vec!["смотрители маяков", "Побережье"],
        ),
        (
            doc("PREN1", "en", "Lighthouse keepers against trafficking", "Volunteer lighthouse keepers spot exploited fishers along the coast."),
            "en",
            vec!["lighthouse keepers", "lighthouse"],
        ),
    ]
}

/// Each record is found first by its own words, and by its language as a filter.
async fn found_by_their_own_words(
    b: &dyn SearchBackend,
    docs: Vec<(SearchDoc, &'static str, Vec<&'static str>)>,
) {
    let corpus = loaded(b).await;
    // The test's own premise: no seed record has a query's words (checked for the languages
    // with spaces between words), so a failure here means the seed grew, not the search broke.
    for (_, language, queries) in &docs {
        if *language == "zh" {
            continue;
        }
        for query in queries {
            let wanted: Vec<String> = normalise(query).split(' ').map(str::to_owned).collect();
            if let Some(clash) = corpus.iter().find(|d| {
                let w = words(d);
                wanted
                    .iter()
                    .all(|q| w.iter().any(|x| x.starts_with(q.as_str())))
            }) {
                panic!(
                    "{language}: seed record {} also has {query:?}: pick rarer test words",
                    clash.id
                );
            }
        }
    }
    b.upsert(&docs.iter().map(|(d, _, _)| d.clone()).collect::<Vec<_>>())
        .await
        .expect("upsert");
    for (doc, language, queries) in &docs {
        for query in queries {
            let r = b
                .search(&request(
                    query,
                    SearchFilter::default(),
                    SearchSort::Relevance,
                    0,
                    10,
                ))
                .await
                .expect("search");
            assert_eq!(
                r.hits.first().map(|h| h.id.to_string()).as_deref(),
                Some(doc.id.as_str()),
                "{language}: {query:?} should find {} first",
                doc.id
            );
        }
        // The record's language is a facet and a filter.
        let filter = SearchFilter {
            facets: vec![(FacetField::Language, vec![language.to_string()])],
            ..SearchFilter::default()
        };
        let ids = all_ids(b, queries[0], &filter, SearchSort::Relevance).await;
        assert_eq!(ids, std::slice::from_ref(&doc.id), "{language} filter");
    }
}

/// Arabic (normalised alef, yeh and taa marbuta), French and Spanish (accents folded), Russian
/// and English: each record is found by its words.
async fn each_un_language_is_found_by_its_own_words(b: &dyn SearchBackend) {
    found_by_their_own_words(b, five_languages()).await;
}

/// Chinese is cut into words (jieba on both backends: charabia's and ours), so a word inside a
/// sentence finds its record.
async fn chinese_is_found_by_its_words(b: &dyn SearchBackend) {
    found_by_their_own_words(b, vec![chinese()]).await;
}

/// Records in a made-up language (so a language filter isolates them), each naming one concept.
fn concepts() -> Vec<(&'static str, SearchDoc)> {
    let doc = |id: &str, title: &str, summary: &str| written_in(id, "x-concepts", title, summary);
    vec![
        (
            "forced labour",
            doc(
                "CXFL",
                "Brick kiln inspections",
                "Inspectors freed brick kiln workers held in forced labour.",
            ),
        ),
        (
            "forced labor",
            doc(
                "CXFLUS",
                "Farm inspections",
                "Inspectors found farm workers held in forced labor.",
            ),
        ),
        (
            "human trafficking",
            doc(
                "CXHT",
                "Border screening",
                "Border officers screen travellers for human trafficking.",
            ),
        ),
        (
            "trafficking in persons",
            doc(
                "CXTIP",
                "A statute on exploitation",
                "The statute defines trafficking in persons and sets penalties.",
            ),
        ),
        (
            "forced marriage",
            doc(
                "CXFM",
                "Community mediation",
                "Mediators prevent forced marriage of girls.",
            ),
        ),
        (
            "debt bondage",
            doc(
                "CXDB",
                "Loan relief",
                "A relief fund ends debt bondage in quarries.",
            ),
        ),
    ]
}

/// The ids a query finds among the concept records.
async fn concept_hits(b: &dyn SearchBackend, query: &str) -> BTreeSet<String> {
    let filter = SearchFilter {
        facets: vec![(FacetField::Language, vec!["x-concepts".to_string()])],
        ..SearchFilter::default()
    };
    all_ids(b, query, &filter, SearchSort::Relevance)
        .await
        .into_iter()
        .collect()
}

/// Broader terms find narrower ones, one way only: "modern slavery" finds forced labour,
/// trafficking, forced marriage and debt bondage records, but "forced labour" does not find a
/// trafficking record, nor "human trafficking" a forced-labour one (distinct legal concepts:
/// ILO C029 and the Palermo Protocol). Spellings and equivalent names still match each other.
async fn broader_terms_find_narrower_ones_but_not_the_reverse(b: &dyn SearchBackend) {
    let concepts = concepts();
    b.upsert(&concepts.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>())
        .await
        .expect("upsert");
    let ids = |names: &[&str]| -> BTreeSet<String> {
        concepts
            .iter()
            .filter(|(c, _)| names.contains(c))
            .map(|(_, d)| d.id.clone())
            .collect()
    };
    let all: Vec<&str> = concepts.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        concept_hits(b, "modern slavery").await,
        ids(&all),
        "modern slavery"
    );

    let labour = concept_hits(b, "forced labour").await;
    assert!(
        labour.is_superset(&ids(&["forced labour", "forced labor"])),
        "forced labour: {labour:?}"
    );
    assert!(
        labour.is_disjoint(&ids(&[
            "human trafficking",
            "trafficking in persons",
            "debt bondage"
        ])),
        "forced labour: {labour:?}"
    );

    let trafficking = concept_hits(b, "human trafficking").await;
    assert_eq!(
        trafficking,
        ids(&["human trafficking", "trafficking in persons"]),
        "human trafficking"
    );
    assert_eq!(
        concept_hits(b, "trafficking in persons").await,
        ids(&["human trafficking", "trafficking in persons"]),
        "trafficking in persons"
    );
    for narrower in [
        "forced labour",
        "human trafficking",
        "forced marriage",
        "debt bondage",
    ] {
        let found = concept_hits(b, narrower).await;
        assert!(!found.is_empty(), "{narrower} finds its own records");
    }
    // Narrower terms never reach a record that only says "modern slavery".
    b.upsert(&[written_in(
        "CXMS",
        "x-concepts",
        "Survey",
        "A survey of modern slavery in ports.",
    )])
    .await
    .expect("upsert");
    for narrower in [
        "forced labour",
        "human trafficking",
        "forced marriage",
        "debt bondage",
    ] {
        assert!(
            !concept_hits(b, narrower).await.contains("CXMS"),
            "{narrower} finds the modern slavery record"
        );
    }
}

macro_rules! contract {
    ($($name:ident),+ $(,)?) => {
        mod embedded_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let (backend, _dir) = super::embedded().await;
                    super::$name(&backend).await;
                }
            )+
        }
        mod meilisearch_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(backend) = super::meili(stringify!($name)).await else { return };
                    super::$name(&backend).await;
                    backend.delete_index().await.expect("test index deleted");
                }
            )+
        }
    };
}

contract!(
    a_distinctive_word_finds_its_record_first,
    a_word_with_one_typo_still_finds_its_record,
    the_last_word_matches_as_a_prefix,
    highlights_wrap_matched_words_in_em_and_escape_the_rest,
    every_filter_field_returns_exactly_the_matching_records,
    facet_counts_are_disjunctive_and_match_a_brute_force_count,
    sorted_pages_are_stable_and_in_the_promised_order,
    hostile_filter_values_match_nothing_and_break_nothing,
    deleted_and_replaced_documents_are_reflected_at_once,
    a_rebuild_replaces_the_whole_index,
    each_un_language_is_found_by_its_own_words,
    chinese_is_found_by_its_words,
    broader_terms_find_narrower_ones_but_not_the_reverse,
);
