#!/usr/bin/env bash
# Usage: tests/services/with-services.sh CMD [ARGS...]
#
# Runs CMD with a throwaway PostgreSQL (pg_virtualenv) and a throwaway Redis,
# both on free ports on 127.0.0.1, and exports
#   DATABASE_URL=postgres://postgres:PASSWORD@127.0.0.1:PGPORT/civic
#   REDIS_URL=redis://127.0.0.1:REDISPORT/0
# Both services and their files are removed when CMD exits; the exit status is
# CMD's. Used by `make test` and `make bench`. Example:
#   tests/services/with-services.sh bash -c 'psql "$DATABASE_URL" -Atc "select 1" && redis-cli -u "$REDIS_URL" ping'
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$#" -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
# A production-shaped run (DATABASE_URL set) refuses to start without a secret key of its own
# (config/settings.py): a fresh one per run. The services speak plain HTTP on 127.0.0.1, so the
# HTTPS redirect of production settings is off here.
if [ -z "${SECRET_KEY:-}" ]; then
    SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
fi
export SECRET_KEY
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
# Redis is started inside the PostgreSQL environment so that, where a PID
# namespace is available, it lives and dies with it too.
exec "$here/postgres.sh" "$here/redis.sh" "$@"
