//! Bulk export of published data (`tipx export`): laws, practices, cases and treaty status as
//! JSON Lines or CSV, with a data dictionary and the licences.
//!
//! A JSON Lines file holds one record per line in the seed files' format plus its `kind` and
//! `meta` (status, version, dates), so `tipx import` can load it into another store. A CSV file
//! flattens the same records into the columns the dictionary lists; lists are joined with `; `.
//! Victim counts below the privacy threshold are never exported: a JSON line carries
//! `"count": null, "suppressed": true`, a CSV cell `<11` (the threshold), as the API shows them.

use std::io::Write;

use serde_json::{Map, Value};

use tipx_schema::core::privacy::SmallCounts;
use tipx_schema::model::{Ratification, Record};
use tipx_schema::vocab::*;

/// The files of an export, in order.
pub const TABLES: [Table; 4] = [
    Table::Laws,
    Table::Practices,
    Table::Cases,
    Table::TreatyStatus,
];

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Table {
    Laws,
    Practices,
    Cases,
    TreatyStatus,
}

impl Table {
    /// The file's name without its extension (also its name in `/export/`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Laws => "laws",
            Table::Practices => "practices",
            Table::Cases => "cases",
            Table::TreatyStatus => "treaty-status",
        }
    }

    pub fn kind(self) -> Option<RecordKind> {
        match self {
            Table::Laws => Some(RecordKind::Law),
            Table::Practices => Some(RecordKind::Practice),
            Table::Cases => Some(RecordKind::Case),
            Table::TreatyStatus => None,
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        TABLES.into_iter().find(|t| t.name() == name)
    }

    /// The CSV columns, in order.
    pub fn columns(self) -> Vec<Column> {
        let meta = [
            col(
                "status",
                "code",
                "Publication status (always PUBLISHED in an export)",
                Some(codes::<RecordStatus>),
            ),
            col(
                "version",
                "integer",
                "Incremented on every change of the record",
                None,
            ),
            col(
                "created_at",
                "date-time (RFC 3339, UTC)",
                "When the record was first stored",
                None,
            ),
            col(
                "updated_at",
                "date-time (RFC 3339, UTC)",
                "When the record last changed",
                None,
            ),
        ];
        let text = [
            col(
                "summary",
                "text",
                "What it is and does, in the platform's own words",
                None,
            ),
            col(
                "language",
                "code (ISO 639-1)",
                "Language of the title and summary",
                None,
            ),
            col(
                "source_urls",
                "list of URLs",
                "The public sources the facts come from",
                None,
            ),
        ];
        let mut columns = match self {
            Table::Laws => vec![
                col("id", "text", "Stable record id (LW…)", None),
                col("country", "code (ISO 3166-1 alpha-2)", "The country whose law it is", None),
                col("title", "text", "The law's title", None),
                col("year_enacted", "integer", "Year the law was enacted", None),
                col("amendment_years", "list of integers", "Years of amendments", None),
                col("amendments_note", "text", "About the amendments", None),
                col("instrument_type", "code", "Kind of legal instrument", Some(codes::<LawInstrumentType>)),
                col("forms", "list of codes", "Forms of trafficking the law addresses", Some(codes::<TraffickingForm>)),
                col("provisions", "list of codes", "What the law provides for", Some(codes::<Provision>)),
                col("provisions_note", "text", "About the provisions", None),
                col("target_groups", "list of codes", "Groups the law protects or concerns", Some(codes::<TargetGroup>)),
                col("sdg_targets", "list of codes", "SDG targets it serves", Some(codes::<SdgTarget>)),
            ],
            Table::Practices => vec![
                col("id", "text", "Stable record id (PR…)", None),
                col("title", "text", "The practice's name", None),
                col("countries", "list of codes (ISO 3166-1 alpha-2)", "Where it runs (empty when global)", None),
                col("global", "boolean", "Whether it is a global practice", None),
                col("lead_organisation", "text", "The organisation that leads it", None),
                col("organisation_type", "code", "Kind of lead organisation", Some(codes::<OrganisationType>)),
                col("start_year", "integer", "Year it started", None),
                col("end_year", "integer", "Year it ended (empty while it runs)", None),
                col("approach", "text", "How it works, in a few words", None),
                col("pillars", "list of codes", "Prevention, protection, prosecution, partnership", Some(codes::<Pillar>)),
                col("sectors", "list of codes", "Economic sectors concerned", Some(codes::<Sector>)),
                col("target_groups", "list of codes", "Groups it is aimed at", Some(codes::<TargetGroup>)),
                col("target_groups_note", "text", "About the groups", None),
                col("forms", "list of codes", "Forms of trafficking addressed", Some(codes::<TraffickingForm>)),
                col("sdg_targets", "list of codes", "SDG targets it serves", Some(codes::<SdgTarget>)),
                col("evidence_design", "code", "How its results were evaluated", Some(codes::<EvaluationDesign>)),
                col("evidence_objectives_met", "code", "Whether it met its objectives", Some(codes::<ObjectivesMet>)),
                col("evidence_note", "text", "About the evidence", None),
            ],
            Table::Cases => vec![
                col("id", "text", "Stable record id (CS…)", None),
                col("title", "text", "The case's name (never a victim's)", None),
                col("countries", "list of codes (ISO 3166-1 alpha-2)", "Countries of the case", None),
                col("jurisdiction_note", "text", "Where the case is not national", None),
                col("court_or_agency", "text", "The court or agency that decided or acted", None),
                col("decision_year", "integer", "Year of the decision", None),
                col("case_type", "code", "Judgment, prosecution, operation or remediation", Some(codes::<CaseType>)),
                col("forms", "list of codes", "Forms of trafficking", Some(codes::<TraffickingForm>)),
                col("sectors", "list of codes", "Economic sectors concerned", Some(codes::<Sector>)),
                col("target_groups", "list of codes", "Groups concerned", Some(codes::<TargetGroup>)),
                col("sdg_targets", "list of codes", "SDG targets it serves", Some(codes::<SdgTarget>)),
                col("convictions", "integer", "Number of convictions", None),
                col("victims_identified", "integer", "Number of victims identified", None),
                col("victims_by_group", "list of `SEX AGE COUNT`", "Victims by sex and age band; a count below the privacy threshold is written `<N` (fewer than N), never as a number", None),
                col("assets_amount", "decimal", "Assets confiscated or compensation ordered", None),
                col("assets_currency", "code (ISO 4217)", "Currency of the amount", None),
                col("outcome_note", "text", "About the outcome (aggregate figures only)", None),
                col("laws_applied", "list of record ids", "Laws (LW…) the case applied", None),
            ],
            Table::TreatyStatus => {
                return vec![
                    col("instrument", "text", "Instrument id (e.g. PALERMO_PROTOCOL, ILO_C029)", None),
                    col("country", "code (ISO 3166-1 alpha-2)", "The state", None),
                    col("status", "code", "The state's standing towards the instrument", Some(codes::<PartyStatus>)),
                    col("action", "code", "How it became a party (ratification, accession, …)", Some(codes::<TreatyAction>)),
                    col("date", "date (YYYY-MM-DD)", "Date of the action", None),
                    col("year", "integer", "Year of the action, where the source gives no date", None),
                    col("as_of", "date (YYYY-MM-DD)", "The date the source describes the status at", None),
                    col("source_urls", "list of URLs", "The depositary's status table", None),
                    col("note", "text", "About the row", None),
                ]
            }
        };
        columns.extend(text);
        columns.extend(meta);
        columns
    }
}

/// One column of a CSV file, as the data dictionary describes it.
#[derive(Clone, Debug)]
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
    /// The code list the values come from, with its name.
    pub codes: Option<(&'static str, Vec<&'static str>)>,
}

type CodeList = fn() -> (&'static str, Vec<&'static str>);

fn col(
    name: &'static str,
    kind: &'static str,
    description: &'static str,
    codes: Option<CodeList>,
) -> Column {
    Column {
        name,
        kind,
        description,
        codes: codes.map(|f| f()),
    }
}

fn codes<V: Vocabulary>() -> (&'static str, Vec<&'static str>) {
    (V::NAME, V::all().iter().map(|v| v.code()).collect())
}

/// Export formats.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jsonl => "application/jsonl; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8; header=present",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Format> {
        [Format::Jsonl, Format::Csv]
            .into_iter()
            .find(|f| f.extension() == ext)
    }
}

/// A record as an exported JSON object: its seed-format fields, `kind`, `meta`, and victim
/// counts below the threshold suppressed.
pub fn record_json(record: &Record, privacy: SmallCounts) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Some(groups) = value
        .pointer_mut("/outcome/victims_by_group")
        .and_then(Value::as_array_mut)
    {
        for group in groups {
            let count = group.get("count").and_then(Value::as_i64).unwrap_or(0);
            if privacy.visible(count).is_none() {
                group["count"] = Value::Null;
                group["suppressed"] = Value::Bool(true);
            }
        }
    }
    value
}

/// A treaty-status row as an exported JSON object.
pub fn ratification_json(row: &Ratification) -> Value {
    serde_json::to_value(row).unwrap_or(Value::Null)
}

/// The CSV cells of an exported JSON object, by column name.
fn flatten(value: &Value, privacy: SmallCounts) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(object) = value.as_object() else {
        return out;
    };
    for (key, v) in object {
        match key.as_str() {
            "kind" => {}
            "sources" => {
                let urls: Vec<Value> = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.get("url").cloned())
                    .collect();
                out.insert("source_urls".into(), Value::Array(urls));
            }
            "meta" | "evidence" | "outcome" => {
                for (inner, w) in v.as_object().into_iter().flatten() {
                    let name = match (key.as_str(), inner.as_str()) {
                        ("meta", _) | ("outcome", "convictions" | "victims_identified") => {
                            inner.clone()
                        }
                        ("outcome", "victims_by_group") => {
                            let groups = w.as_array().into_iter().flatten().map(|g| {
                                let count = match g.get("count").and_then(Value::as_i64) {
                                    Some(n) => n.to_string(),
                                    None => format!("<{}", privacy.threshold),
                                };
                                Value::String(format!(
                                    "{} {} {count}",
                                    g["sex"].as_str().unwrap_or(""),
                                    g["age"].as_str().unwrap_or("")
                                ))
                            });
                            out.insert(inner.clone(), Value::Array(groups.collect()));
                            continue;
                        }
                        ("outcome", "assets") => {
                            out.insert(
                                "assets_amount".into(),
                                w.get("amount").cloned().unwrap_or(Value::Null),
                            );
                            out.insert(
                                "assets_currency".into(),
                                w.get("currency").cloned().unwrap_or(Value::Null),
                            );
                            continue;
                        }
                        (outer, inner) => format!("{outer}_{inner}"),
                    };
                    out.insert(name, w.clone());
                }
            }
            _ => {
                out.insert(key.clone(), v.clone());
            }
        }
    }
    if object.contains_key("outcome") {
        // A case without assets still has the columns.
        out.entry("assets_amount").or_insert(Value::Null);
        out.entry("assets_currency").or_insert(Value::Null);
    }
    out
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Some(other) => other.to_string(),
    }
}

/// Writes exported JSON objects in a format.
pub struct TableWriter<W: Write> {
    format: Format,
    table: Table,
    privacy: SmallCounts,
    csv: Option<csv::Writer<W>>,
    out: Option<W>,
}

impl<W: Write> TableWriter<W> {
    /// Starts a file (a CSV file with its header row).
    pub fn new(
        out: W,
        table: Table,
        format: Format,
        privacy: SmallCounts,
    ) -> std::io::Result<Self> {
        match format {
            Format::Jsonl => Ok(TableWriter {
                format,
                table,
                privacy,
                csv: None,
                out: Some(out),
            }),
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record(table.columns().iter().map(|c| c.name))?;
                Ok(TableWriter {
                    format,
                    table,
                    privacy,
                    csv: Some(csv),
                    out: None,
                })
            }
        }
    }

    /// Writes one row.
    pub fn write(&mut self, value: &Value) -> std::io::Result<()> {
        match self.format {
            Format::Jsonl => {
                let out = self.out.as_mut().expect("a JSON Lines writer");
                serde_json::to_writer(&mut *out, value)?;
                out.write_all(b"\n")
            }
            Format::Csv => {
                let cells = flatten(value, self.privacy);
                let row: Vec<String> = self
                    .table
                    .columns()
                    .iter()
                    .map(|c| cell(cells.get(c.name)))
                    .collect();
                Ok(self.csv.as_mut().expect("a CSV writer").write_record(row)?)
            }
        }
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> std::io::Result<W> {
        match self.format {
            Format::Jsonl => Ok(self.out.expect("a JSON Lines writer")),
            Format::Csv => self
                .csv
                .expect("a CSV writer")
                .into_inner()
                .map_err(|e| std::io::Error::other(e.to_string())),
        }
    }
}

impl TableWriter<Vec<u8>> {
    /// What was written since the last call (a CSV writer's buffer flushed first).
    pub fn take_output(&mut self) -> std::io::Result<Vec<u8>> {
        match self.format {
            Format::Jsonl => Ok(std::mem::take(
                self.out.as_mut().expect("a JSON Lines writer"),
            )),
            Format::Csv => {
                // The CSV writer cannot lend its buffer: hand over this one, start another.
                let full = self
                    .csv
                    .replace(csv::Writer::from_writer(Vec::new()))
                    .expect("a CSV writer");
                full.into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))
            }
        }
    }
}

/// The data dictionary, in Markdown: every file, every column, its type and code list.
pub fn dictionary(privacy: SmallCounts) -> String {
    let mut out = String::from(
        "# TIP Exchange data export: data dictionary\n\n\
         Published records only (no drafts, no submissions). Each table comes as JSON Lines\n\
         (`.jsonl`: one record per line, in the seed files' format documented in the project's\n\
         `seed/README.md`, plus `kind` and `meta`; `tipx import` loads it) and as CSV (`.csv`:\n\
         UTF-8, a header row, the columns below; a list is written as its items joined by `; `;\n\
         an empty cell is an unknown or absent value).\n\n",
    );
    out.push_str(&format!(
        "Victim counts below {} are never exported: JSON Lines carry `\"count\": null, \"suppressed\": true`, \
         CSV cells `<{}` (fewer than {}), as the API and the widgets show them.\n\n",
        privacy.threshold, privacy.threshold, privacy.threshold
    ));
    for table in TABLES {
        out.push_str(&format!(
            "## `{name}.csv` / `{name}.jsonl`\n\n| column | type | meaning | code list |\n|---|---|---|---|\n",
            name = table.name()
        ));
        for c in table.columns() {
            let codes = match &c.codes {
                Some((list, values)) => format!("`{list}`: {}", values.join(", ")),
                None => String::new(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.name, c.kind, c.description, codes
            ));
        }
        out.push('\n');
    }
    out.push_str(
        "The code lists, with their labels in the six UN languages, are also served by the API \
         (`taxonomy(lang: …)`).\n",
    );
    out
}

/// What the export may be used for, and under which terms.
pub const LICENCE: &str = include_str!("../../docs/export-licence.md");

/// What an export wrote: rows per table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub rows: Vec<(Table, u64)>,
}

/// The published rows of a table, a page at a time (records by id, 1,000 per page; treaty
/// status in one page), as exported JSON objects.
pub struct RowPages {
    table: Table,
    privacy: SmallCounts,
    after: Option<tipx_schema::ids::RecordId>,
    done: bool,
}

impl RowPages {
    pub fn new(table: Table, privacy: SmallCounts) -> Self {
        RowPages {
            table,
            privacy,
            after: None,
            done: false,
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(
        &mut self,
        store: &dyn tipx_schema::store::Store,
    ) -> anyhow::Result<Option<Vec<Value>>> {
        use tipx_schema::store::{PageRequest, RecordFilter};
        if self.done {
            return Ok(None);
        }
        match self.table.kind() {
            Some(kind) => {
                let page = store
                    .list_records(
                        kind,
                        &RecordFilter::default(),
                        &PageRequest {
                            first: 1_000,
                            after: self.after.clone(),
                        },
                    )
                    .await?;
                self.after = page.records.last().map(|r| r.id().clone());
                self.done = !page.has_next_page;
                Ok(Some(
                    page.records
                        .iter()
                        .map(|r| record_json(r, self.privacy))
                        .collect(),
                ))
            }
            None => {
                self.done = true;
                let countries = store.list_countries(None).await?;
                let codes: Vec<_> = countries.iter().map(|c| c.code).collect();
                Ok(Some(
                    store
                        .ratifications(&codes)
                        .await?
                        .iter()
                        .map(ratification_json)
                        .collect(),
                ))
            }
        }
    }
}

/// Every published row of a table, page by page, handed to `emit`.
pub async fn for_each_row(
    store: &dyn tipx_schema::store::Store,
    table: Table,
    privacy: SmallCounts,
    mut emit: impl FnMut(Value) -> std::io::Result<()>,
) -> anyhow::Result<u64> {
    let mut pages = RowPages::new(table, privacy);
    let mut n = 0;
    while let Some(rows) = pages.next_page(store).await? {
        for row in rows {
            emit(row)?;
            n += 1;
        }
    }
    Ok(n)
}

/// `tipx export`: every table in `format` into `dir`, with the dictionary and the licences.
pub async fn export_to_dir(
    store: &dyn tipx_schema::store::Store,
    format: Format,
    dir: &std::path::Path,
    privacy: SmallCounts,
) -> anyhow::Result<Written> {
    use anyhow::Context;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Written::default();
    for table in TABLES {
        let path = dir.join(format!("{}.{}", table.name(), format.extension()));
        let file =
            std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut writer = TableWriter::new(std::io::BufWriter::new(file), table, format, privacy)?;
        let n = for_each_row(store, table, privacy, |row| writer.write(&row)).await?;
        writer.finish()?.flush()?;
        written.rows.push((table, n));
    }
    std::fs::write(dir.join("DATA-DICTIONARY.md"), dictionary(privacy))?;
    std::fs::write(dir.join("LICENCE.md"), LICENCE)?;
    Ok(written)
}

/// A record from an exported JSON line. Suppressed victim counts (`"count": null`) cannot be
/// restored and are left out.
pub fn record_from_json(mut value: Value) -> Result<Record, String> {
    if let Some(groups) = value
        .pointer_mut("/outcome/victims_by_group")
        .and_then(Value::as_array_mut)
    {
        groups.retain(|g| g.get("count").is_some_and(|c| !c.is_null()));
        for g in groups.iter_mut() {
            if let Some(object) = g.as_object_mut() {
                object.remove("suppressed");
            }
        }
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Reads an export folder's JSON Lines files: its records, and its treaty-status rows when the
/// folder has them. Every line that does not parse is reported with its file and line number.
pub fn read_export_dir(
    dir: &std::path::Path,
) -> anyhow::Result<(Vec<Record>, Option<Vec<Ratification>>)> {
    use std::io::BufRead;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut ratifications = None;
    for table in TABLES {
        let path = dir.join(format!("{}.jsonl", table.name()));
        if !path.exists() {
            if table.kind().is_some() {
                problems.push(format!("{} is missing", path.display()));
            }
            continue;
        }
        let file = std::io::BufReader::new(std::fs::File::open(&path)?);
        let mut rows = Vec::new();
        for (n, line) in file.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed = serde_json::from_str::<Value>(&line).map_err(|e| e.to_string());
            let at = format!("{}.jsonl line {}", table.name(), n + 1);
            match (table.kind(), parsed) {
                (_, Err(e)) => problems.push(format!("{at}: {e}")),
                (Some(kind), Ok(v)) => match record_from_json(v) {
                    Ok(r) if r.kind() == kind => records.push(r),
                    Ok(r) => problems.push(format!(
                        "{at}: a {} in the {} file",
                        r.kind().code(),
                        table.name()
                    )),
                    Err(e) => problems.push(format!("{at}: {e}")),
                },
                (None, Ok(v)) => match serde_json::from_value::<Ratification>(v) {
                    Ok(r) => rows.push(r),
                    Err(e) => problems.push(format!("{at}: {e}")),
                },
            }
        }
        if table.kind().is_none() {
            ratifications = Some(rows);
        }
    }
    if !problems.is_empty() {
        anyhow::bail!(
            "the export in {} has {} problem(s); nothing was imported:\n  {}",
            dir.display(),
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok((records, ratifications))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field a record or row has is a column of the dictionary, and every column is a
    /// field: a new field cannot silently miss the CSV or the dictionary.
    #[test]
    fn the_dictionary_covers_every_field_of_every_seed_record() {
        let seed = crate::seed::SeedFiles::load(None).unwrap().parse().unwrap();
        let privacy = SmallCounts::default();
        let mut checked = 0;
        for table in TABLES {
            let columns: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
            let rows: Vec<Value> = match table.kind() {
                Some(kind) => seed
                    .records
                    .iter()
                    .filter(|r| r.kind() == kind)
                    .map(|r| record_json(r, privacy))
                    .collect(),
                None => seed.ratifications.iter().map(ratification_json).collect(),
            };
            for row in rows {
                let mut fields: Vec<String> = flatten(&row, privacy).keys().cloned().collect();
                fields.sort();
                let mut expected: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
                expected.sort();
                assert_eq!(fields, expected, "{}", table.name());
                checked += 1;
            }
        }
        assert!(checked > 400);
    }

    #[test]
    fn small_victim_counts_never_leave_in_either_format() {
        let seed = crate::seed::SeedFiles::load(None).unwrap().parse().unwrap();
        let privacy = SmallCounts { threshold: 11 };
        let case = seed
            .records
            .iter()
            .find(|r| match r {
                Record::Case(c) => c.outcome.victims_by_group.iter().any(|g| g.count < 11),
                _ => false,
            })
            .expect("a seed case with a small group");
        let json = record_json(case, privacy);
        for g in json["outcome"]["victims_by_group"].as_array().unwrap() {
            let shown = g["count"].as_i64();
            assert!(shown.is_none_or(|n| n >= 11), "{g}");
            assert_eq!(shown.is_none(), g["suppressed"] == true);
        }
        let mut writer = TableWriter::new(Vec::new(), Table::Cases, Format::Csv, privacy).unwrap();
        writer.write(&json).unwrap();
        let text = String::from_utf8(writer.finish().unwrap()).unwrap();
        assert!(text.contains("<11"), "{text}");
        let back = record_from_json(json).unwrap();
        let Record::Case(back) = back else { panic!() };
        assert!(back.outcome.victims_by_group.iter().all(|g| g.count >= 11));
    }
}
