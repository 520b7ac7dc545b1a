#!/usr/bin/env bash
# Builds the embeddable widgets into widgets/dist (or $1): one WebAssembly module per widget
# (yew, release profile "widgets": opt-level z, LTO; the crate built once per widget with only
# that widget's feature) with wasm-bindgen's glue for it, the loader and the iframe page.
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

mkdir -p "$out"
rm -f "$out"/tipx_widgets.js "$out"/tipx_widgets_bg.wasm # the single bundle of earlier versions
pkg="$target_dir/widgets/pkg"
for kind in search country record portal; do
  say "building <tipx-$kind> (wasm32, profile widgets, feature $kind)"
  cargo build --locked -p tipx-widgets --target wasm32-unknown-unknown --profile widgets \
    --no-default-features --features "$kind"
  rm -rf "$pkg" && mkdir -p "$pkg"
  wasm-bindgen --target no-modules --no-modules-global "tipx_$kind" --no-typescript \
    --out-dir "$pkg" --out-name "$kind" \
    "$target_dir/wasm32-unknown-unknown/widgets/tipx_widgets.wasm"
  if [ -n "$wasm_opt" ]; then
    "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$pkg/${kind}_bg.wasm" -o "$out/$kind.wasm"
  else
    cp "$pkg/${kind}_bg.wasm" "$out/$kind.wasm"
  fi
  cp "$pkg/$kind.js" "$out/$kind.js"
done
[ -n "$wasm_opt" ] || echo "NOTE: npm is not available, so wasm-opt is not; the WebAssembly is not optimised."
cp widgets/loader/loader.js widgets/loader/frame.html widgets/loader/frame.css widgets/loader/page.js "$out/"

gz() { gzip -9 -c "$@" | wc -c | tr -d ' '; }
for kind in search country record portal; do
  say "$kind: wasm $(gz "$out/$kind.wasm") + glue $(gz "$out/$kind.js") + loader $(gz "$out/loader.js") bytes gzip"
done
