#!/usr/bin/env python3
"""Several nodes: what PostgreSQL and extra nodes cost, measured in one run on one machine.

  1. One client, each request of the read mix alone (a search with facets, a country profile, a
     record by id): p50 / p99 on SQLite and on PostgreSQL, one node, embedded index (only the
     store differs).
  2. The read mix (the three requests in turn) with 16 clients: requests/s and p50 / p99 against
     1, 2 and 3 nodes on one PostgreSQL and one Meilisearch, behind nginx (deploy/nginx.conf with
     loopback upstreams), and against one node directly (the cost of the proxy hop).

PostgreSQL: TIPX_BENCH_DATABASE_URL of a server to use, else a throw-away one
(scripts/pg-throwaway.sh). Meilisearch: MEILI_URL, or a `meilisearch` binary (MEILI_BIN or PATH);
without one, part 2 is skipped and says so. nginx: Debian's package, installed when missing.
Prints Markdown and writes it to --out. A benchmark, not a test: no number passes or fails.

    python3 scripts/bench-nodes.py --tipx target/release/tipx [--records N] [--duration S]
"""

import argparse
import datetime
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
spec = importlib.util.spec_from_file_location("bench_scale", os.path.join(HERE, "bench-scale.py"))
bs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bs)

READS = {
    "search: words + 2 filters + all facets": bs.graphql_search(
        bs.SEARCHES["search: words + 2 filters + all facets + highlights"]),
    "country profile": '{ country(code: "NG") { name treatyStatus { instrumentId status ratification { asOf } } laws { totalCount nodes { title } } practices { totalCount } cases { totalCount } } }',
    "record by id": '{ practice(id: "PR01") { title summary countries { name } sources { url } } }',
}

MIX_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def say(lines, line=""):
    print(line, flush=True)
    lines.append(line)


def progress(msg):
    print(f"  … {msg}", file=sys.stderr, flush=True)


class Node:
    """A `tipx serve` process."""

    def __init__(self, tipx, tmp, name, env):
        self.port = bs.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(tmp, f"node-{name}.log"), "w")
        args = [tipx, "serve", "--addr", f"127.0.0.1:{self.port}", "--data-dir", os.path.join(tmp, f"data-{name}")]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log,
                                     env=dict(os.environ, TIPX__LOG__FILTER="warn",
                                              TIPX__RATE_LIMITS__ENABLED="false", **env))
        self.listening = None

    def wait_caught_up(self, limit=1800):
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if self.proc.poll() is not None:
                self.log.flush()
                tail = open(self.log.name).read()[-3000:]
                raise RuntimeError(f"tipx exited; the end of its log:\n{tail}")
            try:
                health = bs.http("GET", self.base + "/health", timeout=2)
                if self.listening is None:
                    self.listening = time.monotonic() - self.started
                if health["search"]["caught_up"]:
                    self.caught_up = time.monotonic() - self.started
                    return
            except Exception:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"tipx did not catch up: see {self.log.name}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def new_database(admin_url, name):
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def nginx_binary():
    found = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
    if found:
        return found
    progress("installing Debian's nginx")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "nginx-light"], env=env, capture_output=True).returncode:
        subprocess.run(sudo + ["apt-get", "update", "-q"], env=env, capture_output=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "nginx-light"], env=env, check=True, capture_output=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


class Proxy:
    """nginx with deploy/nginx.conf, its upstreams replaced by loopback nodes."""

    def __init__(self, tmp, nodes, name):
        conf = open(os.path.join(ROOT, "deploy", "nginx.conf")).read()
        start = conf.index("upstream tipx {")
        end = conf.index("}", start)
        servers = "".join(f"        server 127.0.0.1:{n.port} max_fails=3 fail_timeout=10s;\n" for n in nodes)
        conf = conf[:start] + "upstream tipx {\n" + servers + "        keepalive 32;\n    " + conf[end:]
        self.port = bs.free_port()
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};\n        access_log off;")
        prefix = os.path.join(tmp, f"nginx-{name}")
        os.makedirs(prefix, exist_ok=True)
        for d in ("body", "proxy"):
            os.makedirs(os.path.join(prefix, d), exist_ok=True)
        conf = conf.replace("http {", f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nhttp {{\n"
                            f"    client_body_temp_path {prefix}/body;\n    proxy_temp_path {prefix}/proxy;", 1)
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        binary = nginx_binary()
        subprocess.run([binary, "-t", "-q", "-c", path, "-p", prefix], check=True)
        self.proc = subprocess.Popen([binary, "-c", path, "-p", prefix, "-g", "daemon off;"])
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                bs.http("GET", self.base + "/health", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def mix(base, clients, duration, tmp):
    paths = ", ".join('"/graphql?query=' + urllib.parse.quote(q) + '"' for q in READS.values())
    script = os.path.join(tmp, "mix.lua")
    with open(script, "w") as f:
        f.write(MIX_LUA % paths)
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--latency", "-s", script, base],
                         capture_output=True, text=True, check=True).stdout
    import re

    def ms(label):
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"wrk saw failed responses from {base}:\n{out}")
    return ms("50%"), ms("99%"), float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tipx", default=os.path.join(ROOT, "target", "release", "tipx"))
    p.add_argument("--records", type=int, default=0, help="synthetic records added to the real seed (tipx gen)")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks-nodes.md"))
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="tipx-bench-nodes-")
    lines = []
    cleanups = []
    try:
        env_seed = {}
        if args.records:
            seed_dir = os.path.join(tmp, "seed")
            subprocess.run([args.tipx, "gen", "--records", str(args.records), "--seed", "42", "--out", seed_dir],
                           check=True, capture_output=True)
            env_seed = {"TIPX__SEED__DIR": seed_dir}
        admin = os.environ.get("TIPX_BENCH_DATABASE_URL")
        if not admin:
            out = subprocess.run(["bash", os.path.join(HERE, "pg-throwaway.sh")], check=True,
                                 capture_output=True, text=True).stdout
            values = dict(line.replace("export ", "").split("=", 1) for line in out.splitlines())
            admin = values["TIPX_TEST_DATABASE_URL"]
            cleanups.append(lambda: subprocess.run(["bash", os.path.join(HERE, "pg-throwaway.sh"), "stop",
                                                    values["TIPX_PG_DIR"]]))
        pg_version = subprocess.run(["psql", admin, "-Atc", "SHOW server_version"], capture_output=True,
                                    text=True).stdout.strip()
        corpus = f"the real seed plus {args.records:,} synthetic records" if args.records else "the real seed"
        say(lines, "# Several nodes: PostgreSQL and extra nodes, measured")
        say(lines)
        say(lines, f"{datetime.date.today()}, {platform.node()}, {os.cpu_count()} cores; `python3 scripts/bench-nodes.py"
            f"{' --records ' + str(args.records) if args.records else ''}`; "
            f"{'release build' if '/release/' in args.tipx else 'binary ' + args.tipx + ' (not a release build)'}; {corpus}; "
            f"PostgreSQL {pg_version} on loopback; wrk, {args.duration} s per cell. One run: read the "
            "numbers as orders of magnitude.")
        say(lines)

        # 1. One client, SQLite vs PostgreSQL, embedded index.
        progress("one node on SQLite, one on PostgreSQL")
        results = {}
        starts = {}
        for store in ("SQLite", "PostgreSQL"):
            env = dict(env_seed)
            if store == "PostgreSQL":
                env["TIPX__STORAGE__DATABASE_URL"] = new_database(admin, f"bench_single_{os.getpid()}")
            node = Node(args.tipx, tmp, store.lower(), env)
            cleanups.append(node.stop)
            node.wait_caught_up()
            starts[store] = (node.listening, node.caught_up)
            for label, q in READS.items():
                url = node.base + "/graphql?query=" + urllib.parse.quote(q)
                results[(label, store)] = bs.wrk(url, 1, args.duration, tmp)
            node.stop()
        say(lines, "## One client: SQLite and PostgreSQL (one node, embedded index)")
        say(lines)
        say(lines, "| request | SQLite p50 / p99 | PostgreSQL p50 / p99 |")
        say(lines, "|---|---|---|")
        for label in READS:
            cells = [f"{bs.fmt(results[(label, s)][0], 2)} / {bs.fmt(results[(label, s)][1], 2)} ms"
                     for s in ("SQLite", "PostgreSQL")]
            say(lines, f"| {label} | {cells[0]} | {cells[1]} |")
        say(lines, "| first start: listening (the seed imported) | " + " | ".join(
            f"{bs.fmt(starts[s][0])} s" for s in ("SQLite", "PostgreSQL")) + " |")
        say(lines, "| first start: search caught up (embedded index filled) | " + " | ".join(
            f"{bs.fmt(starts[s][1])} s" for s in ("SQLite", "PostgreSQL")) + " |")
        say(lines)

        # 2. Several nodes on PostgreSQL + Meilisearch behind nginx.
        meili_proc, meili_url = (None, os.environ.get("MEILI_URL"))
        if not meili_url:
            meili_proc, meili_url = bs.start_meili(tmp)
            if meili_proc:
                cleanups.append(meili_proc.kill)
        say(lines, f"## The read mix with {args.clients} clients: 1, 2 and 3 nodes on one PostgreSQL and one Meilisearch")
        say(lines)
        if not meili_url:
            say(lines, "Not run: no Meilisearch (set MEILI_URL, or MEILI_BIN, or put meilisearch on PATH).")
        else:
            db = new_database(admin, f"bench_nodes_{os.getpid()}")
            env = dict(env_seed, TIPX__STORAGE__DATABASE_URL=db, TIPX__SEARCH__MEILI_URL=meili_url,
                       TIPX__SEARCH__MEILI_INDEX=f"bench-nodes-{os.getpid()}")
            if os.environ.get("MEILI_KEY"):
                env["TIPX__SEARCH__MEILI_KEY"] = os.environ["MEILI_KEY"]
            nodes = []
            rows = []
            for n in (1, 2, 3):
                progress(f"{n} node(s)")
                node = Node(args.tipx, tmp, f"n{n}", env)
                cleanups.append(node.stop)
                node.wait_caught_up()
                nodes.append(node)
                if n == 1:
                    rows.append(("1 node, direct (no proxy)", mix(node.base, args.clients, args.duration, tmp)))
                proxy = Proxy(tmp, nodes, f"p{n}")
                rows.append((f"{n} node{'s' if n > 1 else ''} behind nginx", mix(proxy.base, args.clients, args.duration, tmp)))
                proxy.stop()
            say(lines, "| setup | requests/s | p50 / p99 |")
            say(lines, "|---|---|---|")
            for label, (p50, p99, rps) in rows:
                say(lines, f"| {label} | {bs.fmt(rps, 0)} | {bs.fmt(p50)} / {bs.fmt(p99)} ms |")
            size = subprocess.run(["psql", db, "-Atc", "SELECT pg_size_pretty(pg_database_size(current_database()))"],
                                  capture_output=True, text=True).stdout.strip()
            say(lines)
            meili_size = f", Meilisearch's data folder {bs.fmt(bs.du_mb(os.path.join(tmp, 'meili-data')), 0)} MB" \
                if meili_proc else ""
            say(lines, f"Sizes for this corpus: the PostgreSQL database {size}{meili_size} "
                "(an SQLite data folder with its embedded index: see docs/benchmarks.md).")
            say(lines)
            say(lines, "A 2-core machine runs the load tool, nginx, PostgreSQL, Meilisearch and every node: more nodes "
                "cannot add throughput here. The rows show the cost of the proxy hop and of sharing the machine, "
                "and that every answer stayed a success.")
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"\nwrote {args.out}", file=sys.stderr)
    finally:
        for c in reversed(cleanups):
            try:
                c()
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
