#!/usr/bin/env python3
"""Benchmarks tipx at scale, side by side with Meilisearch, in one run on one machine.

For each size (synthetic seed folders from `tipx gen`, real records included) it measures:
  - loading the records into search: tipx on its embedded index, tipx on Meilisearch, and the
    same documents sent straight to Meilisearch (one NDJSON upload, same index settings);
  - the widget's kind of search (words, filters, all facets, highlights), a typo query, an
    empty query with facets, a country profile and a record by id: p50 / p99 latency and
    requests/s with 1 and 16 clients (wrk), for tipx embedded, tipx on Meilisearch, and the
    same multi-search bodies sent straight to Meilisearch;
  - peak RSS of the server and the size of its data folder;
and once: the GraphQL floor (`{ __typename }` against a constant route of the same server) and
the widgets' weight. It prints Markdown and writes it to --out with the machine, the command
and the date. Benchmarks, not tests: nothing here passes or fails on a number.

    python3 scripts/bench-scale.py --tipx target/release/tipx --sizes 10000,100000
    python3 scripts/bench-scale.py --tiny     # a few seconds; the test suite runs this

Meilisearch: --meili-url URL (and MEILI_KEY), or a `meilisearch` binary on PATH (or
MEILI_BIN) started on a temporary folder; without either, its columns say "not run".
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

PRE, POST = "<tipx-em>", "</tipx-em>"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(method, url, body=None, headers=None, timeout=120):
    data = None
    headers = dict(headers or {})
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers.setdefault("content-type", "application/json")
        else:
            data = body if isinstance(body, bytes) else body.encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


class Meili:
    def __init__(self, url, key):
        self.url, self.key = url.rstrip("/"), key

    def call(self, method, path, body=None, content_type=None):
        headers = {}
        if self.key:
            headers["authorization"] = f"Bearer {self.key}"
        if content_type:
            headers["content-type"] = content_type
        return http(method, self.url + path, body, headers)

    def wait(self, task):
        uid = task["taskUid"]
        while True:
            t = self.call("GET", f"/tasks/{uid}")
            if t["status"] in ("succeeded", "failed", "canceled"):
                if t["status"] != "succeeded":
                    raise RuntimeError(f"Meilisearch task {uid}: {t.get('error')}")
                return t
            time.sleep(0.05)


def start_meili(tmp):
    binary = os.environ.get("MEILI_BIN") or shutil.which("meilisearch")
    if not binary:
        return None, None
    port = free_port()
    log = open(os.path.join(tmp, "meili.log"), "w")
    proc = subprocess.Popen(
        [binary, "--db-path", os.path.join(tmp, "meili-data"), "--http-addr", f"127.0.0.1:{port}",
         "--no-analytics", "--env", "development"],
        stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            http("GET", url + "/health", timeout=1)
            return proc, url
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("meilisearch did not start")


class Server:
    """A `tipx serve` on a free port, with its own data folder."""

    def __init__(self, tipx, seed_dir, tmp, name, meili=None, index=None, widgets=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data = os.path.join(tmp, f"data-{name}")
        # Rate limits off: a load generator on one address measures the server, not the limiter.
        env = dict(os.environ, TIPX__LOG__FILTER="warn", TIPX__SERVER__BENCH_ROUTE="true",
                   TIPX__RATE_LIMITS__ENABLED="false")
        if meili:
            env.update(TIPX__SEARCH__MEILI_URL=meili.url, TIPX__SEARCH__MEILI_INDEX=index)
            if meili.key:
                env["TIPX__SEARCH__MEILI_KEY"] = meili.key
        args = [tipx, "serve", "--addr", f"127.0.0.1:{self.port}", "--data-dir", self.data,
                "--seed-dir", seed_dir]
        if widgets:
            args += ["--widgets-dir", widgets]
        self.env = env
        self.tipx = tipx
        self.log = open(os.path.join(tmp, f"server-{name}.log"), "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, env=env)

    def health(self):
        return http("GET", self.base + "/health", timeout=2)

    def wait_ready(self, documents, limit=3600):
        """Seconds until it listens, and until its search index holds `documents`."""
        listening = None
        while time.monotonic() - self.started < limit:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tipx exited: see {self.log.name}")
            try:
                h = self.health()
                if listening is None:
                    listening = time.monotonic() - self.started
                if (h.get("search") or {}).get("documents") == documents:
                    return listening, time.monotonic() - self.started
            except Exception:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"tipx did not finish loading in time: see {self.log.name}")

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def reindex_seconds(self):
        """`tipx reindex` on the stopped server's data folder and backend: seconds."""
        t = time.monotonic()
        subprocess.run([self.tipx, "reindex", "--data-dir", self.data], env=self.env, check=True,
                       capture_output=True)
        return time.monotonic() - t


def du_mb(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total / 1e6


WRK_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{auth}
local f = io.open("{body}", "r")
wrk.body = f:read("*a")
f:close()
"""


def wrk(url, clients, duration, tmp, body=None, key=None):
    """p50 ms, p99 ms, requests/s of `clients` connections for `duration` seconds."""
    args = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{duration}s", "--latency", url]
    if body is not None:
        body_file = os.path.join(tmp, "body.json")
        with open(body_file, "w") as f:
            f.write(body)
        script = os.path.join(tmp, "post.lua")
        auth = f'wrk.headers["Authorization"] = "Bearer {key}"' if key else ""
        with open(script, "w") as f:
            f.write(WRK_POST.format(body=body_file, auth=auth))
        args[1:1] = ["-s", script]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} failed responses from {url}")
    return ms("50%"), ms("99%"), float(rps.group(1)) if rps else None


# The measured requests. `search` entries also run straight against Meilisearch.
SEARCHES = {
    "search: words + 2 filters + all facets + highlights": {
        "query": "forced labour", "filter": {"regions": ["142"], "forms": ["FORCED_LABOUR"]}},
    "search: a typo": {"query": "traficking victms", "filter": {}},
    "search: empty query, all facets": {"query": "", "filter": {}},
}
FACETS = ["KIND", "COUNTRIES", "REGIONS", "FORMS", "SECTORS", "TARGET_GROUPS", "PILLARS",
          "SDG_TARGETS", "INSTRUMENTS", "EVIDENCE", "LANGUAGE"]
ATTRIBUTE = {f: f.lower() for f in FACETS}


def graphql_search(s):
    filt = ", ".join(f'{k}: {json.dumps(v)}' for k, v in s["filter"].items())
    return ('{ search(query: %s, filter: { %s }, first: 20) { totalHits hits { highlight { title summary } '
            'record { ... on Law { recordId } ... on Practice { recordId } ... on Case { recordId } } } '
            'facets { field values { value label count } } } }') % (json.dumps(s["query"]), filt)


def meili_body(index, s):
    """The multi-search tipx sends for this search (api/src/search/meili.rs)."""
    def expr(filters):
        parts = [f'{ATTRIBUTE[k.upper()]} IN [{", ".join(json.dumps(v) for v in vals)}]'
                 for k, vals in filters.items()]
        return " AND ".join(parts) or None
    filters = {("target_groups" if k == "targetGroups" else k): v for k, v in s["filter"].items()}
    main = {"indexUid": index, "q": s["query"], "page": 1, "hitsPerPage": 20,
            "facets": [ATTRIBUTE[f] for f in FACETS], "attributesToHighlight": ["title", "summary"],
            "highlightPreTag": PRE, "highlightPostTag": POST}
    if expr(filters):
        main["filter"] = expr(filters)
    if not s["query"].strip():
        main["sort"] = ["year_start:desc", "id:asc"]
    queries = [main]
    for field in filters:
        rest = {k: v for k, v in filters.items() if k != field}
        q = {"indexUid": index, "q": s["query"], "limit": 0, "facets": [field]}
        if expr(rest):
            q["filter"] = expr(rest)
        queries.append(q)
    return json.dumps({"queries": queries})


def gz_kb(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9)) / 1000


FIRST_LOAD = ["loader.js", "search.js", "search.wasm"]


def first_load_kb(widgets_dir):
    """What a page with the search widget downloads: the loader, the search widget's glue and
    its WebAssembly (each gzipped on its own, as the server sends them)."""
    return sum(gz_kb(os.path.join(widgets_dir, f)) for f in FIRST_LOAD)


def check_widgets(widgets_dir, budget_file):
    recorded = float(open(budget_file).read().split()[0])
    now = first_load_kb(widgets_dir)
    print(f"search widget's first load: {now:.1f} KB gzip (recorded {recorded:.1f} KB, limit +5%)")
    if now > recorded * 1.05:
        print(f"it grew by {100 * (now / recorded - 1):.1f}%: make it smaller, or record the new figure in "
              f"{budget_file} with the reason in the commit", file=sys.stderr)
        return 1
    return 0


def criterion_medians(root, group):
    """Median times (ms) of a criterion group's benchmarks, by function name; {} when absent."""
    out = {}
    for dirpath, _, files in os.walk(root or ""):
        if "benchmark.json" in files and os.path.basename(dirpath) == "new":
            meta = json.load(open(os.path.join(dirpath, "benchmark.json")))
            if meta.get("group_id") == group:
                est = json.load(open(os.path.join(dirpath, "estimates.json")))
                out[meta["function_id"]] = est["median"]["point_estimate"] / 1e6
    return out


def progress(message):
    print(f"  .. {message}", file=sys.stderr, flush=True)


def fmt(v, digits=1):
    return "n/a" if v is None else f"{v:,.{digits}f}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tipx", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "tipx"))
    p.add_argument("--sizes", default="10000,100000", help="synthetic records per run, comma-separated")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--meili-url", default=os.environ.get("MEILI_URL"))
    p.add_argument("--widgets-dir", default="widgets/dist")
    p.add_argument("--out", default="docs/benchmarks.md")
    p.add_argument("--criterion", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion"),
                   help="criterion's results folder, for the engine-alone rows (cargo bench -p tipx-api --bench search)")
    p.add_argument("--tiny", action="store_true", help="300 records, 1-second runs, 1 client: checks the command works")
    p.add_argument("--check-widgets", metavar="FILE",
                   help="only compare the search widget's first load (gzip) with the KB recorded in FILE; "
                        "fail when it grew by more than 5%%")
    args = p.parse_args()
    if args.check_widgets:
        sys.exit(check_widgets(args.widgets_dir, args.check_widgets))
    clients = (1, 16)
    if args.tiny:
        args.sizes, args.duration, clients = "300", 1, (1,)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    tmp = tempfile.mkdtemp(prefix="tipx-bench-")
    meili_proc = None
    meili = None
    if args.meili_url:
        meili = Meili(args.meili_url, os.environ.get("MEILI_KEY"))
    else:
        meili_proc, url = start_meili(tmp)
        if url:
            meili = Meili(url, None)
    version = subprocess.run([args.tipx, "--version"], capture_output=True, text=True).stdout.strip()
    meili_version = meili.call("GET", "/version")["pkgVersion"] if meili else None
    lines = []

    def say(line=""):
        print(line, flush=True)
        lines.append(line)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    say("# Benchmarks")
    say()
    say(f"One run of `python3 scripts/bench-scale.py {' '.join(sys.argv[1:])}` (called by `bash scripts/bench.sh`) "
        f"on {datetime.date.today().isoformat()}: {version}, Meilisearch {meili_version or 'not run'}, "
        f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, {platform.system()} {platform.release()}. "
        f"wrk on loopback, {args.duration} s per cell; latencies p50 / p99 in ms. Synthetic seed folders "
        f"from `tipx gen --seed 42` (the real records plus the synthetic ones). Numbers, not targets: "
        f"see the issue for the targets and the closing notes for what was changed because of them.")
    try:
        floor_done = False
        for n in sizes:
            seed_dir = os.path.join(tmp, f"seed-{n}")
            t = time.monotonic()
            subprocess.run([args.tipx, "gen", "--records", str(n), "--seed", "42", "--out", seed_dir],
                           check=True, capture_output=True)
            gen_s = time.monotonic() - t
            total = sum(len(json.load(open(os.path.join(seed_dir, f)))) for f in ("laws.json", "practices.json", "cases.json"))
            say()
            say(f"## {total:,} records ({n:,} synthetic), generated in {gen_s:.1f} s")
            results = {}
            loads = {}
            rss = {}
            disk = {}
            reindex = {}
            backends = [("tipx embedded", None)] + ([("tipx on Meilisearch", meili)] if meili else [])
            direct_index = None
            for name, backend in backends:
                index = f"tipx-bench-{n}-{os.getpid()}"
                server = Server(args.tipx, seed_dir, tmp, f"{n}-{'meili' if backend else 'embedded'}", backend, index,
                                args.widgets_dir if os.path.isdir(args.widgets_dir) else None)
                try:
                    progress(f"{name}: loading {total:,} records")
                    listening, loaded = server.wait_ready(total)
                    progress(f"{name}: listening after {listening:.1f} s, searchable after {loaded:.1f} s; measuring")
                    loads[name] = (listening, loaded)
                    if not floor_done:
                        floor_done = True
                        g = wrk(server.base + "/graphql?query=" + urllib.parse.quote("{__typename}"), 16, args.duration, tmp)
                        r = wrk(server.base + "/__bench/constant", 16, args.duration, tmp)
                        results["floor"] = (g, r)
                    for label, s in SEARCHES.items():
                        url = server.base + "/graphql?query=" + urllib.parse.quote(graphql_search(s))
                        for c in clients:
                            results[(label, name, c)] = wrk(url, c, args.duration, tmp)
                    others = {
                        "country profile": '{ country(code: "NG") { name treatyStatus { instrumentId status ratification { asOf } } laws { totalCount nodes { title } } practices { totalCount } cases { totalCount } } }',
                        "record by id": '{ practice(id: "PR01") { title summary countries { name } sources { url } } }',
                    }
                    for label, q in others.items():
                        url = server.base + "/graphql?query=" + urllib.parse.quote(q)
                        for c in clients:
                            results[(label, name, c)] = wrk(url, c, args.duration, tmp)
                    rss[name] = server.peak_rss_mb()
                    disk[name] = du_mb(server.data)
                    if backend:
                        stats = backend.call("GET", f"/indexes/{index}/stats")
                        disk[name + " (Meilisearch index)"] = (stats.get("rawDocumentDbSize") or 0) / 1e6
                        # The same documents and settings, straight into Meilisearch.
                        docs, offset = [], 0
                        while True:
                            page = backend.call("POST", f"/indexes/{index}/documents/fetch", {"limit": 5000, "offset": offset})
                            docs += page["results"]
                            offset += 5000
                            if offset >= page["total"]:
                                break
                        settings = backend.call("GET", f"/indexes/{index}/settings")
                        direct_index = f"direct-{index}"
                        backend.wait(backend.call("POST", "/indexes", {"uid": direct_index, "primaryKey": "id"}))
                        backend.wait(backend.call("PATCH", f"/indexes/{direct_index}/settings", settings))
                        ndjson = "\n".join(json.dumps(d) for d in docs).encode()
                        t = time.monotonic()
                        backend.wait(backend.call("POST", f"/indexes/{direct_index}/documents", ndjson, "application/x-ndjson"))
                        loads["Meilisearch alone"] = (None, time.monotonic() - t)
                        for label, s in SEARCHES.items():
                            body = meili_body(direct_index, s)
                            for c in clients:
                                results[(label, "Meilisearch alone", c)] = wrk(backend.url + "/multi-search", c, args.duration, tmp, body, backend.key)
                        backend.call("DELETE", f"/indexes/{direct_index}")
                finally:
                    server.stop()
                progress(f"{name}: tipx reindex")
                reindex[name] = server.reindex_seconds()
                if backend:
                    backend.call("DELETE", f"/indexes/{index}")
            columns = [name for name, _ in backends] + (["Meilisearch alone"] if meili else [])
            say()
            say("| | " + " | ".join(columns) + " |")
            say("|---|" + "---|" * len(columns))
            say("| listening after start (s) | " + " | ".join(fmt(loads.get(c, (None, None))[0]) for c in columns) + " |")
            say("| all records searchable after start (s) | " + " | ".join(fmt(loads.get(c, (None, None))[1]) for c in columns) + " |")
            say("| full reindex from the store, `tipx reindex` (s) | " + " | ".join(fmt(reindex.get(c)) for c in columns) + " |")
            labels = list(SEARCHES) + ["country profile", "record by id"]
            for label in labels:
                for c in clients:
                    cells = []
                    for col in columns:
                        r = results.get((label, col, c))
                        cells.append("—" if r is None else f"{fmt(r[0])} / {fmt(r[1])} ms, {fmt(r[2], 0)} req/s")
                    say(f"| {label}, {c} client{'s' if c > 1 else ''} | " + " | ".join(cells) + " |")
            say("| server peak RSS (MB) | " + " | ".join(fmt(rss.get(c), 0) for c in columns) + " |")
            say("| data folder on disk (MB) | " + " | ".join(fmt(disk.get(c), 0) for c in columns) + " |")
            if "tipx on Meilisearch (Meilisearch index)" in disk:
                say(f"| Meilisearch index, raw documents (MB) | | {fmt(disk['tipx on Meilisearch (Meilisearch index)'], 0)} | |")
            engine = criterion_medians(args.criterion, f"engine {total} records")
            if engine:
                say()
                say(f"The embedded engine alone (criterion, in process: `cargo bench -p tipx-api --bench search`, "
                    f"same corpus and searches) against the same search through HTTP and GraphQL (1 client, p50):")
                say()
                say("| search | engine alone (ms) | tipx embedded over HTTP + GraphQL (ms) | HTTP + GraphQL add |")
                say("|---|---|---|---|")
                for label in SEARCHES:
                    alone = engine.get(label)
                    http_p50 = (results.get((label, "tipx embedded", 1)) or (None,))[0]
                    added = f"{100 * (http_p50 / alone - 1):.0f}%" if alone and http_p50 else "n/a"
                    say(f"| {label} | {fmt(alone, 2)} | {fmt(http_p50, 2)} | {added} |")
            if "floor" in results:
                (g, r) = results["floor"]
                say()
                say(f"GraphQL floor, 16 clients: `{{__typename}}` through `/graphql` {fmt(g[2], 0)} req/s "
                    f"(p50 {fmt(g[0], 2)} ms) against the same server's constant route {fmt(r[2], 0)} req/s "
                    f"(p50 {fmt(r[0], 2)} ms): {g[2] / r[2]:.2f}x.")
        say()
        say("## Widgets")
        say()
        d = args.widgets_dir
        if os.path.isdir(d):
            files = sorted(f for f in os.listdir(d) if f.endswith((".wasm", ".js")))
            say("| file | bytes | gzip -9 (KB) |")
            say("|---|---|---|")
            for f in files:
                path = os.path.join(d, f)
                say(f"| `{f}` | {os.path.getsize(path):,} | {gz_kb(path):.1f} |")
            say(f"| search widget's first load ({' + '.join(FIRST_LOAD)}) | | **{first_load_kb(d):.1f}** |")
        else:
            say("(widgets not built: run scripts/build-widgets.sh)")
    finally:
        if meili_proc:
            meili_proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"\nwrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
