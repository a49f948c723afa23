# Sourced by scripts/test: a throwaway PostgreSQL server for the tests, in a temporary
# directory, listening on a unix socket only (no TCP port to collide with), stopped and
# removed on exit. Sets CODERLITE_TEST_PG to its URL.
# fsync is off: the server holds test data only and is deleted afterwards.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# initdb and postgres refuse to run as root: as root they run as Debian's `postgres` user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_temp_start() {
  PGBIN="$(pg_bin)"
  if [ -z "$PGBIN" ]; then
    echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin)" >&2
    return 1
  fi
  PG_TMP="$(mktemp -d /tmp/coderlite-pg.XXXXXX)"
  chmod 755 "$PG_TMP"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_TMP"; fi
  as_pg "$PGBIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" -w \
    -o "-k $PG_TMP -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null
  # A URL, as `--db` takes it; the socket directory goes percent-encoded in the host.
  export CODERLITE_TEST_PG="postgresql://postgres@${PG_TMP//\//%2F}/postgres"
  echo "==> throwaway PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') at $PG_TMP"
}

pg_temp_stop() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
