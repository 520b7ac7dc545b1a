#!/usr/bin/env bash
# Builds GraphiQL for /graphiql into api/graphiql/dist (or $1): the UMD builds of the npm
# packages pinned in api/graphiql/package-lock.json (graphiql, react, react-dom), so that the
# server needs no CDN and GraphiQL works on a machine with no internet. Needs npm (installs
# Debian's nodejs and npm when it is missing and this runs as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-api/graphiql/dist}"
pkg=api/graphiql

say() { printf '==> %s\n' "$*"; }

if ! command -v npm >/dev/null 2>&1; then
  say "npm is needed for GraphiQL's packages; installing Debian's nodejs and npm"
  sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y -q nodejs npm >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q nodejs npm >/dev/null; }
fi

# npm ci only when the lock file changed since the last install.
stamp="$pkg/node_modules/.tipx-lock"
if ! cmp -s "$pkg/package-lock.json" "$stamp" 2>/dev/null; then
  say "installing GraphiQL's pinned npm packages ($pkg/package-lock.json)"
  (cd "$pkg" && npm ci --no-audit --no-fund --silent)
  cp "$pkg/package-lock.json" "$stamp"
fi

rm -rf "$out" && mkdir -p "$out"
cp "$pkg/node_modules/react/umd/react.production.min.js" \
   "$pkg/node_modules/react-dom/umd/react-dom.production.min.js" \
   "$pkg/node_modules/graphiql/graphiql.min.js" \
   "$pkg/node_modules/graphiql/graphiql.min.css" "$out/"
for p in graphiql react react-dom; do
  printf '%s %s\n' "$p" "$(node -p "require('./$pkg/node_modules/$p/package.json').version")"
done >"$out/VERSIONS"
say "GraphiQL built in $out: $(tr '\n' ' ' <"$out/VERSIONS")"
