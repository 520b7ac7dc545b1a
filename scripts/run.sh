#!/usr/bin/env bash
# Starts TIP Exchange with the seed data: the widget demo page at /, GraphQL at /graphql,
# GraphiQL at /graphiql. Needs only the Rust toolchain: the first run installs the wasm target,
# wasm-bindgen-cli and wasm-opt for the widgets (scripts/build-widgets.sh), then builds.
# Extra arguments go to `tipx serve` (e.g. --addr 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building the widgets"
bash scripts/build-widgets.sh

echo "==> building GraphiQL (pinned npm packages)"
bash scripts/build-graphiql.sh

echo "==> building tipx (release; the first build takes a few minutes)"
cargo build --release --locked -p tipx-api

echo "==> starting the server (data in ./tipx-data; Ctrl-C to stop)"
exec "${CARGO_TARGET_DIR:-target}/release/tipx" serve --widgets-dir widgets/dist "$@"
