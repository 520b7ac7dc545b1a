#!/usr/bin/env bash
# Builds the embeddable widgets into widgets/dist (or $1): the WebAssembly (yew, release
# profile "widgets": opt-level z, LTO), wasm-bindgen's glue, the loader and the iframe page.
# The server serves that folder at /widgets/. Installs what it needs when missing:
#   - the wasm32-unknown-unknown target (rustup);
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (cargo install);
#   - wasm-opt from the npm package binaryen (Debian's is too old); without npm the
#     WebAssembly is left unoptimised, and the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-widgets/dist}"
target_dir="${CARGO_TARGET_DIR:-target}"
tools="$target_dir/tools"
BINARYEN_VERSION="132.0.0"

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate exactly, or the glue and the module disagree.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (was: ${have:-none}); this takes a few minutes"
  # Without --locked: the CLI's own lock file pins a version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$want"
fi

wasm_opt=""
if [ -x "$tools/node_modules/.bin/wasm-opt" ]; then
  wasm_opt="$tools/node_modules/.bin/wasm-opt"
elif command -v npm >/dev/null 2>&1; then
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $tools"
  mkdir -p "$tools"
  if npm install --prefix "$tools" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null; then
    wasm_opt="$tools/node_modules/.bin/wasm-opt"
  fi
fi

say "building the widgets (wasm32, profile widgets)"
cargo build --locked -p tipx-widgets --target wasm32-unknown-unknown --profile widgets

pkg="$target_dir/widgets/pkg"
rm -rf "$pkg" && mkdir -p "$pkg"
wasm-bindgen --target no-modules --no-typescript --out-dir "$pkg" \
  "$target_dir/wasm32-unknown-unknown/widgets/tipx_widgets.wasm"

mkdir -p "$out"
if [ -n "$wasm_opt" ]; then
  say "optimising with wasm-opt -Oz"
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/tipx_widgets_bg.wasm" -o "$out/tipx_widgets_bg.wasm"
else
  echo "NOTE: npm is not available, so wasm-opt is not; the WebAssembly is not optimised."
  cp "$pkg/tipx_widgets_bg.wasm" "$out/"
fi
cp "$pkg/tipx_widgets.js" widgets/loader/loader.js widgets/loader/frame.html widgets/loader/frame.css "$out/"

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
js_raw=$(( $(raw "$out/tipx_widgets.js") + $(raw "$out/loader.js") ))
js_gz=$(cat "$out/tipx_widgets.js" "$out/loader.js" | gzip -9 -c | wc -c | tr -d ' ')
say "widgets built in $out: wasm $(raw "$out/tipx_widgets_bg.wasm") bytes ($(gz "$out/tipx_widgets_bg.wasm") gzip), js $js_raw bytes ($js_gz gzip)"
