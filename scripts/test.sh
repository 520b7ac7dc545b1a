#!/usr/bin/env bash
# Runs every test: formatting, unit tests, integration tests against the real server, the
# search contract (embedded index always; Meilisearch too when one is available), and the seed
# check. Needs only the Rust toolchain; installs what else it needs.
#
# Meilisearch: set MEILI_URL (and MEILI_KEY) to test against a running server, or put a
# `meilisearch` binary on PATH (or set MEILI_BIN) and this script starts one on loopback with a
# throw-away database. Without either, the Meilisearch half is reported as not run.
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

step "lints (cargo clippy, warnings are errors)"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --locked --workspace --all-targets -- -D warnings
else
  echo "clippy is not installed; skipping lints (rustup component add clippy)"
fi

step "building (one build, reused by every step below)"
cargo build --locked --workspace --all-targets

step "seed check on the real seed files (tipx seed --check)"
"${CARGO_TARGET_DIR:-target}/debug/tipx" seed --check --seed-dir seed

meili_pid=""
meili_dir=""
cleanup() {
  if [ -n "$meili_pid" ]; then kill "$meili_pid" 2>/dev/null || true; wait "$meili_pid" 2>/dev/null || true; fi
  if [ -n "$meili_dir" ]; then rm -rf "$meili_dir"; fi
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

step "unit and integration tests"
cargo test --locked --workspace
