#!/usr/bin/env python
"""Ballots cast per second over HTTP by concurrent voters on PostgreSQL, against a raw INSERT baseline.

    make bench-voting                       # throwaway PostgreSQL + Redis: bench/voting_tally.py, then this
    tests/services/with-services.sh .venv/bin/python bench/voting_cast.py [--kinds single,budget] [--reps 3]

Needs DATABASE_URL (PostgreSQL; migrated here) and REDIS_URL (as in production). Per repetition,
per kind (``single``: one of 5 options; ``budget``: 2-4 of 30 projects within the budget) and per
mode, on a **fresh open vote** each time (so every voter may vote and the table sizes are alike):

- ``app``: one ``daphne config.asgi:application`` process on a free 127.0.0.1 port (bench/support.py's
  Server); ``--concurrency`` client threads (stdlib http.client, keep-alive), each with its own share
  of the bench voters (verified residents with birth year, gender and district), signed in by session
  rows written into django_session, with a CSRF cookie and token. Each ballot is ``POST
  voting:cast`` (``/votes/<pk>/cast/``) with ``choice`` repeated; success is a 302 to the vote page.
  A ballot counts when its roll row is in the database: ballots/s = ``voting_voterroll`` rows of the
  vote whose ``voted_at`` falls in the measuring window / window.
- ``raw``: the same number of psycopg threads, no Django, no HTTP, each ballot one transaction with
  the two INSERTs ``services.cast_ballot`` makes (``voting_voterroll`` then ``voting_ballot`` with
  its receipt hash and cells), on the same database.

Modes alternate between repetitions; medians and app/raw ratios per kind; CPU of daphne and of the
PostgreSQL processes from /proc (100 = one core). Results in bench/results/voting-cast-<timestamp>.json.
"""

import argparse
import datetime
import hashlib
import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, log, percentile, post_form, setup_django, write_json  # noqa: E402
from bench.support import Server, cpu_delta, cpu_times, machine_busy, postgres_cpu  # noqa: E402

PREFIX = "vote-bench-"
COSTS = [(i * 37) % 9 * 50_000 + 100_000 for i in range(30)]
BUDGET = 1_500_000
GRACE = 0.5


def make_voters(n: int) -> tuple[list[int], dict[int, str]]:
    """n verified residents and a signed-in session each (rows written directly)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.models import User

    have = set(User.objects.filter(email__startswith=PREFIX).values_list("email", flat=True))
    rng = random.Random(7)
    unusable = make_password(None)
    genders = [c for c, _ in User._meta.get_field("gender").choices] + [""]
    districts = [c for c, _ in User._meta.get_field("district").choices] or [""]
    User.objects.bulk_create([
        User(email=f"{PREFIX}{i}@bench.example", display_name=f"투표자{i}", password=unusable,
             is_verified_resident=True, verified_at=timezone.now(), birth_year=rng.randint(1940, 2005),
             gender=rng.choice(genders), district=rng.choice(districts))
        for i in range(n) if f"{PREFIX}{i}@bench.example" not in have], batch_size=2000)
    users = list(User.objects.filter(email__startswith=PREFIX).order_by("pk")[:n])
    store = SessionStore()
    expire = timezone.now() + datetime.timedelta(days=1)
    Session.objects.filter(session_key__startswith="votebench").delete()
    sessions, cookies = [], {}
    for user in users:
        key = f"votebench{user.pk:08d}{os.urandom(8).hex()}"
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cookies[user.pk] = key
    Session.objects.bulk_create(sessions, batch_size=2000)
    return [u.pk for u in users], cookies


def open_vote(kind: str, label: str) -> int:
    """A fresh open vote of the kind (no district or age limit), created directly in the open state."""
    from django.utils import timezone

    from voting.models import Option, Vote

    now = timezone.now()
    vote = Vote.objects.create(title=f"cast bench {kind} {label}", question="?", kind=kind, state="open",
                               opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
                               budget=BUDGET if kind == "budget" else None,
                               budget_rule="greedy" if kind == "budget" else "", secret=True)
    count = 30 if kind == "budget" else 5
    Option.objects.bulk_create([Option(vote=vote, position=p, label=f"option {p}",
                                       cost=COSTS[p - 1] if kind == "budget" else None) for p in range(1, count + 1)])
    return vote.pk


def choices_for(kind: str, rng: random.Random) -> list[int]:
    if kind == "single":
        return [rng.randint(1, 5)]
    chosen, spent = [], 0
    for p in rng.sample(range(1, 31), rng.randint(2, 4)):
        if spent + COSTS[p - 1] <= BUDGET:
            chosen.append(p)
            spent += COSTS[p - 1]
    return sorted(chosen)


def run(mode: str, kind: str, *, url: str, server, users, cookies, concurrency, warmup, duration, seed,
        votes_per_run) -> dict:
    import psycopg

    # Each voter votes once per vote: a thread goes through its voters, then again on the next vote.
    # The raw baseline is ~50x faster than the app, so it gets enough votes not to run out.
    vote_ids = [open_vote(kind, f"{mode}-{seed}-{v}") for v in range(votes_per_run if mode == "raw" else 2)]
    shares = [users[i::concurrency] for i in range(concurrency)]
    t0 = time.time() + 0.5
    window = (t0 + warmup, t0 + warmup + duration)
    start = threading.Event()
    results: list = [None] * concurrency
    csrf = secrets.token_hex(16)
    profile = {}
    if mode == "raw":
        with psycopg.connect(url) as conn:
            for pk, birth, gender, district in conn.execute(
                    "SELECT id, birth_year, gender, district FROM accounts_user WHERE id = ANY(%s)", [users]):
                band = next(label for low, label in reversed(AGE_BANDS) if datetime.date.today().year - birth >= low)
                profile[pk] = (band, gender, district)

    def worker(i):
        rng = random.Random(seed * 1000 + i)
        latencies, statuses = [], {}
        conn = (psycopg.connect(url) if mode == "raw"
                else http.client.HTTPConnection("127.0.0.1", server.port, timeout=60))
        start.wait()
        for vote_id, user in ((v, u) for v in vote_ids for u in shares[i]):
            now = time.time()
            if now >= window[1] + GRACE:
                break
            choices = choices_for(kind, rng)
            t = time.perf_counter()
            if mode == "raw":
                code = secrets.token_urlsafe(12)
                with conn.transaction():
                    conn.execute("INSERT INTO voting_voterroll (vote_id, user_id, voted_at) VALUES (%s, %s, now())",
                                 [vote_id, user])
                    conn.execute("INSERT INTO voting_ballot (vote_id, choices, receipt_hash, cast_on, voter_id, "
                                 "age_band, gender, district) "
                                 "VALUES (%s, %s::jsonb, %s, current_date, NULL, %s, %s, %s)",
                                 [vote_id, str(choices), hashlib.sha256(f"{vote_id}:{code}".encode()).hexdigest(),
                                  *profile[user]])
                status = "ok"
            else:
                body = urlencode([("csrfmiddlewaretoken", csrf), *[("choice", c) for c in choices]])
                conn, status = post_form(conn, server.port, f"/votes/{vote_id}/cast/", body, cookies[user], csrf)
            elapsed = (time.perf_counter() - t) * 1000
            if window[0] <= now < window[1]:
                latencies.append(elapsed)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        conn.close()
        results[i] = (latencies, statuses)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, t0 - time.time()))
    start.set()
    time.sleep(max(0.0, window[0] - time.time()))
    busy1, total1 = machine_busy()
    server_cpu1, pg1 = cpu_times(server.proc.pid), postgres_cpu()
    time.sleep(max(0.0, window[1] - time.time()))
    busy2, total2 = machine_busy()
    server_cpu2, pg2 = cpu_times(server.proc.pid), postgres_cpu()
    for t in threads:
        t.join()
    with psycopg.connect(url) as conn:
        begin, end = (datetime.datetime.fromtimestamp(x, datetime.timezone.utc) for x in window)
        counted = conn.execute("SELECT count(*) FROM voting_voterroll WHERE vote_id = ANY(%s) AND voted_at >= %s "
                               "AND voted_at < %s", [vote_ids, begin, end]).fetchone()[0]
        ballots = conn.execute("SELECT count(*) FROM voting_ballot WHERE vote_id = ANY(%s)", [vote_ids]).fetchone()[0]
        roll = conn.execute("SELECT count(*) FROM voting_voterroll WHERE vote_id = ANY(%s)", [vote_ids]).fetchone()[0]
    latencies = [x for lat, _ in results for x in lat]
    statuses: dict = {}
    for _, s in results:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    if len(latencies) and counted == 0:
        log(f"cast: {mode} {kind}: no ballot stored (statuses {statuses}); see {server.log.name}")
    if mode == "app" and roll >= len(users) * len(vote_ids):
        log("cast: the app run used up every voter of its votes: raise --voters")
    out = {"mode": mode, "kind": kind, "votes": vote_ids, "ballots_per_s": round(counted / duration, 1),
           "requests_per_s": round(len(latencies) / duration, 1), "p50_ms": round(percentile(latencies, 50), 1),
           "p95_ms": round(percentile(latencies, 95), 1), "statuses": statuses,
           "roll_equals_ballots": roll == ballots,
           "server_cpu_percent": round(100 * (server_cpu2 - server_cpu1) / duration) if mode == "app" else None,
           "postgres_cpu_percent": round(100 * cpu_delta(pg1, pg2) / duration),
           "machine_cpu_percent": round(100 * (busy2 - busy1) / max(1, total2 - total1) * (os.cpu_count() or 1))}
    log(f"cast: {kind:6} {mode:3}: {out['ballots_per_s']:7.1f} ballots/s (p50 {out['p50_ms']} ms, p95 "
        f"{out['p95_ms']} ms, statuses {statuses}; CPU % daphne {out['server_cpu_percent']}, postgres "
        f"{out['postgres_cpu_percent']}, machine {out['machine_cpu_percent']})")
    return out


AGE_BANDS: tuple = ()


def main(argv=None) -> dict:
    global AGE_BANDS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default="single,budget")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--modes", default="app,raw")
    parser.add_argument("--raw-votes", type=int, default=20, help="fresh votes per raw run (voters x votes ballots)")
    parser.add_argument("--voters", type=int, default=4000, help="bench voters (each votes once per vote)")
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    from django.conf import settings

    from accounts.demographics import AGE_BANDS as bands

    AGE_BANDS = bands
    url = os.environ["DATABASE_URL"]
    users, cookies = make_voters(args.voters)
    server = Server(url, 0, "voting-cast")
    log(f"cast: {len(users):,} voters, daphne on port {server.port}, DEBUG={settings.DEBUG}")
    runs = []
    try:
        for rep in range(args.reps):
            for kind in args.kinds.split(","):
                modes = args.modes.split(",")
                for mode in (modes if rep % 2 == 0 else modes[::-1]):
                    runs.append({"rep": rep + 1, **run(mode, kind, url=url, server=server, users=users,
                                                       cookies=cookies, concurrency=args.concurrency,
                                                       warmup=args.warmup, duration=args.duration,
                                                       seed=len(runs) + 1, votes_per_run=args.raw_votes)})
    finally:
        server.stop()
    summary = {}
    for kind in args.kinds.split(","):
        for mode in ("app", "raw"):
            mine = [r for r in runs if r["kind"] == kind and r["mode"] == mode]
            if not mine:
                continue
            summary[f"{kind}/{mode}"] = {
                "ballots_per_s": statistics.median(r["ballots_per_s"] for r in mine),
                "p50_ms": statistics.median(r["p50_ms"] for r in mine),
                "p95_ms": statistics.median(r["p95_ms"] for r in mine),
                "postgres_cpu_percent": statistics.median(r["postgres_cpu_percent"] for r in mine),
                "runs": [r["ballots_per_s"] for r in mine]}
            if mode == "app":
                summary[f"{kind}/app"]["server_cpu_percent"] = statistics.median(r["server_cpu_percent"] for r in mine)
        app = [r["ballots_per_s"] for r in runs if r["kind"] == kind and r["mode"] == "app"]
        raw = [r["ballots_per_s"] for r in runs if r["kind"] == kind and r["mode"] == "raw"]
        summary[f"{kind} app/raw per rep"] = [round(a / b, 3) for a, b in zip(app, raw) if b]
        summary[f"{kind} app/raw median"] = round(statistics.median(summary[f"{kind} app/raw per rep"]), 3) \
            if summary[f"{kind} app/raw per rep"] else None
    data = {"concurrency": args.concurrency, "duration_s": args.duration, "reps": args.reps,
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                     capture_output=True).stdout.strip(),
            "load": os.getloadavg(), "summary": summary, "runs": runs}
    path = write_json(f"voting-cast-{datetime.datetime.now():%Y%m%d-%H%M%S}.json", data)
    for key, value in summary.items():
        print(f"{key:26} {value}")
    log(f"written {path}")
    return data


if __name__ == "__main__":
    main()
