# Shared helpers for the throwaway-service scripts in this folder.
# Sourced, not executed.

services_log() { printf '[services] %s\n' "$*" >&2; }

services_die() { services_log "ERROR: $*"; exit 1; }

# Print a TCP port on 127.0.0.1 that is free right now (the kernel picks it).
# There is a small race between this and the server binding it; callers retry.
services_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Seconds since the epoch with a fraction, for start-up timing.
services_now() { date +%s.%N; }

# services_elapsed START -> "1.23"
services_elapsed() { awk -v s="$1" -v e="$(services_now)" 'BEGIN { printf "%.2f", e - s }'; }
