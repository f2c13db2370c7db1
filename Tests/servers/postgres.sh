#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback, for the tests and benchmarks (recipe: ../shared/real-servers.md).
# Usage: postgres.sh WATCH_PID. Prints one line, "ready postgres://postgres@127.0.0.1:PORT/postgres", once it accepts
# connections; stops the cluster and removes its folder when WATCH_PID exits, or on SIGTERM/SIGINT.
# Durability is off (fsync, full pages, synchronous commit): the tests kill Berth, never this server.
set -euo pipefail
WATCH=${1:?usage: postgres.sh WATCH_PID}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/postgres" ] || { echo "PostgreSQL 15 is not installed at $PGBIN (apt-get install postgresql-15; make deps does)" >&2; exit 1; }
D=$(mktemp -d -t berth-postgres.XXXXXX)
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user Debian's package creates.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$D"
stop() {
  as_owner "$PGBIN/pg_ctl" -D "$D/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$D"
}
trap 'stop; exit 0' TERM INT
as_owner "$PGBIN/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --no-sync >"$D/initdb.log" 2>&1 \
  || { cat "$D/initdb.log" >&2; rm -rf "$D"; exit 1; }
started=""
for attempt in 1 2 3 4 5; do
  PORT=$(( 20000 + RANDOM % 30000 ))
  if as_owner "$PGBIN/pg_ctl" -D "$D/data" -l "$D/server.log" -w -t 30 -o "-p $PORT -k $D -c listen_addresses=127.0.0.1 \
      -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300" start >/dev/null 2>&1; then
    started=yes; break
  fi
done
[ -n "$started" ] || { cat "$D/server.log" >&2; stop; exit 1; }
echo "ready postgres://postgres@127.0.0.1:$PORT/postgres"
while kill -0 "$WATCH" 2>/dev/null; do sleep 0.5; done
stop
