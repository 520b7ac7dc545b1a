#!/usr/bin/env bash
# Supply chain: cargo deny over every dependency (deny.toml): known advisories, licences,
# sources (crates.io only) and duplicate versions. Offline for the advisories: the database is
# the copy at ADVISORY_DB (default ../shared/advisory-db, the RustSec snapshot this project is
# audited against), put where cargo-deny looks for it as a one-commit git repository (the tool
# reads the commit's date) in a temporary folder; nothing is fetched from GitHub.
#
#   bash scripts/deny.sh                         # all checks
#   ADVISORY_DB=/path/to/advisory-db bash scripts/deny.sh advisories
#
# Installs cargo-deny (the version below) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_DENY_VERSION=0.20.2
ADVISORY_DB="${ADVISORY_DB:-../shared/advisory-db}"
if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
  cargo install --locked --quiet cargo-deny --version "$CARGO_DENY_VERSION"
fi
if [ "${1:-}" = "--no-advisories" ]; then
  shift
  cargo fetch --locked --quiet
  TIPX_ADVISORY_DBS=$(mktemp -d) exec cargo deny --offline --locked check "$@"
fi
if [ ! -d "$ADVISORY_DB/crates" ]; then
  echo "error: no advisory database at $ADVISORY_DB (set ADVISORY_DB to a copy of rustsec/advisory-db)" >&2
  exit 1
fi
dbs=$(mktemp -d)
trap 'rm -rf "$dbs"' EXIT
# cargo-deny's folder name for the default database URL (https://github.com/RustSec/advisory-db).
db="$dbs/advisory-db-3157b0e258782691"
cp -r "$ADVISORY_DB" "$db"
chmod -R u+w "$db"
snapshot=$(grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$db/SNAPSHOT.md" 2>/dev/null | head -1 || true)
(
  cd "$db"
  git init -q
  git add -A
  GIT_AUTHOR_DATE="${snapshot:-2000-01-01}T00:00:00Z" GIT_COMMITTER_DATE="${snapshot:-2000-01-01}T00:00:00Z" \
    git -c user.name=tipx -c user.email=tipx@localhost commit -qm "advisory database snapshot"
)
echo "advisory database: $ADVISORY_DB (snapshot ${snapshot:-of unknown date})"
# Every crate the lock file names must be on disk for an offline run.
cargo fetch --locked --quiet
TIPX_ADVISORY_DBS="$dbs" cargo deny --offline --locked check "$@"
