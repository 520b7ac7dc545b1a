#!/usr/bin/env bash
# Starts TIP Exchange with the seed data: GraphQL at /graphql, GraphiQL at /graphiql.
# Needs only the Rust toolchain. Extra arguments go to `tipx serve` (e.g. --addr 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building tipx (release; the first build takes a few minutes)"
cargo build --release --locked -p tipx-api

echo "==> starting the server (data in ./tipx-data; Ctrl-C to stop)"
exec "${CARGO_TARGET_DIR:-target}/release/tipx" serve "$@"
