#!/usr/bin/env bash
# Usage: tests/services/postgres.sh CMD [ARGS...]
#
# Runs CMD against a throwaway PostgreSQL cluster made by pg_virtualenv
# (Debian's postgresql-common). Inside CMD:
#   DATABASE_URL=postgres://postgres:PASSWORD@127.0.0.1:PORT/civic
# plus pg_virtualenv's own PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE, so psql
# works without arguments. The cluster (data, config, logs) is deleted when
# CMD exits. Exits with CMD's status.
#
# Notes
# - `pg_virtualenv -t` is used even as root: without it, root's cluster goes to
#   /etc/postgresql/<ver>/regress, which collides with a concurrent run or a
#   leftover of a killed one ("Cluster ... exists, refusing to overwrite").
# - The port is chosen here (a free one the kernel hands out) instead of
#   pg_createcluster's "first free from 5432", so parallel runs don't race.
# - Where unshare(1) is allowed (root on a normal kernel) the whole run goes in
#   its own PID namespace: when it ends, every process started inside it
#   (postgres, redis, stray test servers) is gone, and the daemonised
#   postmaster is reaped. Set SERVICES_UNSHARE=0 to turn that off.
# - Environment knobs: SERVICES_PGDATABASE (default civic),
#   SERVICES_PG_OPTS (extra pg_virtualenv options, e.g. "-v 15").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
self="$here/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
. "$here/lib.sh"

db_name="${SERVICES_PGDATABASE:-civic}"

if [ "${1:-}" = "--inside" ]; then
    # Running under pg_virtualenv: its variables are set, the server is up.
    shift
    : "${PGHOST:?} ${PGPORT:?} ${PGUSER:?} ${PGPASSWORD:?}"
    createdb "$db_name"
    DATABASE_URL="$(python3 - "$db_name" <<'EOF'
import os, sys
from urllib.parse import quote
e = os.environ
print("postgres://%s:%s@127.0.0.1:%s/%s" % (
    quote(e["PGUSER"], safe=""), quote(e["PGPASSWORD"], safe=""),
    e["PGPORT"], quote(sys.argv[1], safe="")))
EOF
)"
    export DATABASE_URL
    export PGDATABASE="$db_name"
    services_log "postgres ${PGVERSION:-?} ready at postgres://$PGUSER:***@127.0.0.1:$PGPORT/$db_name in $(services_elapsed "${_SERVICES_PG_STARTED:-$(services_now)}")s"
    exec "$@"
fi

[ "$#" -gt 0 ] || services_die "usage: $0 CMD [ARGS...]"
command -v pg_virtualenv >/dev/null \
    || services_die "pg_virtualenv not found (apt-get install postgresql postgresql-common; make test-deps does it)"

export _SERVICES_PG_STARTED="$(services_now)"

if [ "${SERVICES_UNSHARE:-1}" != 0 ] \
    && unshare --pid --fork --kill-child --mount-proc true </dev/null >/dev/null 2>&1; then
    export PG_VIRTUALENV_UNSHARE="--pid --fork --kill-child --mount-proc"
else
    unset PG_VIRTUALENV_UNSHARE
fi

# pg_virtualenv passes $PGPORT to pg_createcluster -p.
PGPORT="$(services_free_port)"
export PGPORT

# Throwaway cluster: durability off, a little more room for live-server tests.
# shellcheck disable=SC2086
exec pg_virtualenv -t \
    -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
    -o max_connections=300 \
    ${SERVICES_PG_OPTS:-} \
    "$self" --inside "$@"
