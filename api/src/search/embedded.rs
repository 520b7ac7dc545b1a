//! The embedded search backend: a tantivy index under `<data dir>/search`.
//!
//! tantivy finds the candidate documents (full text with typo, prefix and synonym expansion,
//! plus the year range); filters, disjunctive facet counts, ranking buckets and sorting are
//! then computed over the candidates' fast-field values. The corpus is small (thousands of
//! records, not millions), so one pass over the candidates is cheap and gives exact counts.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use async_trait::async_trait;
use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use tipx_schema::ids::RecordId;
use tipx_schema::search::*;

/// The analyzer's name; a new name (new words) makes older indexes a different layout, which is
/// rebuilt at start.
const TOKENIZER: &str = "tipx-words-2";
const WRITER_HEAP_BYTES: usize = 20_000_000;
/// A full rebuild writes through one writer with a larger buffer.
const BULK_HEAP_BYTES: usize = 200_000_000;
/// More segments than this after a batch and the smallest are merged.
const MAX_SEGMENTS: usize = 8;
/// Most index terms one prefix or typo expansion may add.
const MAX_EXPANSIONS: usize = 50;
const TEXT_FIELDS: [(&str, f32); 3] = [("title", 3.0), ("summary", 1.5), ("body", 1.0)];

/// Field handles of the index schema.
#[derive(Clone)]
struct Fields {
    id: Field,
    title: Field,
    summary: Field,
    body: Field,
    year_start: Field,
    year_end: Field,
    title_sort: Field,
    facets: Vec<(FacetField, Field)>,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let id = b.add_text_field("id", STRING | STORED | FAST);
    let title = b.add_text_field("title", text.clone() | STORED);
    let summary = b.add_text_field("summary", text.clone() | STORED);
    let body = b.add_text_field("body", text);
    let year_start = b.add_i64_field("year_start", INDEXED | FAST);
    let year_end = b.add_i64_field("year_end", INDEXED | FAST);
    let title_sort = b.add_text_field("title_sort", STRING | FAST);
    let facets = FacetField::ALL
        .iter()
        .map(|f| (*f, b.add_text_field(f.attribute(), STRING | FAST)))
        .collect();
    (
        b.build(),
        Fields {
            id,
            title,
            summary,
            body,
            year_start,
            year_end,
            title_sort,
            facets,
        },
    )
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(super::words::WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Internal(e.to_string())
}

/// One open index generation.
struct Generation {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Every indexed term of the text fields, for typo and prefix expansion; rebuilt when the
    /// searcher generation changes.
    vocabulary: Mutex<Option<(u64, Arc<Vec<String>>)>>,
    /// Parsed queries (typo and prefix expansions, split words) of the current searcher
    /// generation: the same words are searched again and again.
    parsed: Mutex<(u64, ParsedQueries)>,
    /// Per segment, its fast-field columns read once into plain arrays.
    columns: Mutex<HashMap<tantivy::index::SegmentId, Arc<SegmentColumns>>>,
}

/// What a search's pass over a segment's candidates reads for every document, taken out of
/// the fast-field columns once per segment: reading compressed columns document by document
/// was most of a search's time at 100,000 records. Facet values are numbered across fields
/// (a field's base plus the value's term ordinal), so counting them is one scan.
struct SegmentColumns {
    /// A document's facet values, field by field, without repeats:
    /// `values[starts[doc]..starts[doc + 1]]`.
    starts: Vec<u32>,
    values: Vec<u32>,
    /// Per facet field (in `FacetField::ALL` order) the number of its first value, and the
    /// number of values in all fields at the end.
    bases: Vec<u32>,
    /// The field of each value number.
    field_of: Vec<u8>,
    year_start: Vec<Option<i64>>,
    id_key: Vec<u64>,
    title_key: Vec<u64>,
}

impl SegmentColumns {
    fn read(reader: &tantivy::SegmentReader) -> Result<SegmentColumns, SearchError> {
        let ff = reader.fast_fields();
        let max_doc = reader.max_doc();
        let cols = FacetField::ALL
            .iter()
            .map(|f| ff.str(f.attribute()).map_err(err))
            .collect::<Result<Vec<_>, _>>()?;
        let mut bases = Vec::with_capacity(cols.len() + 1);
        let mut field_of = Vec::new();
        for (i, col) in cols.iter().enumerate() {
            bases.push(field_of.len() as u32);
            let n = col.as_ref().map_or(0, |c| c.num_terms());
            field_of.extend(std::iter::repeat_n(i as u8, n));
        }
        bases.push(field_of.len() as u32);
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut values = Vec::new();
        starts.push(0);
        for doc in 0..max_doc {
            for (i, col) in cols.iter().enumerate() {
                let Some(col) = col else { continue };
                let from = values.len();
                for ord in col.term_ords(doc) {
                    let value = bases[i] + ord as u32;
                    if !values[from..].contains(&value) {
                        values.push(value);
                    }
                }
            }
            starts.push(values.len() as u32);
        }
        let first_ords = |name: &str| -> Result<Vec<u64>, SearchError> {
            let col = ff.str(name).map_err(err)?;
            Ok((0..max_doc)
                .map(|doc| {
                    col.as_ref()
                        .and_then(|c| c.term_ords(doc).next())
                        .unwrap_or(0)
                })
                .collect())
        };
        let year = ff.i64("year_start").map_err(err)?;
        Ok(SegmentColumns {
            starts,
            values,
            bases,
            field_of,
            year_start: (0..max_doc).map(|doc| year.first(doc)).collect(),
            id_key: first_ords("id")?,
            title_key: first_ords("title_sort")?,
        })
    }

    fn values(&self, doc: u32) -> &[u32] {
        &self.values[self.starts[doc as usize] as usize..self.starts[doc as usize + 1] as usize]
    }
}

/// Parsed queries by their text.
type ParsedQueries = HashMap<String, Arc<Vec<Unit>>>;

/// The most parsed queries kept per searcher generation.
const PARSED_QUERIES_KEPT: usize = 4_096;

impl Generation {
    /// Opens the generation at start; one that cannot be read (a damaged file, a disk that
    /// lost writes) is removed and started anew, empty: the index is derived data, and the
    /// server refills it from the store (see `queue_full_index_if_empty` in startup).
    fn open_or_start_anew(dir: &Path) -> Result<Generation, SearchError> {
        match Generation::open(dir) {
            Ok(generation) => Ok(generation),
            Err(cause) if dir.join("meta.json").exists() => {
                tracing::warn!(
                    dir = %dir.display(),
                    error = %cause,
                    "the search index cannot be read; removing it and rebuilding it from the store"
                );
                std::fs::remove_dir_all(dir).map_err(err)?;
                Generation::open(dir)
            }
            Err(cause) => Err(cause),
        }
    }

    fn open(dir: &Path) -> Result<Generation, SearchError> {
        std::fs::create_dir_all(dir).map_err(err)?;
        let (schema, fields) = build_schema();
        let existing = if dir.join("meta.json").exists() {
            let index = Index::open_in_dir(dir).map_err(err)?;
            if index.schema() == schema {
                Some(index)
            } else {
                // The index is derived data: one written by an older layout is rebuilt.
                tracing::warn!(dir = %dir.display(), "search index has an older layout; recreating it");
                drop(index);
                std::fs::remove_dir_all(dir).map_err(err)?;
                std::fs::create_dir_all(dir).map_err(err)?;
                None
            }
        } else {
            None
        };
        let index = match existing {
            Some(index) => index,
            None => Index::create_in_dir(dir, schema).map_err(err)?,
        };
        index.tokenizers().register(TOKENIZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        Ok(Generation {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            vocabulary: Mutex::new(None),
            parsed: Mutex::new((u64::MAX, HashMap::new())),
            columns: Mutex::new(HashMap::new()),
        })
    }

    fn to_tantivy(&self, doc: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut t = TantivyDocument::default();
        t.add_text(f.id, &doc.id);
        t.add_text(f.title, &doc.title);
        t.add_text(f.summary, &doc.summary);
        t.add_text(f.body, &doc.body);
        if let (Some(start), Some(end)) = (doc.year_start, doc.year_end) {
            t.add_i64(f.year_start, start.into());
            t.add_i64(f.year_end, end.into());
        }
        t.add_text(f.title_sort, &doc.title_sort);
        for (facet, field) in &f.facets {
            for value in facet.of_doc(doc) {
                t.add_text(*field, value);
            }
        }
        t
    }

    fn write(&self, upserts: &[SearchDoc], deletes: &[String]) -> Result<(), SearchError> {
        // A writer per batch: the index lock is held only while writing, so another process
        // (a `tipx reindex`, a restarted server) can write between batches.
        let mut writer: IndexWriter<TantivyDocument> = self
            .index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(err)?;
        for id in deletes {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        for doc in upserts {
            writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
            writer.add_document(self.to_tantivy(doc)).map_err(err)?;
        }
        writer.commit().map_err(err)?;
        // Batch after batch adds small segments. Merging all of them after every batch costs
        // the whole index each time (quadratic over a large backlog); merging the smallest
        // ones when there are too many keeps the cost logarithmic. `settle` merges into one
        // segment when the writes stop.
        let mut metas = self.index.searchable_segment_metas().map_err(err)?;
        if metas.len() > MAX_SEGMENTS {
            metas.sort_by_key(|m| m.num_docs());
            let smallest: Vec<_> = metas[..metas.len() - MAX_SEGMENTS / 2]
                .iter()
                .map(|m| m.id())
                .collect();
            writer.merge(&smallest).wait().map_err(err)?;
        }
        drop(writer);
        self.reader.reload().map_err(err)
    }

    /// The arrays of a segment's columns, read on its first search.
    fn segment_columns(
        &self,
        reader: &tantivy::SegmentReader,
    ) -> Result<Arc<SegmentColumns>, SearchError> {
        let id = reader.segment_id();
        if let Some(c) = self.columns.lock().map_err(err)?.get(&id) {
            return Ok(c.clone());
        }
        let read = Arc::new(SegmentColumns::read(reader)?);
        self.columns.lock().map_err(err)?.insert(id, read.clone());
        Ok(read)
    }

    /// Forgets the arrays of segments that are gone (merged away); `live` are the segments
    /// with candidates in the last search, so only segments of other searches may be kept.
    fn keep_columns(&self, live: &[tantivy::index::SegmentId]) {
        if let Ok(mut columns) = self.columns.lock() {
            if columns.len() > live.len() + 16 {
                let segments: HashSet<_> = self
                    .reader
                    .searcher()
                    .segment_readers()
                    .iter()
                    .map(|r| r.segment_id())
                    .collect();
                columns.retain(|id, _| segments.contains(id));
            }
        }
    }

    /// Merges the index into one segment: term ordinals then order ids and titles across the
    /// whole index, which lets searches sort without reading strings.
    fn merge_all(&self) -> Result<(), SearchError> {
        let segments = self.index.searchable_segment_ids().map_err(err)?;
        if segments.len() <= 1 {
            return Ok(());
        }
        let mut writer: IndexWriter<TantivyDocument> = self
            .index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(err)?;
        writer.merge(&segments).wait().map_err(err)?;
        drop(writer);
        self.reader.reload().map_err(err)
    }

    fn vocabulary(&self, searcher: &Searcher) -> Result<Arc<Vec<String>>, SearchError> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.vocabulary.lock().map_err(err)?;
        if let Some((g, vocab)) = cached.as_ref() {
            if *g == generation {
                return Ok(vocab.clone());
            }
        }
        let mut terms = HashSet::new();
        for segment in searcher.segment_readers() {
            for field in [self.fields.title, self.fields.summary, self.fields.body] {
                let inverted = segment.inverted_index(field).map_err(err)?;
                let mut stream = inverted.terms().stream().map_err(err)?;
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        terms.insert(term.to_owned());
                    }
                }
            }
        }
        let mut terms: Vec<String> = terms.into_iter().collect();
        terms.sort();
        let vocab = Arc::new(terms);
        *cached = Some((generation, vocab.clone()));
        Ok(vocab)
    }
}

/// Optimal string alignment distance (a transposition counts as one edit), bounded: returns
/// `max + 1` as soon as the distance exceeds `max`.
fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    // Most vocabulary terms differ in length by more than `max`: skip them before allocating.
    if a.chars().count().abs_diff(b.chars().count()) > max {
        return max + 1;
    }
    osa(a, b, max, false)
}

/// Meilisearch's typo rule (milli's word derivations): with one typo allowed the first letter
/// must match; with two, a term whose first letter differs may be one edit away only. With
/// `prefix`, the term matches when one of its prefixes is close enough.
fn typo_match(word: &str, term: &str, typos: usize, prefix: bool) -> bool {
    let same_first = word.chars().next() == term.chars().next();
    let budget = match (same_first, typos) {
        (true, t) => t,
        (false, t) if t >= 2 => 1,
        _ => return false,
    };
    let distance = if prefix {
        prefix_edit_distance(word, term, budget)
    } else {
        edit_distance(word, term, budget)
    };
    distance <= budget
}

/// The smallest edit distance (transpositions count one) between `word` and any prefix of
/// `term`, or `max + 1` once it must exceed `max`.
fn prefix_edit_distance(word: &str, term: &str, max: usize) -> usize {
    if term.chars().count() + max < word.chars().count() {
        return max + 1;
    }
    osa(word, term, max, true)
}

/// The bounded optimal-string-alignment table of `word` against `term`, row by row over
/// `term`: the distance to the whole of `term`, or with `prefix` to its closest prefix (the
/// least of every row's last cell). Rows never get cheaper, so a row above `max` ends it.
fn osa(word: &str, term: &str, max: usize, prefix: bool) -> usize {
    let a: Vec<char> = word.chars().collect();
    let b: Vec<char> = term.chars().collect();
    let mut prev2: Vec<usize> = vec![0; a.len() + 1];
    let mut prev: Vec<usize> = (0..=a.len()).collect();
    let mut cur = vec![0; a.len() + 1];
    let mut best = prev[a.len()];
    for i in 1..=b.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=a.len() {
            let cost = usize::from(b[i - 1] != a[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && b[i - 1] == a[j - 2] && b[i - 2] == a[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        best = best.min(cur[a.len()]);
        if row_min > max {
            return if prefix { best.min(max + 1) } else { max + 1 };
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    if prefix {
        best
    } else {
        prev[a.len()].min(max + 1)
    }
}

/// Tokens of `text` as the index sees them.
fn tokens(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.text.clone(), t.offset_from..t.offset_to));
    }
    out
}

/// One required part of a query: a word, or a group of synonymous phrases.
enum Unit {
    /// Index terms the word matches, with a weight (exact 1.0, typo or prefix less), and the
    /// two adjacent words it may also be split into.
    Word(Vec<(String, f32)>, Option<[String; 2]>),
    /// Alternative phrases, each a sequence of index terms.
    Phrases(Vec<Vec<String>>),
}

/// The expanding query phrases as index terms, each with the phrases it matches (itself
/// first), tokenized once.
type Expansion = (Vec<String>, Vec<Vec<String>>);

fn synonym_groups() -> &'static [Expansion] {
    static GROUPS: std::sync::OnceLock<Vec<Expansion>> = std::sync::OnceLock::new();
    let terms = |p: &str| -> Vec<String> { tokens(p).into_iter().map(|(t, _)| t).collect() };
    GROUPS.get_or_init(|| {
        synonym_table()
            .into_iter()
            .map(|(phrase, matches)| (terms(phrase), matches.into_iter().map(terms).collect()))
            .collect()
    })
}

/// The index terms a query word matches, with weights: itself (1.0), its typos (0.6) and, for
/// the last word, the terms it begins (0.8), following Meilisearch's rules.
fn word_expansions(word: &str, is_last: bool, vocab: &[String]) -> Vec<(String, f32)> {
    let mut expansions = vec![(word.to_owned(), 1.0)];
    let typos = typos_allowed(word);
    if typos > 0 {
        // The last word is also a prefix as typed so far, typos included ("garmant" finds
        // "garments"); exact prefixes come below.
        expansions.extend(
            vocab
                .iter()
                .filter(|t| {
                    String::as_str(t) != word
                        && !(is_last && t.starts_with(word))
                        && typo_match(word, t, typos, is_last)
                })
                .take(MAX_EXPANSIONS)
                .map(|t| (t.clone(), 0.6)),
        );
    }
    if is_last {
        let start = vocab.partition_point(|t| String::as_str(t) < word);
        let mut prefixed: Vec<&String> = vocab[start..]
            .iter()
            .take_while(|t| t.starts_with(word))
            .filter(|t| String::as_str(t) != word)
            .collect();
        prefixed.sort_by_key(|t| t.len());
        expansions.extend(
            prefixed
                .into_iter()
                .take(MAX_EXPANSIONS)
                .map(|t| (t.clone(), 0.8)),
        );
    }
    expansions
}

/// Meilisearch's split words: a query word also matches as two adjacent words ("within" as
/// "with in"), using the split whose two words are adjacent in the most documents
/// (`pair_count`), if any are.
fn best_split(
    word: &str,
    vocab: &[String],
    pair_count: &dyn Fn(&str, &str) -> u64,
) -> Option<[String; 2]> {
    let known = |w: &str| vocab.binary_search_by(|t| String::as_str(t).cmp(w)).is_ok();
    let mut best: Option<(u64, [String; 2])> = None;
    for (i, _) in word.char_indices().skip(1) {
        let (left, right) = word.split_at(i);
        if !known(left) || !known(right) {
            continue;
        }
        let n = pair_count(left, right);
        if n > 0 && best.as_ref().is_none_or(|(m, _)| n > *m) {
            best = Some((n, [left.to_owned(), right.to_owned()]));
        }
    }
    best.map(|(_, split)| split)
}

fn parse_units(query: &str, vocab: &[String], pair_count: &dyn Fn(&str, &str) -> u64) -> Vec<Unit> {
    let words: Vec<String> = tokens(query)
        .into_iter()
        .map(|(t, _)| t)
        .take(MAX_QUERY_WORDS)
        .collect();
    let groups = synonym_groups();
    let mut units = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // The longest synonym phrase starting here wins.
        let mut best: Option<(usize, &Vec<Vec<String>>)> = None;
        for (phrase, matches) in groups {
            let n = phrase.len();
            if n > 0
                && words.len() >= i + n
                && words[i..i + n] == phrase[..]
                && best.is_none_or(|(m, _)| n > m)
            {
                best = Some((n, matches));
            }
        }
        if let Some((n, group)) = best {
            let mut phrases = group.clone();
            // A one-word synonym keeps its own typos and prefixes too, as in Meilisearch,
            // where synonyms are alternatives added to the word's derivations.
            if n == 1 {
                for (term, _) in word_expansions(&words[i], i + 1 == words.len(), vocab) {
                    if !phrases.iter().any(|p| p.len() == 1 && p[0] == term) {
                        phrases.push(vec![term]);
                    }
                }
            }
            units.push(Unit::Phrases(phrases));
            i += n;
            continue;
        }
        let word = &words[i];
        let is_last = i + 1 == words.len();
        let expansions = word_expansions(word, is_last, vocab);
        units.push(Unit::Word(expansions, best_split(word, vocab, pair_count)));
        i += 1;
    }
    units
}

impl Unit {
    fn query(&self, fields: &Fields) -> Box<dyn Query> {
        let text_fields = [
            (fields.title, TEXT_FIELDS[0].1),
            (fields.summary, TEXT_FIELDS[1].1),
            (fields.body, TEXT_FIELDS[2].1),
        ];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match self {
            Unit::Word(terms, split) => {
                for (field, boost) in text_fields {
                    for (term, weight) in terms {
                        let q = TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        );
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(q), boost * weight)),
                        ));
                    }
                    if let Some(split) = split {
                        let q = PhraseQuery::new(
                            split
                                .iter()
                                .map(|t| Term::from_field_text(field, t))
                                .collect(),
                        );
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(q), boost * 0.5)),
                        ));
                    }
                }
            }
            Unit::Phrases(phrases) => {
                for (field, boost) in text_fields {
                    for phrase in phrases {
                        let q: Box<dyn Query> = if phrase.len() == 1 {
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, &phrase[0]),
                                IndexRecordOption::WithFreqs,
                            ))
                        } else {
                            Box::new(PhraseQuery::new(
                                phrase
                                    .iter()
                                    .map(|t| Term::from_field_text(field, t))
                                    .collect(),
                            ))
                        };
                        clauses.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
                    }
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Every index term this unit matches, for highlighting.
    fn terms(&self) -> Vec<&str> {
        match self {
            Unit::Word(terms, _) => terms.iter().map(|(t, _)| t.as_str()).collect(),
            Unit::Phrases(phrases) => phrases.iter().flatten().map(String::as_str).collect(),
        }
    }
}

/// A hit with what ranking needs. `id_key` and `title_key` order like the id and title
/// strings: term ordinals when the index has one segment, string ranks otherwise.
struct Candidate {
    address: DocAddress,
    score: f32,
    words_matched: usize,
    year_start: Option<i64>,
    id_key: u64,
    title_key: u64,
}

/// Replaces per-segment ordinals by ranks of the id and title strings across segments.
fn rank_by_strings(
    searcher: &Searcher,
    fields: &Fields,
    hits: &mut [Candidate],
) -> Result<(), SearchError> {
    let mut ids = Vec::with_capacity(hits.len());
    let mut titles = Vec::with_capacity(hits.len());
    for hit in hits.iter() {
        let doc: TantivyDocument = searcher.doc(hit.address).map_err(err)?;
        let id = doc
            .get_first(fields.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let title = doc
            .get_first(fields.title)
            .and_then(|v| v.as_str())
            .map(normalise)
            .unwrap_or_default();
        ids.push(id);
        titles.push(title.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let rank = |values: &[String]| -> Vec<u64> {
        let mut sorted: Vec<&String> = values.iter().collect();
        sorted.sort();
        sorted.dedup();
        values
            .iter()
            .map(|v| sorted.binary_search(&v).unwrap_or(0) as u64)
            .collect()
    };
    for ((hit, id), title) in hits.iter_mut().zip(rank(&ids)).zip(rank(&titles)) {
        hit.id_key = id;
        hit.title_key = title;
    }
    Ok(())
}

/// The embedded backend.
pub struct EmbeddedSearch {
    root: PathBuf,
    current: RwLock<Arc<Generation>>,
    /// Serialises rebuilds with each other and with writes.
    write_lock: tokio::sync::Mutex<()>,
}

impl EmbeddedSearch {
    /// Opens (or creates) the index under `data_dir/search`.
    pub fn open(data_dir: &Path) -> Result<EmbeddedSearch, SearchError> {
        let root = data_dir.join("search");
        std::fs::create_dir_all(&root).map_err(err)?;
        let name =
            std::fs::read_to_string(root.join("CURRENT")).unwrap_or_else(|_| "index-0".into());
        let generation = Generation::open_or_start_anew(&root.join(name.trim()))?;
        Ok(EmbeddedSearch {
            root,
            current: RwLock::new(Arc::new(generation)),
            write_lock: tokio::sync::Mutex::new(()),
        })
    }

    /// The index generation to use. Another process (`tipx reindex`) may have swapped in a new
    /// one since: the small CURRENT file says which is live, and it is followed here.
    fn generation(&self) -> Arc<Generation> {
        let current = self
            .current
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone());
        let Ok(live) = std::fs::read_to_string(self.root.join("CURRENT")) else {
            return current;
        };
        let live_dir = self.root.join(live.trim());
        if live_dir == current.dir {
            return current;
        }
        match Generation::open(&live_dir) {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                if let Ok(mut slot) = self.current.write() {
                    *slot = fresh.clone();
                }
                tracing::info!(dir = %live_dir.display(), "following a search index swapped in by another process");
                fresh
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the new search index; keeping the current one");
                current
            }
        }
    }

    fn run_search(
        generation: &Generation,
        request: &SearchRequest,
    ) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        let searcher = generation.reader.searcher();
        let fields = &generation.fields;
        let vocab = generation.vocabulary(&searcher)?;
        // How many documents hold two words side by side, for split words.
        let pair_count = |left: &str, right: &str| -> u64 {
            let clauses: Vec<(Occur, Box<dyn Query>)> = [fields.title, fields.summary, fields.body]
                .into_iter()
                .map(|field| {
                    let q: Box<dyn Query> = Box::new(PhraseQuery::new(vec![
                        Term::from_field_text(field, left),
                        Term::from_field_text(field, right),
                    ]));
                    (Occur::Should, q)
                })
                .collect();
            searcher
                .search(&BooleanQuery::new(clauses), &Count)
                .map_or(0, |n| n as u64)
        };
        let generation_id = searcher.generation().generation_id();
        let cached = {
            let parsed = generation.parsed.lock().map_err(err)?;
            (parsed.0 == generation_id)
                .then(|| parsed.1.get(&request.query).cloned())
                .flatten()
        };
        let units = match cached {
            Some(units) => units,
            None => {
                let units = Arc::new(parse_units(&request.query, &vocab, &pair_count));
                let mut parsed = generation.parsed.lock().map_err(err)?;
                if parsed.0 != generation_id || parsed.1.len() >= PARSED_QUERIES_KEPT {
                    *parsed = (generation_id, HashMap::new());
                }
                parsed.1.insert(request.query.clone(), units.clone());
                units
            }
        };

        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(from) = request.filter.year_from {
            musts.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_i64(fields.year_end, from.into())),
                    Bound::Unbounded,
                )),
            ));
        }
        if let Some(to) = request.filter.year_to {
            musts.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_i64(fields.year_start, to.into())),
                )),
            ));
        }
        // Candidates contain at least the first unit; "last" strategy ranks by how many
        // leading units a document contains.
        let mut base = musts;
        match units.split_first() {
            None => base.push((Occur::Must, Box::new(AllQuery))),
            Some((first, rest)) => {
                base.push((Occur::Must, first.query(fields)));
                base.extend(rest.iter().map(|u| (Occur::Should, u.query(fields))));
            }
        }
        let base_query = BooleanQuery::new(base);
        let weight = base_query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .map_err(err)?;
        // Which leading units each candidate contains: one weight per further unit, its
        // documents marked in a bit set per segment.
        let unit_weights = units
            .iter()
            .skip(1)
            .map(|unit| {
                unit.query(fields)
                    .weight(EnableScoring::disabled_from_searcher(&searcher))
                    .map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;

        // One pass over the candidates, segment by segment, working on term ordinals of the
        // fast-field columns: filters, disjunctive facet counts and sort keys need no strings.
        let n_facets = FacetField::ALL.len();
        let active: Vec<bool> = FacetField::ALL
            .iter()
            .map(|f| !request.filter.selected(*f).is_empty())
            .collect();
        let single_segment = searcher.segment_readers().len() == 1;
        let count_facets = !request.facets.is_empty();
        let mut hits: Vec<Candidate> = Vec::new();
        let mut facet_counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); n_facets];
        let mut candidates: Vec<(f32, u32)> = Vec::new();
        let mut live_segments = Vec::new();
        for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
            candidates.clear();
            let alive = reader.alive_bitset();
            weight
                .for_each(reader, &mut |doc, score| {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        candidates.push((score, doc));
                    }
                })
                .map_err(err)?;
            if candidates.is_empty() {
                continue;
            }
            let max_doc = reader.max_doc() as usize;
            let mut unit_bits: Vec<Vec<u64>> = Vec::with_capacity(unit_weights.len());
            for w in &unit_weights {
                let mut bits = vec![0u64; max_doc.div_ceil(64)];
                w.for_each_no_score(reader, &mut |docs| {
                    for &d in docs {
                        bits[d as usize / 64] |= 1 << (d % 64);
                    }
                })
                .map_err(err)?;
                unit_bits.push(bits);
            }
            let has = |bits: &Vec<u64>, d: u32| bits[d as usize / 64] & (1 << (d % 64)) != 0;
            let columns = generation.segment_columns(reader)?;
            live_segments.push(reader.segment_id());

            let ff = reader.fast_fields();
            let mut cols = Vec::with_capacity(n_facets);
            let mut wanted: Vec<Vec<u64>> = Vec::with_capacity(n_facets);
            for field in FacetField::ALL {
                let col = ff.str(field.attribute()).map_err(err)?;
                let mut ords = Vec::new();
                if let Some(col) = &col {
                    for value in request.filter.selected(field) {
                        if let Some(ord) = col.dictionary().term_ord(value).map_err(err)? {
                            ords.push(ord);
                        }
                    }
                }
                cols.push(col);
                wanted.push(ords);
            }
            // Selected values as value numbers, and the fields with a selection as bits.
            let mut wanted_values = vec![false; columns.field_of.len()];
            for (i, ords) in wanted.iter().enumerate() {
                for &ord in ords {
                    wanted_values[(columns.bases[i] + ord as u32) as usize] = true;
                }
            }
            let active_fields: u32 = (0..n_facets)
                .filter(|&i| active[i])
                .fold(0, |bits, i| bits | 1 << i);
            let mut counts = vec![0u32; columns.field_of.len()];
            for &(score, doc) in &candidates {
                let values = columns.values(doc);
                let mut passed = 0u32;
                if active_fields != 0 {
                    for &v in values {
                        if wanted_values[v as usize] {
                            passed |= 1 << columns.field_of[v as usize];
                        }
                    }
                }
                // The fields whose condition the document fails: none (it is a hit and counts
                // everywhere), one (it counts for that field only) or more (nowhere).
                let failing = active_fields & !passed;
                match failing.count_ones() {
                    0 => {
                        if count_facets {
                            for &v in values {
                                counts[v as usize] += 1;
                            }
                        }
                        hits.push(Candidate {
                            address: DocAddress::new(segment_ord as u32, doc),
                            score,
                            words_matched: if units.is_empty() {
                                0
                            } else {
                                1 + unit_bits.iter().take_while(|b| has(b, doc)).count()
                            },
                            year_start: columns.year_start[doc as usize],
                            id_key: columns.id_key[doc as usize],
                            title_key: columns.title_key[doc as usize],
                        });
                    }
                    1 if count_facets => {
                        let field = failing.trailing_zeros() as u8;
                        for &v in values {
                            if columns.field_of[v as usize] == field {
                                counts[v as usize] += 1;
                            }
                        }
                    }
                    _ => {}
                }
            }
            let mut buf = String::new();
            for (i, col) in cols.iter().enumerate() {
                let Some(col) = col else { continue };
                let field_counts =
                    &counts[columns.bases[i] as usize..columns.bases[i + 1] as usize];
                for (ord, &n) in field_counts.iter().enumerate() {
                    if n > 0 {
                        buf.clear();
                        if col.ord_to_str(ord as u64, &mut buf).map_err(err)? {
                            *facet_counts[i].entry(buf.clone()).or_default() += u64::from(n);
                        }
                    }
                }
            }
        }
        generation.keep_columns(&live_segments);
        if !single_segment {
            rank_by_strings(&searcher, fields, &mut hits)?;
        }
        let facets = request
            .facets
            .iter()
            .map(|field| {
                let i = FacetField::ALL.iter().position(|f| f == field).unwrap_or(0);
                let mut values: Vec<(String, u64)> = facet_counts[i].drain().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                (*field, values)
            })
            .collect();
        let total_hits = hits.len() as u64;

        let newest = |a: &Candidate, b: &Candidate| match (a.year_start, b.year_start) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        let oldest = |a: &Candidate, b: &Candidate| match (a.year_start, b.year_start) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        let order = |a: &Candidate, b: &Candidate| match request.sort {
            SearchSort::Relevance => b
                .words_matched
                .cmp(&a.words_matched)
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| newest(a, b))
                .then_with(|| a.id_key.cmp(&b.id_key)),
            SearchSort::Newest => newest(a, b).then_with(|| a.id_key.cmp(&b.id_key)),
            SearchSort::Oldest => oldest(a, b).then_with(|| a.id_key.cmp(&b.id_key)),
            SearchSort::Title => a
                .title_key
                .cmp(&b.title_key)
                .then_with(|| a.id_key.cmp(&b.id_key)),
        };
        // Only the hits up to the end of the requested page need to be in order.
        let wanted = request.offset.saturating_add(request.limit);
        if wanted < hits.len() {
            if wanted > 0 {
                hits.select_nth_unstable_by(wanted - 1, order);
            }
            hits.truncate(wanted);
        }
        hits.sort_by(order);

        let matched: HashSet<&str> = units.iter().flat_map(Unit::terms).collect();
        let mark = |text: &str| {
            let ranges: Vec<_> = tokens(text)
                .into_iter()
                .filter(|(t, _)| matched.contains(t.as_str()))
                .map(|(_, r)| r)
                .collect();
            highlight_html(text, &ranges)
        };
        let mut page = Vec::new();
        for hit in hits.into_iter().skip(request.offset).take(request.limit) {
            let doc: TantivyDocument = searcher.doc(hit.address).map_err(err)?;
            let text = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let id = RecordId::parse(&text(fields.id)).map_err(err)?;
            page.push(SearchHit {
                id,
                highlight: Highlight {
                    title: mark(&text(fields.title)),
                    summary: mark(&text(fields.summary)),
                },
            });
        }
        Ok(SearchResponse {
            hits: page,
            total_hits,
            processing_time_ms: started.elapsed().as_millis() as u64,
            facets,
        })
    }
}

#[async_trait]
impl SearchBackend for EmbeddedSearch {
    fn name(&self) -> &'static str {
        "embedded"
    }

    async fn status(&self) -> BackendStatus {
        let generation = self.generation();
        BackendStatus {
            available: true,
            documents: Some(generation.reader.searcher().num_docs()),
            detail: Some(generation.dir.display().to_string()),
        }
    }

    async fn upsert(&self, docs: &[SearchDoc]) -> SearchResult<()> {
        let _guard = self.write_lock.lock().await;
        let generation = self.generation();
        let docs = docs.to_vec();
        tokio::task::spawn_blocking(move || generation.write(&docs, &[]))
            .await
            .map_err(err)?
    }

    async fn delete(&self, ids: &[String]) -> SearchResult<()> {
        let _guard = self.write_lock.lock().await;
        let generation = self.generation();
        let ids = ids.to_vec();
        tokio::task::spawn_blocking(move || generation.write(&[], &ids))
            .await
            .map_err(err)?
    }

    async fn rebuild(&self, docs: Vec<SearchDoc>, progress: Progress<'_>) -> SearchResult<()> {
        let _guard = self.write_lock.lock().await;
        let old = self.generation();
        let name = format!("index-{}", chrono::Utc::now().timestamp_micros());
        let dir = self.root.join(&name);
        let fresh = Arc::new(
            tokio::task::spawn_blocking(move || Generation::open(&dir))
                .await
                .map_err(err)??,
        );
        // One writer for the whole rebuild: documents go into its buffer chunk by chunk
        // (progress after each), one commit at the end, then one merge.
        let generation = fresh.clone();
        let mut writer: IndexWriter<TantivyDocument> = tokio::task::spawn_blocking(move || {
            generation
                .index
                .writer_with_num_threads(1, BULK_HEAP_BYTES)
                .map_err(err)
        })
        .await
        .map_err(err)??;
        let mut docs = docs.into_iter().peekable();
        while docs.peek().is_some() {
            let chunk: Vec<SearchDoc> = docs.by_ref().take(2_000).collect();
            let n = chunk.len() as u64;
            let generation = fresh.clone();
            writer = tokio::task::spawn_blocking(move || {
                for doc in &chunk {
                    writer
                        .add_document(generation.to_tantivy(doc))
                        .map_err(err)?;
                }
                Ok::<_, SearchError>(writer)
            })
            .await
            .map_err(err)??;
            progress(n);
        }
        let generation = fresh.clone();
        tokio::task::spawn_blocking(move || {
            writer.commit().map_err(err)?;
            drop(writer);
            generation.merge_all()?;
            generation.reader.reload().map_err(err)
        })
        .await
        .map_err(err)??;
        // Point CURRENT at the new index (write-then-rename, so a crash leaves either the old
        // or the new name), then swap it in for searches.
        let tmp = self.root.join("CURRENT.tmp");
        std::fs::write(&tmp, &name).map_err(err)?;
        std::fs::rename(&tmp, self.root.join("CURRENT")).map_err(err)?;
        *self.current.write().map_err(err)? = fresh;
        if old.dir.starts_with(&self.root) {
            let old_dir = old.dir.clone();
            drop(old);
            if let Err(e) = std::fs::remove_dir_all(&old_dir) {
                tracing::warn!(dir = %old_dir.display(), error = %e, "could not remove the previous search index");
            }
        }
        Ok(())
    }

    async fn search(&self, request: &SearchRequest) -> SearchResult<SearchResponse> {
        let generation = self.generation();
        let request = request.clone();
        tokio::task::spawn_blocking(move || EmbeddedSearch::run_search(&generation, &request))
            .await
            .map_err(err)?
    }

    async fn settle(&self) -> SearchResult<()> {
        let _guard = self.write_lock.lock().await;
        let generation = self.generation();
        tokio::task::spawn_blocking(move || generation.merge_all())
            .await
            .map_err(err)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_follow_meilisearch_first_letter_and_prefix_rules() {
        // One typo: the first letter must match.
        assert!(typo_match("there", "three", 1, false));
        assert!(!typo_match("there", "where", 1, false));
        // Two typos: a different first letter is allowed one edit only.
        assert!(typo_match("trafficing", "trafficking", 2, false));
        assert!(
            typo_match("trafficknig", "trafficking", 2, false),
            "one transposition"
        );
        assert!(
            typo_match("rafficking", "trafficking", 2, false),
            "first letter, one edit"
        );
        assert!(
            !typo_match("raffickinx", "trafficking", 2, false),
            "first letter, two edits"
        );
        // The last word as a prefix, with a typo.
        assert!(typo_match("garmant", "garments", 1, true));
        assert!(!typo_match("garmant", "garments", 1, false));
        assert_eq!(prefix_edit_distance("exact", "enactment", 1), 1);
        assert_eq!(prefix_edit_distance("exact", "exactly", 1), 0);
        assert!(prefix_edit_distance("exact", "elephant", 1) > 1);
    }

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance("labour", "labor", 2), 1);
        assert_eq!(edit_distance("fishing", "fihsing", 2), 1);
        assert_eq!(edit_distance("abc", "xyz", 1), 2);
    }

    #[test]
    fn synonym_phrases_become_one_unit() {
        let units = parse_units("modern slavery fishing", &[], &|_, _| 0);
        assert_eq!(units.len(), 2);
        assert!(matches!(units[0], Unit::Phrases(_)));
    }
}
