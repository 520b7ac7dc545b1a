#!/usr/bin/env bash
# Load test: CONNECTIONS clients for DURATION against a seeded tipx, NGO pages searching while a
# focal point writes drafts and submits them and a moderator publishes (scripts/load.lua: about
# WRITE_PERCENT % of requests are writes). Fails on any non-2xx answer, GraphQL error or socket
# error; prints throughput and p50/p90/p99 latency, and the server's own counts from /metrics.
#
#   bash scripts/load.sh                               # release build, 30 s, 16 connections
#   DURATION=10s CONNECTIONS=8 TIPX_BIN=target/debug/tipx bash scripts/load.sh   # what CI runs
#
# The rate limits are off for the run: the load comes from one address and a handful of keys,
# and this measures the server, not the limiter (tests/rate_limits.rs tests the limiter).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
export LOAD_WRITE_PERCENT="${WRITE_PERCENT:-10}"

if ! command -v wrk >/dev/null 2>&1; then
  sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y -q wrk >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q wrk >/dev/null; }
fi
if [ -z "${TIPX_BIN:-}" ]; then
  cargo build --release --locked -p tipx-api
  TIPX_BIN="${CARGO_TARGET_DIR:-target}/release/tipx"
fi

data=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT
export TIPX__STORAGE__DATABASE_URL="" TIPX__SEARCH__MEILI_URL=""
"$TIPX_BIN" seed --data-dir "$data" >/dev/null 2>&1
LOAD_CONTRIBUTOR_KEY=$("$TIPX_BIN" keys create --role contributor --country NG --org "Load test focal point" --data-dir "$data" 2>/dev/null | grep -oE 'tipx_[A-Za-z0-9_-]{40,}' | head -1)
LOAD_MODERATOR_KEY=$("$TIPX_BIN" keys create --role moderator --org "Load test moderator" --data-dir "$data" 2>/dev/null | grep -oE 'tipx_[A-Za-z0-9_-]{40,}' | head -1)
export LOAD_CONTRIBUTOR_KEY LOAD_MODERATOR_KEY

TIPX__LOG__FILTER=warn TIPX__RATE_LIMITS__ENABLED=false \
  "$TIPX_BIN" serve --addr 127.0.0.1:0 --data-dir "$data" >"$data/server.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 600); do
  url=$(grep -oE 'GraphQL +http://[0-9.]+:[0-9]+' "$data/server.log" 2>/dev/null | awk '{print $2}' || true)
  if [ -n "$url" ]; then break; fi
  sleep 0.1
done
[ -n "$url" ] || { echo "tipx did not start:"; cat "$data/server.log"; exit 1; }
for _ in $(seq 1 600); do curl -fs "$url/health" | grep -q '"caught_up":true' && break; sleep 0.1; done

echo "load: $("$TIPX_BIN" --version) at $url, $THREADS threads, $CONNECTIONS connections, $DURATION, ~$LOAD_WRITE_PERCENT % writes, $(nproc) cores"
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s scripts/load.lua "$url")
echo "$out" | grep -vE '^(Running|  [0-9]+ threads|  Thread Stats|    Latency|    Req/Sec|Requests/sec|Transfer/sec|  [0-9]+ requests in)' || true
echo "server's /metrics (GraphQL operations by outcome):"
curl -fs "$url/metrics" | grep -E '^tipx_graphql_requests_total\{operation="Load' | sed 's/^/  /'
result=$(echo "$out" | grep -oE 'LOAD_RESULT failures=[0-9]+ socket=[0-9]+')
if [ "$result" != "LOAD_RESULT failures=0 socket=0" ]; then
  echo "load test FAILED: $result"
  tail -20 "$data/server.log"
  exit 1
fi
echo "load test passed: no failed request"
