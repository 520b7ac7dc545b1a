#!/usr/bin/env bash
# Runs every test: formatting, lints, unit tests, integration tests against the real server, the
# search contract (embedded index always; Meilisearch too when one is available), the seed
# check, the widgets' component tests in headless Chromium and the end-to-end test of the embed
# snippet. Needs only the Rust toolchain; installs what else it needs: the wasm target,
# wasm-bindgen-cli, wasm-opt (scripts/build-widgets.sh), Debian's chromium, chromium-driver and
# wrk, and playwright-core from npm (no browser download), cargo-deny and cargo-fuzz. It ends
# with the supply-chain audit (scripts/deny.sh), a bounded fuzzing run (scripts/fuzz.sh), a
# bounded load test (scripts/load.sh), the widget size check and a smoke run of the benchmark
# command on a tiny dataset.
#
# PostgreSQL: the store contract and the integration tests run on SQLite and, a second time, on
# PostgreSQL. This script starts a throw-away PostgreSQL server on loopback for the run
# (scripts/pg-throwaway.sh: Debian's postgresql package, installed with apt when missing; initdb and
# pg_ctl on a temporary folder) and removes it at the end. Set TIPX_TEST_DATABASE_URL to use a
# running server instead (each test creates a database of its own on it).
#
# Meilisearch: set MEILI_URL (and MEILI_KEY) to test against a running server, or put a
# `meilisearch` binary on PATH (or set MEILI_BIN) and this script starts one on loopback with a
# throw-away database. Without either, the Meilisearch half is reported as not run. A Meilisearch
# built from source with --no-default-features needs --features chinese: the contract tests that
# a Chinese record is found by its words on both backends.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "formatting (cargo fmt --check)"
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all -- --check
else
  echo "rustfmt is not installed; skipping the format check (rustup component add rustfmt)"
fi

step "browser for the widget tests (Debian's chromium and chromium-driver)"
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "found $(chromium --version 2>/dev/null | head -1)"
else
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q chromium chromium-driver >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q chromium chromium-driver >/dev/null; }
  echo "installed $(chromium --version 2>/dev/null | head -1)"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed for the end-to-end test (playwright-core) and wasm-opt; installing Debian's nodejs and npm"
  sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y -q nodejs npm >/dev/null
fi

step "load tool for the benchmark smoke run (Debian's wrk)"
if command -v wrk >/dev/null 2>&1; then
  echo "found wrk"
else
  sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y -q wrk >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q wrk >/dev/null; }
  echo "installed wrk"
fi

step "widgets (wasm32, wasm-bindgen, wasm-opt)"
bash scripts/build-widgets.sh

step "GraphiQL (pinned npm packages, served by tipx)"
bash scripts/build-graphiql.sh

step "lints (cargo clippy, warnings are errors; the widgets also for wasm32)"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --locked --workspace --all-targets -- -D warnings
  cargo clippy --locked -p tipx-widgets --target wasm32-unknown-unknown --all-targets -- -D warnings
else
  echo "clippy is not installed; skipping lints (rustup component add clippy)"
fi

step "building (one build, reused by every step below)"
cargo build --locked --workspace --all-targets

step "seed check on the real seed files (tipx seed --check)"
"${CARGO_TARGET_DIR:-target}/debug/tipx" seed --check --seed-dir seed

meili_pid=""
meili_dir=""
tipx_pid=""
tipx_dir=""
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then bash scripts/pg-throwaway.sh stop "$pg_dir"; fi
  if [ -n "$meili_pid" ]; then kill "$meili_pid" 2>/dev/null || true; wait "$meili_pid" 2>/dev/null || true; fi
  if [ -n "$meili_dir" ]; then rm -rf "$meili_dir"; fi
  if [ -n "$tipx_pid" ]; then kill "$tipx_pid" 2>/dev/null || true; wait "$tipx_pid" 2>/dev/null || true; fi
  if [ -n "$tipx_dir" ]; then rm -rf "$tipx_dir"; fi
}
trap cleanup EXIT

step "search backends"
if [ -n "${MEILI_URL:-}" ]; then
  echo "Meilisearch: using the server at MEILI_URL=$MEILI_URL"
else
  meili_bin="${MEILI_BIN:-$(command -v meilisearch || true)}"
  if [ -n "$meili_bin" ] && [ -x "$meili_bin" ]; then
    meili_dir=$(mktemp -d)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 7791)
    export MEILI_KEY="tipx-test-$(date +%s)-$RANDOM-master-key"
    "$meili_bin" --db-path "$meili_dir/data" --dump-dir "$meili_dir/dumps" --snapshot-dir "$meili_dir/snapshots" \
      --http-addr "127.0.0.1:$port" --master-key "$MEILI_KEY" --no-analytics --env development \
      >"$meili_dir/log" 2>&1 &
    meili_pid=$!
    export MEILI_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
      if curl -fs "$MEILI_URL/health" >/dev/null 2>&1; then break; fi
      sleep 0.1
    done
    if curl -fs "$MEILI_URL/health" >/dev/null 2>&1; then
      echo "Meilisearch: started $("$meili_bin" --version) at $MEILI_URL"
    else
      echo "Meilisearch at $meili_bin did not start; its log:"; cat "$meili_dir/log"; exit 1
    fi
  else
    echo "NOTE: the Meilisearch half of the search contract will NOT run: no MEILI_URL and no"
    echo "      meilisearch binary (set MEILI_URL, or MEILI_BIN, or put meilisearch on PATH)."
    echo "      The embedded backend's half always runs."
  fi
fi

step "PostgreSQL for the store's second half (throw-away server from Debian's postgresql package)"
if [ -n "${TIPX_TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL: using the server at TIPX_TEST_DATABASE_URL"
else
  eval "$(bash scripts/pg-throwaway.sh)"
  pg_dir="$TIPX_PG_DIR"
fi
export TIPX_TEST_DATABASE_URL

step "unit and integration tests (store contract on SQLite and PostgreSQL; servers on SQLite)"
cargo test --locked --workspace

step "integration tests again, every server on PostgreSQL (TIPX_TEST_STORE=postgres)"
TIPX_TEST_STORE=postgres cargo test --locked -p tipx-tests

step "widget component tests (wasm-bindgen-test in headless Chromium, against a running tipx)"
tipx_dir=$(mktemp -d)
"${CARGO_TARGET_DIR:-target}/debug/tipx" serve --addr 127.0.0.1:0 --data-dir "$tipx_dir/data" \
  --widgets-dir widgets/dist --graphiql-dir api/graphiql/dist >"$tipx_dir/log" 2>&1 &
tipx_pid=$!
api=""
for _ in $(seq 1 300); do
  api=$(grep -oE 'GraphQL +http://[0-9.]+:[0-9]+/graphql' "$tipx_dir/log" 2>/dev/null | awk '{print $2}' || true)
  if [ -n "$api" ]; then break; fi
  sleep 0.1
done
if [ -z "$api" ]; then echo "tipx did not start; its log:"; cat "$tipx_dir/log"; exit 1; fi
# It answers at once and fills its search index in the background: wait until it has.
for _ in $(seq 1 600); do
  if curl -fsS "${api%/graphql}/health" | grep -q '"caught_up":true'; then break; fi
  sleep 0.1
done
echo "tipx for the component tests: $api"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
TIPX_TEST_API="$api" \
  cargo test --locked -p tipx-widgets --target wasm32-unknown-unknown --test web

step "end-to-end: embed snippet, GraphiQL offline, partner tools' introspection (headless Chromium, graphql-js), subscriptions (graphql-ws), contributor and moderator pages (axe in en and ar)"
(cd tests/e2e && npm ci --no-audit --no-fund --silent)
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-${CARGO_TARGET_DIR:-target}/e2e}"
target_abs=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
TIPX_BIN="$target_abs/debug/tipx" TIPX_WIDGETS_DIR="$PWD/widgets/dist" TIPX_GRAPHIQL_DIR="$PWD/api/graphiql/dist" \
  node --test tests/e2e/widgets.e2e.mjs tests/e2e/introspection.e2e.mjs tests/e2e/graphiql.e2e.mjs tests/e2e/subscriptions.e2e.mjs tests/e2e/portal.e2e.mjs
echo "screenshots (artifacts of this run): $(ls "$E2E_ARTIFACTS"/*.png | tr '\n' ' ')"

step "widget weight: the search widget's first load against its recorded size (+5% at most)"
python3 scripts/bench-scale.py --check-widgets widgets/first-load-kb.txt

step "supply chain: cargo deny (advisories offline from ../shared/advisory-db, licences, sources, bans)"
if [ -d "${ADVISORY_DB:-../shared/advisory-db}/crates" ]; then
  bash scripts/deny.sh
else
  echo "NOTE: no advisory database at ${ADVISORY_DB:-../shared/advisory-db}: the advisories check did NOT run"
  echo "      (set ADVISORY_DB to a copy of rustsec/advisory-db); licences, sources and bans do."
  bash scripts/deny.sh --no-advisories licenses bans sources
fi

step "fuzzing: every target in fuzz/ for 15 s, from the committed corpora (cargo fuzz, libFuzzer, unoptimised build)"
FUZZ_PROFILE="${FUZZ_PROFILE:-dev}" FUZZ_SECONDS="${FUZZ_SECONDS:-15}" bash scripts/fuzz.sh

step "load test: searches while drafts are written, submitted and published (bounded: 10 s, 8 connections, debug build; fails on any failed request)"
DURATION=10s CONNECTIONS=8 TIPX_BIN="$target_abs/debug/tipx" bash scripts/load.sh

step "benchmark command, end to end on a tiny dataset (numbers not checked; it must only run)"
python3 scripts/bench-scale.py --tiny --tipx "$target_abs/debug/tipx" --out "${CARGO_TARGET_DIR:-target}/bench-tiny.md" >/dev/null
echo "wrote ${CARGO_TARGET_DIR:-target}/bench-tiny.md"

step "several-nodes benchmark, end to end on the real seed (numbers not checked; it must only run)"
TIPX_BENCH_DATABASE_URL="$TIPX_TEST_DATABASE_URL" python3 scripts/bench-nodes.py --tipx "$target_abs/debug/tipx" \
  --duration 1 --out "${CARGO_TARGET_DIR:-target}/bench-nodes-tiny.md" >/dev/null
echo "wrote ${CARGO_TARGET_DIR:-target}/bench-nodes-tiny.md"
