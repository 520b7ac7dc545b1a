//! `tipx`: the TIP Exchange server and its maintenance commands. `main` only wires.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use tipx_api::config::{LogFormat, Overrides, Settings};
use tipx_api::seed::{import_if_changed, SeedFiles, SeedOutcome};
use tipx_api::startup::{open_search, open_store, Application};

/// TIP Exchange: laws, practices and successful cases against trafficking in persons.
///
/// Settings come from defaults, then a TOML file (--config, or ./tipx.toml if present), then
/// TIPX__SECTION__KEY environment variables (e.g. TIPX__SERVER__ADDR), then these flags.
/// Every setting, shown by `tipx --help` (the README has the same table).
const SETTINGS_HELP: &str = "\
Settings (TOML key / environment variable / default):
  server.addr                 TIPX__SERVER__ADDR                 127.0.0.1:8080
  server.max_body_bytes       TIPX__SERVER__MAX_BODY_BYTES       262144
  server.cache_max_age_secs   TIPX__SERVER__CACHE_MAX_AGE_SECS   60
  server.widgets_dir          TIPX__SERVER__WIDGETS_DIR          widgets/dist
  server.graphiql_dir         TIPX__SERVER__GRAPHIQL_DIR         api/graphiql/dist
  storage.data_dir            TIPX__STORAGE__DATA_DIR            tipx-data
  storage.database_url        TIPX__STORAGE__DATABASE_URL        (unset: SQLite in the data folder)
  storage.database_pool_size  TIPX__STORAGE__DATABASE_POOL_SIZE  16
  seed.dir                    TIPX__SEED__DIR                    (the seed built into tipx)
  seed.load_on_start          TIPX__SEED__LOAD_ON_START          true
  graphql.max_depth           TIPX__GRAPHQL__MAX_DEPTH           12
  graphql.max_complexity      TIPX__GRAPHQL__MAX_COMPLEXITY      5000
  search.meili_url            TIPX__SEARCH__MEILI_URL            (unset: embedded index)
  search.meili_key            TIPX__SEARCH__MEILI_KEY            (unset)
  search.meili_index          TIPX__SEARCH__MEILI_INDEX          tipx-records
  search.meili_timeout_secs   TIPX__SEARCH__MEILI_TIMEOUT_SECS   60
  privacy.min_victim_count    TIPX__PRIVACY__MIN_VICTIM_COUNT    11
  log.filter                  TIPX__LOG__FILTER                  info
  log.format                  TIPX__LOG__FORMAT                  text (or json)";

#[derive(Parser, Debug)]
#[command(name = "tipx", version, about, long_about, after_long_help = SETTINGS_HELP)]
struct Cli {
    /// A TOML settings file.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server: GraphQL API at /graphql, GraphiQL at /graphiql, health at /health.
    Serve(ServeArgs),
    /// Import the seed files into the store, or only check them with --check.
    Seed(SeedArgs),
    /// Rebuild the search index from the store (built aside, then swapped in).
    Reindex(ReindexArgs),
    /// Manage API keys for contributors, moderators and admins (also while the server runs).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Generate a synthetic seed folder for benchmarks (--records N --seed S --out DIR), or an
    /// artefact from the code (tipx gen schema).
    Gen(GenArgs),
    /// Apply the store's pending schema migrations (they also run at start, under a lock), or
    /// with --check list what has run and what would run, changing nothing (exit code 1 when
    /// something would run).
    Migrate(MigrateArgs),
    /// Write every published law, practice, case and treaty-status row to a folder, as JSON
    /// Lines or CSV, with a data dictionary and the licences.
    Export(ExportArgs),
    /// Load an export's JSON Lines files (tipx export --format jsonl) into an empty store: the
    /// records keep their versions and dates; the reference data comes from the seed.
    Import(ImportArgs),
    /// Copy every record, version, history entry, key and the reference data from one store
    /// into an empty one, e.g. from SQLite to PostgreSQL; then check the copy. Stop writes first.
    Copy(CopyArgs),
}

#[derive(Args, Debug)]
struct MigrateArgs {
    /// Only list applied and pending migrations; change nothing.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// jsonl (one record per line, loadable with tipx import) or csv (the dictionary's columns).
    #[arg(long, value_name = "FORMAT", default_value = "jsonl", value_parser = ["jsonl", "csv"])]
    format: String,
    /// Folder to write laws, practices, cases and treaty-status files into (created if needed).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
struct ImportArgs {
    /// The folder tipx export --format jsonl wrote.
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
struct CopyArgs {
    /// The store to copy: a data folder (SQLite, e.g. ./tipx-data or sqlite:./tipx-data) or a
    /// postgres:// URL.
    #[arg(long, value_name = "STORE")]
    from: String,
    /// The empty store to copy into: a data folder or a postgres:// URL (prefer
    /// TIPX__STORAGE__DATABASE_URL and --to-configured, so the password stays out of process lists).
    #[arg(long, value_name = "STORE", required_unless_present = "to_configured")]
    to: Option<String>,
    /// Copy into the store the settings name (storage.database_url, else storage.data_dir).
    #[arg(long, conflicts_with = "to")]
    to_configured: bool,
}

#[derive(Args, Debug)]
struct StoreArgs {
    /// Folder for the embedded database and index [default: ./tipx-data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL, postgres://user:password@host:5432/db [default: none, SQLite in the data
    /// folder]. Prefer TIPX__STORAGE__DATABASE_URL: flags show in process lists.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Folder with seed files [default: the seed built into tipx].
    #[arg(long, value_name = "DIR")]
    seed_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SearchArgs {
    /// Meilisearch URL [default: none, the embedded index is used].
    #[arg(long, value_name = "URL")]
    meili_url: Option<String>,
    /// Meilisearch API key (prefer TIPX__SEARCH__MEILI_KEY: flags show in process lists).
    #[arg(long, value_name = "KEY")]
    meili_key: Option<String>,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<SocketAddr>,
    /// Folder with the built widgets, served at /widgets/ [default: ./widgets/dist].
    #[arg(long, value_name = "DIR")]
    widgets_dir: Option<PathBuf>,
    /// Folder with GraphiQL's built files, served at /graphiql [default: ./api/graphiql/dist].
    #[arg(long, value_name = "DIR")]
    graphiql_dir: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    search: SearchArgs,
}

#[derive(Args, Debug)]
struct ReindexArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    search: SearchArgs,
}

#[derive(Args, Debug)]
struct SeedArgs {
    /// Only validate the seed files and print what they hold; change nothing.
    #[arg(long)]
    check: bool,
    /// Print the seed catalogue (counts per kind and region) as Markdown; change nothing.
    #[arg(long, conflicts_with = "check")]
    catalogue: bool,
    /// With --catalogue: write to this file instead of standard output.
    #[arg(long, value_name = "FILE", requires = "catalogue")]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Create a key and print its secret once.
    Create {
        /// contributor (its countries only), partner (reads, registers webhooks), moderator
        /// (reviews every country) or admin.
        #[arg(long, value_parser = ["contributor", "partner", "moderator", "admin"])]
        role: String,
        /// A country the key speaks for (ISO alpha-2); repeat for several. Contributors only.
        #[arg(long = "country", value_name = "CODE")]
        countries: Vec<String>,
        /// The organisation the key acts for, shown as who shared a record (never a person).
        #[arg(long, value_name = "NAME")]
        org: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List every key (id, prefix, role, organisation, countries, state); never secrets.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a key: it is refused from the next request on.
    Revoke {
        /// The key's id (key_…), from tipx keys list.
        id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Give a key a new secret (printed once); the old one stops working at once.
    Rotate {
        /// The key's id (key_…), from tipx keys list.
        id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct GenArgs {
    #[command(subcommand)]
    what: Option<GenCommand>,
    /// How many synthetic records to add to the real ones (kinds in the real proportions).
    #[arg(long, value_name = "N", required = true)]
    records: Option<usize>,
    /// The random seed: the same seed and count give the same folder.
    #[arg(long, value_name = "SEED", default_value_t = 42)]
    seed: u64,
    /// The folder to write (created if missing; the seed files in it are replaced).
    #[arg(long, value_name = "DIR", required = true)]
    out: Option<PathBuf>,
    /// The seed to copy and imitate [default: the seed built into tipx].
    #[arg(long, value_name = "DIR")]
    seed_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum GenCommand {
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn init_logging(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.log.filter).unwrap_or_else(|err| {
        eprintln!(
            "warning: log filter '{}' is invalid ({err}); using 'info'",
            settings.log.filter
        );
        EnvFilter::new("info")
    });
    // Colours only for a person at a terminal: a log file or collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match settings.log.format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            let (code, hint) = storage_failure(&err);
            if let Some(hint) = hint {
                eprintln!("{hint}");
            }
            code
        }
    }
}

/// The exit code of a failed command (sysexits.h), and a hint for the two storage failures an
/// operator can fix: a data folder that cannot be written (73, `EX_CANTCREAT`) and a full disk
/// (74, `EX_IOERR`). Anything else is 1. The causes arrive as text from SQLite or the system.
fn storage_failure(err: &anyhow::Error) -> (ExitCode, Option<&'static str>) {
    let text = format!("{err:#}");
    let any = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if text.starts_with("binding") {
        // A port the process may not use: not the data folder's business.
        (ExitCode::FAILURE, None)
    } else if any(&[
        "database or disk is full",
        "No space left on device",
        "os error 28",
    ]) {
        (
            ExitCode::from(74),
            Some("the disk holding the data folder is full: free space (or choose another folder with --data-dir) and start again; what was being written was rolled back whole"),
        )
    } else if any(&[
        "Read-only file system",
        "readonly database",
        "Permission denied",
        "os error 30",
        "os error 13",
    ]) {
        (
            ExitCode::from(73),
            Some("the data folder cannot be written: give tipx a folder it may write (--data-dir, or TIPX__STORAGE__DATA_DIR), or fix its permissions"),
        )
    } else {
        (ExitCode::FAILURE, None)
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            let overrides = Overrides {
                addr: args.addr,
                widgets_dir: args.widgets_dir,
                graphiql_dir: args.graphiql_dir,
                data_dir: args.store.data_dir,
                database_url: args.store.database_url,
                seed_dir: args.store.seed_dir,
                meili_url: args.search.meili_url,
                meili_key: args.search.meili_key,
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            tracing::debug!(?settings, "settings");
            let app = Application::build(settings).await?;
            let addr = app.addr();
            tracing::info!(%addr, "listening");
            eprintln!("TIP Exchange is running:\n  Widgets   http://{addr}/ (demo page with every widget and its snippet)\n  GraphQL   http://{addr}/graphql\n  GraphiQL  http://{addr}/graphiql\n  Health    http://{addr}/health\nPress Ctrl-C to stop.");
            app.run().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed(args) => {
            let overrides = Overrides {
                data_dir: args.store.data_dir,
                database_url: args.store.database_url,
                seed_dir: args.store.seed_dir,
                ..Overrides::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            let files = SeedFiles::load(settings.seed.dir.as_deref())?;
            if args.check {
                return Ok(check_seed(&files));
            }
            if args.catalogue {
                let seed = files.parse().map_err(|issues| {
                    anyhow::anyhow!(
                        "the seed has {} problem(s); run tipx seed --check",
                        issues.len()
                    )
                })?;
                let text = tipx_schema::seed::catalogue(&seed);
                match args.out {
                    Some(path) => {
                        std::fs::write(&path, text)
                            .with_context(|| format!("writing {}", path.display()))?;
                        eprintln!("wrote {}", path.display());
                    }
                    None => print!("{text}"),
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (store, _) = open_store(&settings).await?;
            eprintln!(
                "importing {} into {} …",
                files.origin,
                settings.storage.data_dir.display()
            );
            match import_if_changed(store.as_ref(), &files, true).await? {
                SeedOutcome::Imported(outcome) => {
                    let r = &outcome.report;
                    println!(
                        "seed imported: {} inserted, {} updated, {} unchanged, {} skipped",
                        r.inserted,
                        r.updated,
                        r.unchanged,
                        outcome.skipped.len()
                    );
                    for (id, why) in &outcome.skipped {
                        println!("  skipped {id}: {why}");
                    }
                }
                SeedOutcome::Unchanged => println!("seed unchanged"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex(args) => {
            let overrides = Overrides {
                data_dir: args.store.data_dir,
                database_url: args.store.database_url,
                seed_dir: args.store.seed_dir,
                meili_url: args.search.meili_url,
                meili_key: args.search.meili_key,
                ..Overrides::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            let (store, _) = open_store(&settings).await?;
            let search = open_search(&settings).await?;
            let records = tipx_api::indexer::published_count(store.as_ref()).await?;
            let bar = indicatif::ProgressBar::new(records);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {pos}/{len} records ({elapsed})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message(format!("reindexing into {}", search.name()));
            let started = std::time::Instant::now();
            let n = tipx_api::indexer::rebuild(store.as_ref(), search.as_ref(), &|k| bar.inc(k))
                .await?;
            bar.finish_and_clear();
            println!(
                "reindexed {n} records into the {} index in {:.1}s",
                search.name(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(command) => {
            let store_args = match &command {
                KeysCommand::Create { store, .. }
                | KeysCommand::List { store }
                | KeysCommand::Revoke { store, .. }
                | KeysCommand::Rotate { store, .. } => store,
            };
            let overrides = Overrides {
                data_dir: store_args.data_dir.clone(),
                database_url: store_args.database_url.clone(),
                seed_dir: store_args.seed_dir.clone(),
                ..Overrides::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            let (store, _) = open_store(&settings).await?;
            // A key names countries, which come with the seed: a fresh data folder gets it.
            if settings.seed.load_on_start {
                let files = SeedFiles::load(settings.seed.dir.as_deref())?;
                import_if_changed(store.as_ref(), &files, false).await?;
            }
            let mut out = std::io::stdout();
            match command {
                KeysCommand::Create {
                    role,
                    countries,
                    org,
                    ..
                } => {
                    let role = tipx_schema::core::Role::from_code(&role.to_uppercase())
                        .context("unknown role")?;
                    let countries = countries
                        .iter()
                        .map(|c| {
                            tipx_schema::ids::CountryCode::parse(c)
                                .map_err(|e| anyhow::anyhow!("--country {c}: {e}"))
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    tipx_api::keys::create(store.as_ref(), role, org, countries, &mut out).await?
                }
                KeysCommand::List { .. } => tipx_api::keys::list(store.as_ref(), &mut out).await?,
                KeysCommand::Revoke { id, .. } => {
                    tipx_api::keys::revoke(store.as_ref(), &id, &mut out).await?
                }
                KeysCommand::Rotate { id, .. } => {
                    tipx_api::keys::rotate(store.as_ref(), &id, &mut out).await?
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(args) => {
            let overrides = Overrides {
                data_dir: args.store.data_dir,
                database_url: args.store.database_url,
                ..Overrides::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            let location = configured_store(&settings);
            if args.check {
                let status = location.migration_status().await?;
                println!("store: {}", location.describe());
                for (migration, applied) in &status {
                    let state = if *applied { "applied" } else { "pending" };
                    println!("  {state}  {}", migration.name);
                }
                let pending = status.iter().filter(|(_, applied)| !applied).count();
                if pending == 0 {
                    println!("up to date: nothing would run");
                    return Ok(ExitCode::SUCCESS);
                }
                println!(
                    "{pending} migration(s) would run (tipx migrate, or any tipx serve, runs them)"
                );
                return Ok(ExitCode::from(1));
            }
            let before = location.migration_status().await?;
            location.open().await?;
            let ran = before.iter().filter(|(_, applied)| !applied).count();
            println!(
                "{}: {ran} migration(s) applied, {} in all",
                location.describe(),
                before.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(args) => {
            let overrides = Overrides {
                data_dir: args.store.data_dir,
                database_url: args.store.database_url,
                seed_dir: args.store.seed_dir,
                ..Overrides::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            let (store, _) = open_store(&settings).await?;
            if settings.seed.load_on_start {
                let files = SeedFiles::load(settings.seed.dir.as_deref())?;
                import_if_changed(store.as_ref(), &files, false).await?;
            }
            let format =
                tipx_api::export::Format::from_extension(&args.format).context("unknown format")?;
            let privacy = tipx_schema::core::privacy::SmallCounts {
                threshold: settings.privacy.min_victim_count,
            };
            let started = std::time::Instant::now();
            let written =
                tipx_api::export::export_to_dir(store.as_ref(), format, &args.out, privacy).await?;
            for (table, n) in &written.rows {
                println!("  {}.{}: {n} rows", table.name(), format.extension());
            }
            println!(
                "exported to {} in {:.1} s, with DATA-DICTIONARY.md and LICENCE.md",
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => {
            let overrides = Overrides {
                data_dir: args.store.data_dir,
                database_url: args.store.database_url,
                seed_dir: args.store.seed_dir,
                ..Overrides::default()
            };
            let settings = Settings::load(cli.config.as_deref(), &overrides)?;
            init_logging(&settings);
            let (records, ratifications) = tipx_api::export::read_export_dir(&args.from)?;
            let files = SeedFiles::load(settings.seed.dir.as_deref())?;
            let mut reference = files.parse().map_err(|issues| {
                anyhow::anyhow!(
                    "the seed has {} problem(s); run tipx seed --check",
                    issues.len()
                )
            })?;
            reference.records.clear();
            if let Some(rows) = ratifications {
                reference.ratifications = rows;
            }
            let (store, _) = open_store(&settings).await?;
            let n = tipx_schema::core::import::import_records(
                store.as_ref(),
                &tipx_schema::core::Actor::system("import"),
                &reference,
                &records,
                &args.from.display().to_string(),
                chrono::Utc::now(),
            )
            .await?;
            // The seed's reference data is in; its records must not follow at the next start.
            tipx_api::seed::mark_imported(store.as_ref(), &files).await?;
            println!(
                "imported {n} records and {} treaty-status rows from {}",
                reference.ratifications.len(),
                args.from.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Copy(args) => {
            let settings = Settings::load(cli.config.as_deref(), &Overrides::default())?;
            init_logging(&settings);
            let from = tipx_api::copy::StoreLocation::parse(&args.from);
            let to = match args.to {
                Some(to) => tipx_api::copy::StoreLocation::parse(&to),
                None => configured_store(&settings),
            };
            tipx_api::copy::copy(&from, &to, &mut std::io::stdout()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen(GenArgs {
            what: None,
            records: Some(records),
            seed,
            out: Some(out),
            seed_dir,
        }) => {
            let base = SeedFiles::load(seed_dir.as_deref())?;
            let started = std::time::Instant::now();
            let done = tipx_api::synthetic::write_folder(&base, records, seed, &out)?;
            eprintln!(
                "wrote {}: {} real and {} synthetic records (seed {seed}) in {:.1} s; SYNTHETIC, not facts: see its README.md",
                out.display(),
                done.real,
                done.synthetic,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen(GenArgs { what: None, .. }) => {
            anyhow::bail!("tipx gen needs --records N --out DIR, or a subcommand (tipx gen schema)")
        }
        Command::Gen(GenArgs {
            what: Some(GenCommand::Schema { out }),
            ..
        }) => {
            let sdl = tipx_schema::graphql::sdl();
            match out {
                Some(path) => {
                    std::fs::write(&path, sdl)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("wrote {}", path.display());
                }
                None => print!("{sdl}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The store the settings name: PostgreSQL when a database URL is set, else SQLite.
fn configured_store(settings: &Settings) -> tipx_api::copy::StoreLocation {
    match &settings.storage.database_url {
        Some(url) => tipx_api::copy::StoreLocation::Postgres(url.0.clone()),
        None => tipx_api::copy::StoreLocation::Sqlite(settings.storage.data_dir.clone()),
    }
}

/// `tipx seed --check`: print every problem, or what the seed holds.
fn check_seed(files: &SeedFiles) -> ExitCode {
    match files.parse() {
        Ok(seed) => {
            let c = seed.counts();
            println!("seed OK ({})", files.origin);
            println!(
                "  {} regions, {} countries, {} instruments, {} ratification rows",
                c.regions, c.countries, c.instruments, c.ratifications
            );
            println!(
                "  {} laws, {} practices, {} cases",
                c.laws, c.practices, c.cases
            );
            ExitCode::SUCCESS
        }
        Err(issues) => {
            eprintln!(
                "seed check failed: {} problem(s) in {}",
                issues.len(),
                files.origin
            );
            for issue in &issues {
                eprintln!("  {issue}");
            }
            ExitCode::FAILURE
        }
    }
}
