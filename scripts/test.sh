#!/usr/bin/env bash
# Runs every test: formatting, unit tests, integration tests against the real server, and the
# seed check. Needs only the Rust toolchain; installs what else it needs.
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

step "building (one build, reused by every step below)"
cargo build --locked --workspace --all-targets

step "seed check on the real seed files (tipx seed --check)"
./target/debug/tipx seed --check --seed-dir seed

step "unit and integration tests"
cargo test --locked --workspace
