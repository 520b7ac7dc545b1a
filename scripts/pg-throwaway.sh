#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback, from Debian's `postgresql` package (installed
# with apt when missing): `initdb` and `pg_ctl` on a temporary folder, trust authentication,
# listening on 127.0.0.1 only. Prints two lines for `eval`:
#   export TIPX_TEST_DATABASE_URL=postgres://tipx@127.0.0.1:PORT/postgres
#   export TIPX_PG_DIR=/tmp/…   (stop it with: scripts/pg-throwaway.sh stop "$TIPX_PG_DIR")
# Tests create a database of their own per test on it. Everything else goes to standard error.
set -euo pipefail

if [ "${1:-}" = "stop" ]; then
  dir="${2:?usage: pg-throwaway.sh stop DIR}"
  bin=$(cat "$dir/bin" 2>/dev/null || true)
  if [ -n "$bin" ] && [ -d "$dir/data" ]; then
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

find_bin() { { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -1; }
bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "installing Debian's postgresql package" >&2
  sudo=""; if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # The package's own cluster is not wanted: only the programs.
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/tipx.conf >/dev/null
  $sudo apt-get install -y -q postgresql >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q postgresql >/dev/null; }
  bin=$(find_bin)
fi

dir=$(mktemp -d /tmp/tipx-pg.XXXXXX)
echo "$bin" >"$dir/bin"
# initdb refuses to run as root: as root, the server runs as the package's postgres user.
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
as_pg "$bin/initdb" -D "$dir/data" -U tipx --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Sized for tests: every test makes its own database, with its own pool of connections.
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=128MB" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)" >&2
echo "export TIPX_TEST_DATABASE_URL=postgres://tipx@127.0.0.1:$port/postgres"
echo "export TIPX_PG_DIR=$dir"
