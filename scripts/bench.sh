#!/usr/bin/env bash
# The benchmarks, in one run on this machine:
#   1. at scale (scripts/bench-scale.py): synthetic seed folders of SIZES records (tipx gen),
#      tipx on its embedded index, tipx on Meilisearch and Meilisearch alone side by side,
#      the GraphQL floor and the widgets' weight; written to docs/benchmarks.md;
#   2. on the real seed: a few reads, publish-to-search time and the widget's first results.
#
#   bash scripts/bench.sh                                  # SIZES=10000,100000
#   SIZES=10000 DURATION=5s bash scripts/bench.sh          # quicker
#   MEILI_URL=http://127.0.0.1:7700 MEILI_KEY=… bash scripts/bench.sh   # a given Meilisearch
#
# Needs wrk (installed from Debian's packages when missing and running as root). Meilisearch:
# MEILI_URL, or a `meilisearch` binary on PATH (MEILI_BIN) started on a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-2}"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is needed: apt-get install wrk" >&2; exit 1
  fi
fi

cargo build --release --locked -p tipx-api
# The embedded engine alone, in process, on the same corpora and searches (criterion); the
# table below sets it beside the same searches over HTTP and GraphQL.
BENCH_SIZES="${SIZES:-10000,100000}" cargo bench --locked -p tipx-api --bench search
python3 scripts/bench-scale.py --tipx "${CARGO_TARGET_DIR:-target}/release/tipx" --sizes "${SIZES:-10000,100000}" \
  --duration "${DURATION%s}" --out docs/benchmarks.md

echo
echo "=== on the real seed"
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
args=(serve --addr "127.0.0.1:$port" --data-dir "$data" --widgets-dir widgets/dist)
if [ -n "${MEILI_URL:-}" ]; then
  export TIPX__SEARCH__MEILI_URL="$MEILI_URL" TIPX__SEARCH__MEILI_KEY="${MEILI_KEY:-}"
  export TIPX__SEARCH__MEILI_INDEX="tipx-bench-$$"
fi
# Rate limits off: the load comes from one address and measures the server, not the limiter.
TIPX__LOG__FILTER=warn TIPX__RATE_LIMITS__ENABLED=false "${CARGO_TARGET_DIR:-target}/release/tipx" "${args[@]}" >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
  if [ -n "${MEILI_URL:-}" ]; then
    curl -fs -X DELETE "$MEILI_URL/indexes/$TIPX__SEARCH__MEILI_INDEX" -H "Authorization: Bearer ${MEILI_KEY:-}" >/dev/null || true
  fi
}
trap cleanup EXIT
# It answers at once and indexes in the background: wait until search has caught up.
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"caught_up":true' && break; sleep 0.1; done
backend=$(curl -fs "http://127.0.0.1:$port/health" | python3 -c 'import sys,json; h=json.load(sys.stdin)["search"]; print(h["backend"], h["documents"], "documents")')
echo "tipx $("${CARGO_TARGET_DIR:-target}/release/tipx" --version) on 127.0.0.1:$port, search: $backend"
echo "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION per query, $(nproc) cores"

urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
run() {
  local name=$1 query=$2
  local url="http://127.0.0.1:$port/graphql?query=$(urlencode "$query")"
  curl -fs "$url" | python3 -c 'import sys,json; d=json.load(sys.stdin); assert "errors" not in d, d' || { echo "query failed: $name"; exit 1; }
  echo
  echo "--- $name"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" | grep -E "Latency|50%|90%|99%|Requests/sec"
}

run "search: text + filter + facets + highlights" \
  '{ search(query: "forced labour fishing", filter: { regions: ["142"], yearFrom: 2000 }, first: 20) { totalHits hits { highlight { title summary } record { ... on Practice { recordId } ... on Law { recordId } ... on Case { recordId } } } facets { field values { value label count } } } }'
run "search: typo, no filter" \
  '{ search(query: "traficking victms", first: 20) { totalHits hits { highlight { title } } } }'
run "list: practices in a region with countries (store, DataLoaders)" \
  '{ practices(filter: { regions: ["002"] }, first: 50) { totalCount nodes { title countries { name region { name } } } } }'
run "lookup: country profile" \
  '{ country(code: "NG") { name treatyStatus { instrumentId status } laws { totalCount } practices { totalCount } cases { totalCount } } }'

echo
echo "--- sharing: publish, then found by search (scripts/bench-publish.py)"
key=$(TIPX__LOG__FILTER=warn "${CARGO_TARGET_DIR:-target}/release/tipx" keys create --role moderator \
  --org "Benchmark" --data-dir "$data" | grep -o 'tipx_[A-Za-z0-9_-]\{43\}' | head -1)
python3 scripts/bench-publish.py "http://127.0.0.1:$port" "$key"

if [ -d widgets/dist ] && command -v chromium >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  echo
  echo "--- widget: first results in headless Chromium (tests/e2e/bench-widgets.mjs)"
  (cd tests/e2e && npm ci --no-audit --no-fund --silent)
  node tests/e2e/bench-widgets.mjs "http://127.0.0.1:$port"
else
  echo
  echo "(widget timing skipped: needs widgets/dist, chromium and npm; bash scripts/test.sh installs them)"
fi
