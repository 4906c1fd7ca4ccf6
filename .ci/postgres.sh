#!/usr/bin/env bash
# CI: start a throwaway PostgreSQL on 127.0.0.1:55432 with a database mtus_test, for tests/service/test_store_postgres.py.
# Usage: eval "$(.ci/postgres.sh)"  -- stdout carries only the export lines; everything else goes to stderr.
# Installs the Debian postgresql package when no initdb is found. Harmless when a server already answers on the port.
set -euo pipefail
exec 3>&1 1>&2  # keep stdout for the export lines

PORT="${MTUS_PG_PORT:-55432}"
DATA="${MTUS_PG_DATA:-/tmp/mtus-pgdata}"
RUN_USER="${MTUS_PG_USER:-pgtest}"  # PostgreSQL refuses to run as root
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/mtus_test"

find_bin() {  # the newest major version's bin folder, or nothing
  local initdb
  initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$initdb" ] && dirname "$initdb"
}

BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  BIN="$(find_bin)"
fi

as_user() {
  if [ "$(id -u)" -eq 0 ]; then su "$RUN_USER" -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  echo "postgres.sh: a server already answers on 127.0.0.1:$PORT; using it"
else
  if [ "$(id -u)" -eq 0 ] && ! id "$RUN_USER" >/dev/null 2>&1; then
    useradd -m "$RUN_USER"
  fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"  # initdb refuses a folder that is not empty
    if [ "$(id -u)" -eq 0 ]; then chown "$RUN_USER" "$DATA"; fi
    as_user "'$BIN/initdb' -D '$DATA' -A trust -U postgres -E UTF8 --no-locale >'$DATA.initdb.log'" \
      || { cat "$DATA.initdb.log"; exit 1; }
  fi
  # The server outlives this script: in a subshell, close every descriptor but 0-2 first, or the server would
  # hold the caller's $(...) pipe open and `eval "$(.ci/postgres.sh)"` would never return.
  # -k: the socket goes to the data folder, not /var/run/postgresql (which may not exist or be writable).
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    as_user "'$BIN/pg_ctl' -D '$DATA' -o \"-k '$DATA' -p $PORT -h 127.0.0.1\" -l '$DATA.log' -w -t 60 start" \
      </dev/null
  ) || { cat "$DATA.log"; exit 1; }
fi

if [ "$("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'mtus_test'")" != 1 ]; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres mtus_test
fi

echo "postgres.sh: PostgreSQL ready at $URL (stop: su $RUN_USER -c \"$BIN/pg_ctl -D $DATA stop\")"
echo "export MTUS_TEST_POSTGRES_URL=$URL" >&3
