#!/usr/bin/env bash
# Usage: tests/services/redis.sh CMD [ARGS...]
#
# Starts a throwaway redis-server on a free 127.0.0.1 port with its data in a
# temporary directory (no persistence), waits until it answers PING, exports
#   REDIS_URL=redis://127.0.0.1:PORT/0
# (128 databases: parallel test workers take 1, 2, ... of their own, tests/workers.py),
# runs CMD, then stops Redis and removes the directory. Exits with CMD's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

[ "$#" -gt 0 ] || services_die "usage: $0 CMD [ARGS...]"
command -v redis-server >/dev/null || services_die "redis-server not found (make test-deps installs it)"
command -v redis-cli >/dev/null || services_die "redis-cli not found (make test-deps installs it)"

started="$(services_now)"
redis_dir="$(mktemp -d -t redis-test.XXXXXX)"
redis_pid=""

redis_stop() {
    if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
        kill -TERM "$redis_pid" 2>/dev/null || true
        # give it 5 s to exit, then force
        for _ in $(seq 50); do
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
    fi
    redis_pid=""
    rm -rf "$redis_dir"
}
trap redis_stop EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

redis_port=""
for attempt in 1 2 3 4 5; do
    port="$(services_free_port)"
    # stdin from /dev/null: CI has none, and redis must not read the terminal
    redis-server --port "$port" --bind 127.0.0.1 --dir "$redis_dir" \
        --save "" --appendonly no --daemonize no --databases 128 \
        --logfile "$redis_dir/redis.log" </dev/null &
    redis_pid=$!
    for _ in $(seq 100); do   # up to 10 s
        if ! kill -0 "$redis_pid" 2>/dev/null; then
            break               # died (port taken?) -> retry with another port
        fi
        if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = "PONG" ]; then
            redis_port="$port"
            break
        fi
        sleep 0.1
    done
    [ -n "$redis_port" ] && break
    services_log "redis-server did not start on port $port (attempt $attempt); log:"
    tail -5 "$redis_dir/redis.log" >&2 2>/dev/null || true
    kill -KILL "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
done
[ -n "$redis_port" ] || services_die "could not start redis-server"

export REDIS_URL="redis://127.0.0.1:${redis_port}/0"
services_log "redis ready at $REDIS_URL (pid $redis_pid) in $(services_elapsed "$started")s"

set +e
"$@"
status=$?
set -e
exit "$status"
