//! What a node counts for `/metrics`: requests by route and status, GraphQL operations by name
//! and outcome, latencies as histograms, failed keys. Per node and in memory, as Prometheus
//! expects (it scrapes each node and adds them up).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Distinct operation names kept; past this, new names are counted as `other` so a client
/// cannot grow the table (or a scraper's memory) without end.
const MAX_OPERATION_NAMES: usize = 200;

/// Longest operation name kept as it is.
const MAX_OPERATION_NAME: usize = 64;

#[derive(Default, Clone)]
struct Histogram {
    /// Observations at or under each bound of `BUCKETS` (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_secs: f64,
}

impl Histogram {
    fn observe(&mut self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum_secs += secs;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(self.buckets) {
            cumulative += n;
            out.push_str(&format!(
                "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}\n"
            ));
        }
        out.push_str(&format!(
            "{name}_bucket{{{labels},le=\"+Inf\"}} {}\n",
            self.count
        ));
        out.push_str(&format!("{name}_sum{{{labels}}} {}\n", self.sum_secs));
        out.push_str(&format!("{name}_count{{{labels}}} {}\n", self.count));
    }
}

#[derive(Default)]
struct Tables {
    /// (route, status) → requests.
    http: BTreeMap<(&'static str, u16), u64>,
    http_latency: BTreeMap<&'static str, Histogram>,
    /// (operation, outcome) → requests.
    graphql: BTreeMap<(String, String), u64>,
    graphql_latency: BTreeMap<String, Histogram>,
}

/// This node's request counters.
#[derive(Default)]
pub struct HttpMetrics {
    tables: Mutex<Tables>,
    key_failures: AtomicU64,
}

/// The route a path belongs to: a short, fixed set (a path itself could be anything).
fn route_of(path: &str) -> &'static str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "" => "home",
        "graphql" => "graphql",
        "graphiql" => "graphiql",
        "widgets" => "widgets",
        "export" => "export",
        "health" => "health",
        "metrics" => "metrics",
        "contribute" | "review" => "portal",
        _ => "other",
    }
}

/// An operation name as it is counted: itself when it is a plain GraphQL name of at most 64
/// characters, `anonymous` without one, `invalid` otherwise.
fn operation_label(name: Option<&str>) -> String {
    match name {
        None | Some("") => "anonymous".to_owned(),
        Some(n)
            if n.len() <= MAX_OPERATION_NAME
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            n.to_owned()
        }
        Some(_) => "invalid".to_owned(),
    }
}

impl HttpMetrics {
    pub fn record_http(&self, path: &str, status: u16, elapsed: Duration) {
        let route = route_of(path);
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        *t.http.entry((route, status)).or_default() += 1;
        t.http_latency.entry(route).or_default().observe(elapsed);
    }

    /// One GraphQL request: its operation name, `ok` or its first error code, and how long
    /// it took.
    pub fn record_graphql(&self, operation: Option<&str>, outcome: &str, elapsed: Duration) {
        let mut label = operation_label(operation);
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        if !t.graphql_latency.contains_key(&label) && t.graphql_latency.len() >= MAX_OPERATION_NAMES
        {
            label = "other".to_owned();
        }
        *t.graphql
            .entry((label.clone(), outcome.to_owned()))
            .or_default() += 1;
        t.graphql_latency.entry(label).or_default().observe(elapsed);
    }

    /// A request with a key this server does not know (or that was revoked).
    pub fn key_failed(&self) {
        self.key_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters in Prometheus' text format.
    pub fn write(&self, out: &mut String) {
        let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP tipx_http_requests_total HTTP requests, by route and status.\n# TYPE tipx_http_requests_total counter\n");
        for ((route, status), n) in &t.http {
            out.push_str(&format!(
                "tipx_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n"
            ));
        }
        out.push_str("# HELP tipx_http_request_duration_seconds Time to answer an HTTP request, by route.\n# TYPE tipx_http_request_duration_seconds histogram\n");
        for (route, h) in &t.http_latency {
            h.write(
                out,
                "tipx_http_request_duration_seconds",
                &format!("route=\"{route}\""),
            );
        }
        out.push_str("# HELP tipx_graphql_requests_total GraphQL requests, by operation name and outcome (ok or the first error code).\n# TYPE tipx_graphql_requests_total counter\n");
        for ((operation, outcome), n) in &t.graphql {
            out.push_str(&format!(
                "tipx_graphql_requests_total{{operation=\"{operation}\",outcome=\"{outcome}\"}} {n}\n"
            ));
        }
        out.push_str("# HELP tipx_graphql_duration_seconds Time to run a GraphQL request, by operation name.\n# TYPE tipx_graphql_duration_seconds histogram\n");
        for (operation, h) in &t.graphql_latency {
            h.write(
                out,
                "tipx_graphql_duration_seconds",
                &format!("operation=\"{operation}\""),
            );
        }
        out.push_str("# HELP tipx_key_failures_total Requests with an unknown or revoked API key.\n# TYPE tipx_key_failures_total counter\n");
        out.push_str(&format!(
            "tipx_key_failures_total {}\n",
            self.key_failures.load(Ordering::Relaxed)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_names_stay_a_small_set() {
        assert_eq!(route_of("/widgets/search.js"), "widgets");
        assert_eq!(route_of("/"), "home");
        assert_eq!(route_of("/wp-admin/x"), "other");
        assert_eq!(operation_label(Some("Search_1")), "Search_1");
        assert_eq!(operation_label(Some("a\"b")), "invalid");
        assert_eq!(operation_label(None), "anonymous");
        let m = HttpMetrics::default();
        for i in 0..(MAX_OPERATION_NAMES + 50) {
            m.record_graphql(Some(&format!("Op{i}")), "ok", Duration::from_millis(1));
        }
        let mut text = String::new();
        m.write(&mut text);
        assert!(
            text.contains("operation=\"other\",outcome=\"ok\"} 50"),
            "{text}"
        );
        assert!(!text.contains("Op210"));
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let mut h = Histogram::default();
        h.observe(Duration::from_millis(3));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(20));
        let mut out = String::new();
        h.write(&mut out, "x", "r=\"a\"");
        assert!(out.contains("x_bucket{r=\"a\",le=\"0.005\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{r=\"a\",le=\"0.05\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{r=\"a\",le=\"10\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{r=\"a\",le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("x_count{r=\"a\"} 3\n"), "{out}");
    }
}
