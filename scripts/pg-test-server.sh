#!/usr/bin/env bash
# A throw-away PostgreSQL server for the storage tests, on 127.0.0.1 only.
#   scripts/pg-test-server.sh start|stop|url
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail
PORT=${MEDIATOR_PG_PORT:-54329}
DIR=${MEDIATOR_PG_DIR:-/tmp/mediator-pg-$PORT}
URL="postgresql+psycopg://mediator@127.0.0.1:$PORT/mediator_test"

bin_dir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  dirname "$(command -v initdb)"
}
BIN=$(bin_dir)

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if running; then echo "$URL"; exit 0; fi
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" >/dev/null
    for _ in $(seq 1 60); do
      as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
      sleep 0.5
    done
    as_pg "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE mediator LOGIN SUPERUSER" \
      -c "CREATE DATABASE mediator_test OWNER mediator ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    echo "$URL"
    ;;
  stop)
    if running; then as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null; fi
    rm -rf "$DIR"
    ;;
  url)
    echo "$URL"
    ;;
  *)
    echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
