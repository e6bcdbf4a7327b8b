#!/usr/bin/env python
"""Support clicks per second under concurrent users, over real HTTP, at two table sizes.

    .venv/bin/python bench/support.py --db small=postgres://.../civic_small --db full=postgres://.../civic

For each database (seeded by bench/seed.py, which reserves the ``@bench.invalid`` verified residents):

- a real server, ``daphne config.asgi:application`` on a free 127.0.0.1 port, with that DATABASE_URL
  (and the REDIS_URL of the environment, so rate limits and Celery go to Redis as in production);
- ``--concurrency`` client threads (stdlib http.client, keep-alive), each cycling through its own
  share of the bench users; every bench user is signed in by a session row written straight into
  django_session (sessionid cookie) and sends a CSRF cookie + token; each click is
  ``POST proposals:support`` with ``action=add`` on a random open proposal that user has not
  supported yet;
- the baseline, in the same run: the raw database ceiling, the same ``INSERT INTO proposals_support``
  + ``UPDATE proposals_proposal SET support_count = support_count + 1`` in one transaction, from
  the same number of threads with psycopg (no Django, no HTTP).

The support view always answers 302 (refusals are flash messages), so a click counts only when its
row is in the database: clicks/s = bench supports created inside the measuring window / window.
After every run the bench supports are deleted again and the counts restored, so each run sees the
seeded table size. Runs alternate between sizes and modes (``--reps`` times) and the medians are
reported, with the full/small ratio and the app/raw fraction. Results: bench/results/support.json.
"""

import argparse
import http.client
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import RESULTS, ROOT, log, median, percentile, post_form, write_json  # noqa: E402


# Clients keep going a little after the window so that the CPU samples at its end see the load
# (and the raw threads' connections) still there; only requests started inside the window count.
GRACE = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_times(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> dict[int, float]:
    """CPU seconds per process named postgres (the bench's cluster: on a shared machine, maybe others too)."""
    total = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        if raw[raw.index("(") + 1:raw.rindex(")")] != "postgres":
            continue
        fields = raw.rsplit(")", 1)[1].split()
        total[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two samples by the processes alive at the second (new ones count from 0)."""
    return sum(max(0.0, t - before.get(pid, 0.0)) for pid, t in after.items())


def own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot (Linux /proc/stat)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Target:
    """One seeded database and its server."""

    def __init__(self, label: str, url: str, servers: int):
        import psycopg

        self.label, self.url = label, url
        self.conn = psycopg.connect(url, autocommit=True)
        rows = self.conn.execute("SELECT id FROM accounts_user WHERE email LIKE '%%@bench.invalid' "
                                 "AND is_verified_resident AND is_active ORDER BY id").fetchall()
        self.users = [r[0] for r in rows]
        if not self.users:
            raise SystemExit(f"support: no bench users in {label}; seed it with bench/seed.py first")
        self.user_range = (self.users[0], self.users[-1])
        rows = self.conn.execute("""
            SELECT id FROM proposals_proposal
            WHERE state IN ('published', 'escalated') AND support_closed_at IS NULL
              AND support_closes_at > now() + interval '1 hour' ORDER BY id
        """).fetchall()
        self.open_ids = [r[0] for r in rows]
        self.sizes = self.conn.execute(
            "SELECT (SELECT count(*) FROM proposals_proposal), (SELECT count(*) FROM proposals_support)").fetchone()
        self.cleanup()
        self.sessions = self._sessions()
        self.servers = [Server(url, i, label) for i in range(servers)]

    def _sessions(self) -> dict[int, str]:
        """One signed-in session per bench user, written directly into django_session."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from accounts.models import User

        store = SessionStore()
        auth_hash = User(password="!").get_session_auth_hash()  # seeded bench users have password "!"
        expires = datetime.now(dt_timezone.utc) + timedelta(days=1)
        sessions = {uid: secrets.token_hex(16) for uid in self.users}
        with self.conn.cursor().copy("COPY django_session (session_key, session_data, expire_date) FROM STDIN") as cp:
            for uid, key in sessions.items():
                data = store.encode({SESSION_KEY: str(uid), BACKEND_SESSION_KEY:
                                     "django.contrib.auth.backends.ModelBackend", HASH_SESSION_KEY: auth_hash})
                cp.write_row((key, data, expires))
        return sessions

    def cleanup(self) -> int:
        """Delete the bench users' supports and restore the counts: back to the seeded table."""
        lo, hi = self.user_range
        with self.conn.transaction():
            row = self.conn.execute("""
                WITH d AS (DELETE FROM proposals_support WHERE user_id BETWEEN %s AND %s RETURNING proposal_id),
                     c AS (SELECT proposal_id, count(*) AS n FROM d GROUP BY proposal_id),
                     u AS (UPDATE proposals_proposal p SET support_count = p.support_count - c.n
                           FROM c WHERE p.id = c.proposal_id RETURNING c.n)
                SELECT COALESCE(sum(n), 0) FROM u
            """, [lo, hi]).fetchone()
        return int(row[0])

    def count_between(self, start: datetime, end: datetime) -> int:
        lo, hi = self.user_range
        return self.conn.execute(
            "SELECT count(*) FROM proposals_support WHERE user_id BETWEEN %s AND %s AND created_at >= %s "
            "AND created_at < %s", [lo, hi, start, end]).fetchone()[0]

    def close(self):
        for server in self.servers:
            server.stop()
        self.conn.execute("DELETE FROM django_session WHERE session_key = ANY(%s)", [list(self.sessions.values())])
        self.conn.close()


class Server:
    def __init__(self, db_url: str, index: int, label: str):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="config.settings")
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = open(RESULTS / f"daphne-{label}-{index}.log", "w")
        daphne = Path(sys.executable).with_name("daphne")
        cmd = [str(daphne) if daphne.exists() else "daphne", "-b", "127.0.0.1", "-p", str(self.port),
               "config.asgi:application"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"support: daphne exited with {self.proc.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/static/does-not-exist")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("support: daphne did not answer within 60 s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _run_threads(worker, concurrency: int, warmup: float, duration: float, target: Target):
    """Start ``concurrency`` workers at once; measure between warmup and warmup + duration."""
    users = target.users[:]
    random.Random(time.time_ns()).shuffle(users)
    shares = [users[i::concurrency] for i in range(concurrency)]
    start_event = threading.Event()
    t0 = time.time() + 0.5
    window = (t0 + warmup, t0 + warmup + duration)
    results = [None] * concurrency

    def body(i):
        start_event.wait()
        results[i] = worker(i, shares[i], window)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    while time.time() < t0:
        time.sleep(0.001)
    busy0, total0 = machine_busy()
    start_event.set()
    time.sleep(max(0.0, window[0] - time.time()))
    busy1, total1 = machine_busy()
    cpu1 = [cpu_times(s.proc.pid) for s in target.servers]
    pg1, me1 = postgres_cpu(), own_cpu()
    time.sleep(max(0.0, window[1] - time.time()))
    busy2, total2 = machine_busy()
    cpu2 = [cpu_times(s.proc.pid) for s in target.servers]
    pg2, me2 = postgres_cpu(), own_cpu()
    for t in threads:
        t.join()
    ncpu = os.cpu_count() or 1
    return results, window, {
        "machine_cpu_percent": round(100 * (busy2 - busy1) / max(1, total2 - total1) * ncpu, 0),
        "server_cpu_percent": round(100 * sum(b - a for a, b in zip(cpu1, cpu2)) / duration, 0),
        "postgres_cpu_percent": round(100 * cpu_delta(pg1, pg2) / duration, 0),
        "client_cpu_percent": round(100 * (me2 - me1) / duration, 0),
    }


def _clicks(rng, users, open_ids, window):
    """The clicks one client makes, the same for the app and the raw baseline: (time, user, proposal),
    cycling through its users, each supporting a random open proposal at most once, until the window
    (plus a grace period) ends."""
    done = {u: set() for u in users}
    j = 0
    while True:
        now = time.time()
        if now >= window[1] + GRACE:
            return
        user = users[j % len(users)]
        j += 1
        pid = rng.choice(open_ids)
        if pid in done[user]:
            continue
        done[user].add(pid)
        yield now, user, pid


def run_app(target: Target, concurrency: int, warmup: float, duration: float, seed: int) -> dict:
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, accepted as cookie and token

    def worker(i, users, window):
        rng = random.Random(seed * 1000 + i)
        server = target.servers[i % len(target.servers)]
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        latencies, statuses = [], {}
        body = urlencode({"action": "add", "csrfmiddlewaretoken": csrf})
        for now, user, pid in _clicks(rng, users, target.open_ids, window):
            t = time.perf_counter()
            conn, status = post_form(conn, server.port, f"/proposals/{pid}/support/", body, target.sessions[user],
                                     csrf)
            elapsed = (time.perf_counter() - t) * 1000
            if window[0] <= now < window[1]:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()
        return latencies, statuses

    return _finish(target, "app", *_run_threads(worker, concurrency, warmup, duration, target), duration)


def run_raw(target: Target, concurrency: int, warmup: float, duration: float, seed: int) -> dict:
    import psycopg

    def worker(i, users, window):
        rng = random.Random(seed * 1000 + i)
        latencies, statuses = [], {}
        with psycopg.connect(target.url) as conn:
            for now, user, pid in _clicks(rng, users, target.open_ids, window):
                t = time.perf_counter()
                with conn.transaction():
                    conn.execute("INSERT INTO proposals_support (proposal_id, user_id, created_at) "
                                 "VALUES (%s, %s, statement_timestamp())", [pid, user])
                    conn.execute("UPDATE proposals_proposal SET support_count = support_count + 1 WHERE id = %s",
                                 [pid])
                elapsed = (time.perf_counter() - t) * 1000
                if window[0] <= now < window[1]:
                    latencies.append(elapsed)
                    statuses["ok"] = statuses.get("ok", 0) + 1
        return latencies, statuses

    return _finish(target, "raw", *_run_threads(worker, concurrency, warmup, duration, target), duration)


def _finish(target: Target, mode: str, results, window, cpu, duration: float) -> dict:
    start = datetime.fromtimestamp(window[0], dt_timezone.utc)
    end = datetime.fromtimestamp(window[1], dt_timezone.utc)
    inserted = target.count_between(start, end)
    latencies = [x for lat, _s in results for x in lat]
    statuses: dict = {}
    for _lat, s in results:
        for k, v in s.items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    removed = target.cleanup()
    out = {
        "size": target.label, "mode": mode, "clicks_per_s": round(inserted / duration, 1),
        "requests_per_s": round(len(latencies) / duration, 1), "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1), "max_ms": round(max(latencies), 1) if latencies else None,
        "statuses": statuses, "supports_in_window": inserted, "supports_removed_after": removed, **cpu,
    }
    log(f"support: {target.label:5} {mode:3}: {out['clicks_per_s']:7.1f} clicks/s "
        f"(p50 {out['p50_ms']} ms, p95 {out['p95_ms']} ms, statuses {statuses}; CPU % daphne "
        f"{cpu['server_cpu_percent']:.0f}, postgres {cpu['postgres_cpu_percent']:.0f}, client "
        f"{cpu['client_cpu_percent']:.0f}, whole machine {cpu['machine_cpu_percent']:.0f})")
    return out


def summarize(runs: list[dict], labels: list[str]) -> dict:
    summary = {}
    for label in labels:
        for mode in ("app", "raw"):
            mine = [r for r in runs if r["size"] == label and r["mode"] == mode]
            if not mine:
                continue
            summary[f"{label}/{mode}"] = {
                "clicks_per_s": round(median([r["clicks_per_s"] for r in mine]), 1),
                "p50_ms": round(median([r["p50_ms"] for r in mine]), 1),
                "p95_ms": round(median([r["p95_ms"] for r in mine]), 1),
                "server_cpu_percent": median([r["server_cpu_percent"] for r in mine]),
                "postgres_cpu_percent": median([r["postgres_cpu_percent"] for r in mine]),
                "client_cpu_percent": median([r["client_cpu_percent"] for r in mine]),
                "machine_cpu_percent": median([r["machine_cpu_percent"] for r in mine]),
                "runs": [r["clicks_per_s"] for r in mine],
            }
    if len(labels) == 2:
        small, full = labels
        for mode in ("app", "raw"):
            a, b = summary.get(f"{small}/{mode}"), summary.get(f"{full}/{mode}")
            if a and b and a["clicks_per_s"]:
                summary[f"ratio {full}/{small} {mode}"] = round(b["clicks_per_s"] / a["clicks_per_s"], 2)
                # The ratio of medians hides the spread; the per-repetition ratios show it.
                ra = [r["clicks_per_s"] for r in runs if r["size"] == small and r["mode"] == mode]
                rb = [r["clicks_per_s"] for r in runs if r["size"] == full and r["mode"] == mode]
                summary[f"ratios per rep {full}/{small} {mode}"] = [round(y / x, 2) for x, y in zip(ra, rb) if x]
    for label in labels:
        app, raw = summary.get(f"{label}/app"), summary.get(f"{label}/raw")
        if app and raw and raw["clicks_per_s"]:
            summary[f"app/raw {label}"] = round(app["clicks_per_s"] / raw["clicks_per_s"], 3)
    return summary


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, metavar="LABEL=DATABASE_URL",
                        help="a seeded database; give two (small first) to compare sizes")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring, per run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--servers", type=int, default=1, help="daphne processes per database")
    parser.add_argument("--modes", default="app,raw")
    parser.add_argument("--out", default="support.json")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()  # settings only (session encoding); the data is reached with psycopg

    targets = []
    try:
        for item in args.db:
            label, url = item.split("=", 1)
            targets.append(Target(label, url, args.servers))
            t = targets[-1]
            log(f"support: {label}: {t.sizes[0]:,} proposals, {t.sizes[1]:,} supports, {len(t.open_ids):,} open, "
                f"{len(t.users):,} bench users, server(s) on port(s) {[s.port for s in t.servers]}")
        modes = args.modes.split(",")
        runs = []
        for rep in range(args.reps):
            order = targets if rep % 2 == 0 else targets[::-1]
            for target in order:
                for mode in (modes if rep % 2 == 0 else modes[::-1]):
                    fn = run_app if mode == "app" else run_raw
                    runs.append({"rep": rep + 1, **fn(target, args.concurrency, args.warmup, args.duration,
                                                      seed=rep * 10 + len(runs))})
        out = {
            "concurrency": args.concurrency, "duration_s": args.duration, "warmup_s": args.warmup,
            "reps": args.reps, "servers": args.servers,
            "targets": {t.label: {"proposals": t.sizes[0], "supports": t.sizes[1], "open_proposals": len(t.open_ids),
                                  "bench_users": len(t.users)} for t in targets},
            "summary": summarize(runs, [t.label for t in targets]),
            "runs": runs,
        }
    finally:
        for t in targets:
            t.close()
    write_json(args.out, out)
    for key, value in out["summary"].items():
        print(f"{key:28} {value}")
    return out


if __name__ == "__main__":
    main()
