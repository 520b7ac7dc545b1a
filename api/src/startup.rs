//! Builds the application from settings, binds it and runs it.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

use std::sync::atomic::{AtomicBool, Ordering};
use tipx_schema::graphql::{build_schema, QueryLimits};
use tipx_schema::search::SearchBackend;

use tipx_schema::store::{HeldLock, NodeInfo, Store};
use tokio::sync::Notify;

use crate::config::Settings;
use crate::graphiql::GraphiqlAssets;
use crate::http::{routes, AppState};
use crate::indexer;
use crate::search::{EmbeddedSearch, MeiliSearch};
use crate::seed::{import_if_changed, SeedFiles, SeedOutcome};
use crate::store::{CountingStore, PgStore, SqliteStore};
use crate::widgets::WidgetAssets;

/// A bound, ready-to-run server.
pub struct Application {
    addr: SocketAddr,
    server: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    stop: tokio::sync::oneshot::Sender<()>,
    node: Node,
}

/// How often a node reports itself in the store, and how long a silent one still counts.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(5);
pub const NODE_ALIVE_SECS: u64 = 15;

/// This node: its report in the store and its background tasks (indexer, heartbeat), which
/// end with it.
struct Node {
    store: Arc<dyn Store>,
    info: NodeInfo,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Held while the node lives: another node that finds it free knows this one is gone,
    /// even before its report expires.
    alive: Option<Box<dyn HeldLock>>,
}

/// The lock a node holds for as long as it lives.
fn node_lock(id: &str) -> String {
    format!("node:{id}")
}

impl Node {
    /// Leaves the deployment: stops the background tasks and removes the node's report.
    async fn leave(mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        self.alive = None;
        if let Err(err) = self.store.node_leave(&self.info.id).await {
            tracing::warn!(error = %err, "could not remove this node's report from the store");
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn new_node_id() -> String {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    format!(
        "node_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// Several nodes on one store must share one search index: an embedded index belongs to one
/// node, so another live node on the store (or one of them on an embedded index) is refused.
async fn refuse_embedded_with_several_nodes(
    store: &dyn Store,
    me: &NodeInfo,
) -> anyhow::Result<()> {
    let mut others = Vec::new();
    for other in store.live_nodes(NODE_ALIVE_SECS).await? {
        if other.node.id == me.id {
            continue;
        }
        // A node that died without leaving (SIGKILL, a crash) no longer holds its lock:
        // forget it at once rather than after its report expires.
        if store.try_lock(&node_lock(&other.node.id)).await?.is_some() {
            tracing::info!(node = %other.node.id, "a node that stopped without leaving is forgotten");
            store.node_leave(&other.node.id).await?;
            continue;
        }
        others.push(other);
    }
    let clash = others.iter().find(|n| {
        me.search == "embedded" || n.node.search == "embedded" || n.node.search != me.search
    });
    if let Some(other) = clash {
        let _ = store.node_leave(&me.id).await;
        anyhow::bail!(
            "another tipx node ({} at {}, search: {}) uses this store, and this node's search is {}: \
             several nodes need one shared Meilisearch (set search.meili_url on every node), since \
             an embedded index only sees the changes its own node applies. Stop the other node, or \
             wait {NODE_ALIVE_SECS} s if it has just stopped.",
            other.node.id,
            other.node.addr,
            other.node.search,
            me.search
        );
    }
    Ok(())
}

/// Opens the configured store (PostgreSQL when a database URL is set, else SQLite in the data
/// folder), applying pending migrations, wrapped with call counters.
pub async fn open_store(
    settings: &Settings,
) -> anyhow::Result<(Arc<dyn Store>, Arc<crate::store::StoreCalls>)> {
    let counting = match &settings.storage.database_url {
        Some(url) => {
            let pg = PgStore::connect(&url.0, settings.storage.database_pool_size)
                .await
                .context("opening the PostgreSQL store")?;
            tracing::info!(database = %pg.describe(), "store opened");
            CountingStore::new(pg)
        }
        None => {
            let sqlite = SqliteStore::open(&settings.storage.data_dir).with_context(|| {
                format!(
                    "opening the store in {}",
                    settings.storage.data_dir.display()
                )
            })?;
            tracing::info!(path = %sqlite.path().display(), "store opened");
            CountingStore::new(sqlite)
        }
    };
    let calls = counting.calls();
    Ok((Arc::new(counting), calls))
}

/// Opens the configured search backend: Meilisearch when a URL is set, else the embedded index.
pub async fn open_search(settings: &Settings) -> anyhow::Result<Arc<dyn SearchBackend>> {
    match &settings.search.meili_url {
        Some(url) => {
            let backend = MeiliSearch::connect(
                url,
                settings.search.meili_key.as_ref().map(|k| k.0.as_str()),
                &settings.search.meili_index,
                std::time::Duration::from_secs(settings.search.meili_timeout_secs),
            )
            .await
            .with_context(|| format!("connecting to Meilisearch at {url}"))?;
            tracing::info!(%url, index = %settings.search.meili_index, "search: Meilisearch");
            Ok(Arc::new(backend))
        }
        None => {
            let backend = EmbeddedSearch::open(&settings.storage.data_dir).with_context(|| {
                format!(
                    "opening the search index in {}",
                    settings.storage.data_dir.display()
                )
            })?;
            tracing::info!("search: embedded index");
            Ok(Arc::new(backend))
        }
    }
}

/// Queues every published record for indexing when the search index is empty and nothing
/// is queued yet (a new data folder, a new Meilisearch index). This only writes outbox rows;
/// the indexer fills the index in the background while the server already answers, and
/// `/health` says when search has caught up.
async fn queue_full_index_if_empty(store: &dyn Store, search: &dyn SearchBackend) {
    let status = search.status().await;
    if status.available && status.documents == Some(0) {
        if let Ok(stats) = store.outbox_stats().await {
            if stats.pending == 0 {
                if let Ok(n) = store.outbox_enqueue_all().await {
                    tracing::info!(
                        records = n,
                        "search index is empty; indexing every record in the background"
                    );
                }
            }
        }
    }
}

impl Application {
    /// Opens the store, imports the seed if it changed, and binds the address (port 0 picks
    /// a free port: see [`Application::addr`]).
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let (store, calls) = open_store(&settings).await?;
        if settings.seed.load_on_start {
            let files = SeedFiles::load(settings.seed.dir.as_deref())?;
            match import_if_changed(store.as_ref(), &files, false).await? {
                SeedOutcome::Unchanged => {
                    tracing::info!(origin = %files.origin, "seed unchanged since last import")
                }
                SeedOutcome::Imported(outcome) => {
                    let r = &outcome.report;
                    tracing::info!(
                        origin = %files.origin,
                        inserted = r.inserted,
                        updated = r.updated,
                        unchanged = r.unchanged,
                        skipped = outcome.skipped.len(),
                        "seed imported"
                    );
                    for (id, why) in &outcome.skipped {
                        tracing::warn!(record.id = %id, reason = %why, "seed record skipped");
                    }
                }
            }
        }
        let search_errors = Arc::new(crate::search::SearchErrors::default());
        let search: Arc<dyn SearchBackend> = Arc::new(crate::search::CountedSearch::new(
            open_search(&settings).await?,
            search_errors.clone(),
        ));
        let listener = tokio::net::TcpListener::bind(settings.server.addr)
            .await
            .with_context(|| format!("binding {}", settings.server.addr))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let mut info = NodeInfo {
            id: new_node_id(),
            addr: addr.to_string(),
            search: search.name().to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            started_at: chrono::Utc::now(),
            drains_outbox: false,
        };
        let alive = store
            .lock(&node_lock(&info.id))
            .await
            .context("taking this node's lock in the store")?;
        store
            .node_heartbeat(&info)
            .await
            .context("reporting this node in the store")?;
        refuse_embedded_with_several_nodes(store.as_ref(), &info).await?;
        queue_full_index_if_empty(store.as_ref(), search.as_ref()).await;
        let wake = Arc::new(Notify::new());
        let draining = Arc::new(AtomicBool::new(false));
        let indexer_task = tokio::spawn(indexer::run(
            store.clone(),
            search.clone(),
            wake.clone(),
            draining.clone(),
        ));
        let feed = Arc::new(tipx_schema::core::feed::ChangeFeed::default());
        let feed_wake = Arc::new(Notify::new());
        let feed_task = tokio::spawn(crate::feed::run(
            store.clone(),
            feed.clone(),
            feed_wake.clone(),
        ));
        let privacy = tipx_schema::core::privacy::SmallCounts {
            threshold: settings.privacy.min_victim_count,
        };
        let webhooks_task = tokio::spawn(crate::webhooks::run(
            crate::webhooks::Dispatcher::new(store.clone(), &settings.webhooks, privacy)
                .context("starting the webhook dispatcher")?,
        ));
        let heartbeat_task = {
            let (store, mut info) = (store.clone(), info.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(HEARTBEAT).await;
                    info.drains_outbox = draining.load(Ordering::Relaxed);
                    if let Err(err) = store.node_heartbeat(&info).await {
                        tracing::warn!(error = %err, "could not report this node in the store");
                    }
                }
            })
        };
        info.drains_outbox = false;
        let g = &settings.graphql;
        let limits = QueryLimits {
            max_depth: g.max_depth,
            max_complexity: g.max_complexity,
            max_query_bytes: g.max_query_bytes,
            max_fields: g.max_fields,
            max_root_fields: g.max_root_fields,
            max_directives: g.max_directives,
            field_suggestions: g.field_suggestions,
        };
        let widgets = load_widgets(&settings.server.widgets_dir)?;
        let graphiql = load_graphiql(&settings.server.graphiql_dir)?;
        let (closing, closing_rx) = tokio::sync::watch::channel(false);
        let state = AppState {
            schema: build_schema(
                store.clone(),
                search.clone(),
                limits,
                privacy,
                Arc::new(crate::keys::OsEntropy),
                feed,
                tipx_schema::core::webhooks::WebhookPolicy {
                    allow_private_targets: settings.webhooks.allow_private_targets,
                },
            ),
            store,
            search,
            calls,
            max_body_bytes: settings.server.max_body_bytes,
            cache_max_age_secs: settings.server.cache_max_age_secs,
            widgets,
            graphiql,
            indexer: wake,
            persisted: Arc::new(crate::http::PersistedQueries::default()),
            bench_route: settings.server.bench_route,
            node_id: info.id.clone(),
            privacy,
            feed_wake,
            websockets: Arc::new(tokio::sync::Semaphore::new(settings.server.max_websockets)),
            rate: crate::http::rate::RateLimits::new(&settings.rate_limits),
            query_timeout: (settings.graphql.timeout_ms > 0)
                .then(|| std::time::Duration::from_millis(settings.graphql.timeout_ms)),
            closing: closing_rx,
            metrics: Arc::new(crate::http::metrics::HttpMetrics::default()),
            search_errors,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let store_for_node = state.store.clone();
        let mut tasks = vec![indexer_task, heartbeat_task, feed_task, webhooks_task];
        if let Some(rate) = state.rate.clone() {
            // Memory follows the clients of the last minutes, not every client ever seen.
            tasks.push(tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    rate.forget_idle();
                }
            }));
        }
        let metrics = state.metrics.clone();
        let server = crate::http::serve::serve(
            warp::service(routes(state)),
            listener,
            metrics,
            async move {
                let _ = stopped.await;
                // Upgraded connections outlive the HTTP server's graceful wait: close them.
                let _ = closing.send(true);
            },
        );
        Ok(Application {
            addr,
            server: Box::pin(server),
            stop,
            node: Node {
                store: store_for_node,
                info,
                tasks,
                alive: Some(alive),
            },
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run(self) {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then finishes the requests in flight and leaves the
    /// deployment (the node's report is removed from the store).
    pub async fn run_until(self, signal: impl std::future::Future<Output = ()>) {
        let Application {
            mut server,
            stop,
            node,
            ..
        } = self;
        tokio::select! {
            _ = &mut server => {}
            _ = signal => {
                let _ = stop.send(());
                server.await;
            }
        }
        node.leave().await;
    }
}

/// Reads the built widgets. A missing folder is not an error (the API works without them);
/// a folder with a missing or broken file is.
fn load_widgets(dir: &std::path::Path) -> anyhow::Result<Option<Arc<WidgetAssets>>> {
    match WidgetAssets::load(dir)
        .with_context(|| format!("loading the widgets from {}", dir.display()))?
    {
        Some(assets) => {
            tracing::info!(
                version = %assets.version,
                search_first_load_gzip_bytes = assets.first_load_gzip("search"),
                country_first_load_gzip_bytes = assets.first_load_gzip("country"),
                record_first_load_gzip_bytes = assets.first_load_gzip("record"),
                "widgets served at /widgets/"
            );
            Ok(Some(Arc::new(assets)))
        }
        None => {
            tracing::warn!(
                dir = %dir.display(),
                "no built widgets: /widgets/ answers WIDGETS_NOT_BUILT (run scripts/build-widgets.sh)"
            );
            Ok(None)
        }
    }
}

/// Reads GraphiQL's built files; like the widgets, a missing folder is not an error.
fn load_graphiql(dir: &std::path::Path) -> anyhow::Result<Option<Arc<GraphiqlAssets>>> {
    match GraphiqlAssets::load(dir)
        .with_context(|| format!("loading GraphiQL from {}", dir.display()))?
    {
        Some(assets) => {
            tracing::info!(version = %assets.version, packages = %assets.packages, "GraphiQL served at /graphiql");
            Ok(Some(Arc::new(assets)))
        }
        None => {
            tracing::warn!(
                dir = %dir.display(),
                "no built GraphiQL: /graphiql answers GRAPHIQL_NOT_BUILT (run scripts/build-graphiql.sh)"
            );
            Ok(None)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
