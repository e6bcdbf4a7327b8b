#!/usr/bin/env python
"""Imports and live rooms (issue 11): do room pings stall while a big file is uploaded and imported?

    make bench-imports                                   # throwaway PostgreSQL + Redis, then this script
    tests/services/with-services.sh .venv/bin/python bench/import_stall.py [--quick]

Needs DATABASE_URL (PostgreSQL; migrated here) and REDIS_URL (channel layer, Celery broker, cache).
It starts one ``daphne config.asgi:application`` (bench/support.py's Server) and one Celery worker
with the Procfile's command line (``celery -A config worker -l info --without-gossip --without-mingle
--without-heartbeat``: prefork, one child per core), seeds a live room (bench/ws_run.py's Seed: bench
users with session rows, a room opened with a discussion round) and a staff user who may import, and
starts a pinger process: ``--clients`` room WebSocket clients, each sending the protocol's ``ping``
frame every ``--interval`` seconds and timing each ``pong`` (the server answers a ping after a
heartbeat write to the database, so a blocked web process or database shows here). Then, in order:

1. **baseline**: ``--baseline`` seconds with nothing else happening;
2. **pool**: a generated ``PEOPLE.csv`` of ``--pool-mb`` MB is POSTed to ``/draws/pools/import/``
   (the real form: multipart, session cookie, CSRF token), and the bench waits until the job row
   says done; the window runs from the start of the upload to the job's end;
3. **baseline again** (quiet), then **pb**: a generated ``.pb`` with ``--ballots`` ballots (a past
   election, greedy rule) POSTed to ``/votes/import/``, the same way.

Per window: ping round trips (median, p99, max; pings left unanswered), the upload request's time,
the job's times from its row (queued → started → finished), the daphne process's peak RSS (sampled
VmRSS every 50 ms, and VmHWM) and the worker's (its processes' sampled VmRSS). Ratios are to the
baseline measured just before. Results: bench/results/imports-<timestamp>.json, a Markdown summary
printed and written to bench/results/imports-summary.md. One run of each import (each takes a
minute); the medians are over the pings of a window.

``--pinger PLAN`` is the pinger process itself (internal).
"""

import argparse
import asyncio
import datetime
import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import RESULTS, ROOT, log, median, percentile, setup_django, write_json, write_text  # noqa: E402

MB = 1024 * 1024
PY = sys.executable


# --- the pinger process ---------------------------------------------------------------------------

async def _pinger(plan: dict) -> None:
    """Open the clients, ping until stdin says STOP, then write every ping: [client, sent, rtt_ms | None]."""
    from websockets.asyncio.client import connect

    pings: list[list] = []
    errors: list[str] = []
    stop = asyncio.Event()

    async def client(index: int, cookie: str, ready: asyncio.Event):
        ws = await connect(plan["url"], origin=plan["origin"], additional_headers=[("Cookie", cookie)],
                           open_timeout=30, max_size=None)
        pending: list[list] = []  # pongs come back in order on one socket

        async def reader():
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "hello":
                    ready.set()
                elif frame.get("type") == "pong" and pending:
                    entry = pending.pop(0)
                    entry[2] = round((time.time() - entry[1]) * 1000, 2)
                elif frame.get("type") == "error":
                    errors.append(f"{index}: {frame.get('code')}")

        task = asyncio.create_task(reader())
        await ready.wait()
        try:
            while not stop.is_set():
                entry = [index, time.time(), None]
                pending.append(entry)
                pings.append(entry)
                await ws.send('{"type": "ping"}')
                try:
                    await asyncio.wait_for(stop.wait(), plan["interval"])
                except TimeoutError:
                    pass
            await asyncio.sleep(1)  # the last answers
        finally:
            task.cancel()
            await ws.close()

    readies = [asyncio.Event() for _ in plan["cookies"]]
    tasks = [asyncio.create_task(client(i, c, readies[i])) for i, c in enumerate(plan["cookies"])]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    assert line.strip() == "STOP", line
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    Path(plan["out"]).write_text(json.dumps({"pings": pings, "errors": errors}))
    print("DONE", flush=True)


# --- processes and memory -------------------------------------------------------------------------

def status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith(key + ":")), 0)
    except OSError:
        return 0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Sampler(threading.Thread):
    """VmRSS of daphne and of each worker process every 50 ms: [(time, daphne_kb, {pid: kb})]."""

    def __init__(self, daphne_pid: int, worker_pid: int):
        super().__init__(daemon=True)
        self.daphne_pid, self.worker_pid = daphne_pid, worker_pid
        self.samples: list[tuple[float, int, dict[int, int]]] = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            worker = {p: status_kb(p, "VmRSS") for p in [self.worker_pid, *children(self.worker_pid)]}
            self.samples.append((time.time(), status_kb(self.daphne_pid, "VmRSS"), worker))
            self.halt.wait(0.05)

    def peaks(self, start: float, end: float) -> dict:
        """Peak RSS in [start, end]: daphne; the busiest worker child (the one that imports); all worker processes."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        child = (kb for s in inside for pid, kb in s[2].items() if pid != self.worker_pid)
        return {"daphne_peak_rss_mb": round(max((s[1] for s in inside), default=0) / 1024, 1),
                "worker_peak_rss_mb": round(max(child, default=0) / 1024, 1),
                "worker_peak_total_rss_mb": round(max((sum(s[2].values()) for s in inside), default=0) / 1024, 1)}


def start_worker(log_path: Path) -> subprocess.Popen:
    """The Procfile's worker line."""
    celery = Path(PY).with_name("celery")
    cmd = [str(celery) if celery.exists() else "celery", "-A", "config", "worker", "-l", "info",
           "--without-gossip", "--without-mingle", "--without-heartbeat"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"import_stall: the worker exited with {proc.returncode}; see {log_path}")
        if " ready." in log_path.read_text(errors="replace"):
            return proc
        time.sleep(0.3)
    raise SystemExit(f"import_stall: the worker was not ready within 60 s; see {log_path}")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- files, users, uploads ------------------------------------------------------------------------

def people_csv(megabytes: float) -> tuple[bytes, int]:
    """A pool in the Sortition Foundation's layout (as tests/imports/test_jobs.py), ~``megabytes`` MB."""
    count = int(megabytes * MB / 36)
    rows = (b"person-%07d,%s,zone-%d,%s,%d\n" % (n, [b"female", b"male"][n % 2], n % 7,
                                                [b"owner", b"tenant"][n % 3 > 0], 18 + n % 70) for n in range(count))
    return b"person,gender,zone,housing,age\n" + b"".join(rows), count


def pb_file(ballots: int) -> bytes:
    """A past approval election in the pabulib format: 40 projects, three approvals a ballot."""
    projects = "".join(f"P{n};{10 + n};Project {n};parks\n" for n in range(1, 41))
    votes = "".join(f"{n};P{1 + n % 40},P{1 + (n * 7) % 40},P{1 + (n * 13) % 40}\n" for n in range(1, ballots + 1))
    return ("META\nkey;value\ndescription;Bench city\nbudget;300\nvote_type;approval\nPROJECTS\n"
            f"project_id;cost;name;category\n{projects}VOTES\nvoter_id;vote\n{votes}").encode()


def staff_session() -> str:
    """A staff administrator (may import pools and votes) and a signed-in session row for them."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.models import Role, User

    user, _ = User.objects.get_or_create(email="import-bench-staff@bench.example", defaults={
        "display_name": "관리자", "password": make_password(None), "role": Role.ADMIN, "is_staff": True,
        "is_superuser": True})
    key = f"importbench{os.urandom(10).hex()}"
    data = {"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash()}
    Session.objects.create(session_key=key, session_data=SessionStore().encode(data),
                           expire_date=timezone.now() + datetime.timedelta(days=1))
    return key


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[str, bytes]:
    boundary = "bench" + secrets.token_hex(12)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + content + f"\r\n--{boundary}--\r\n".encode()


def upload(port: int, path: str, session: str, fields: dict[str, str], filename: str, content: bytes) -> dict:
    """POST the import form as a signed-in browser does; the job's id from the redirect."""
    csrf = secrets.token_hex(16)
    ctype, body = multipart({"csrfmiddlewaretoken": csrf, **fields}, filename, content)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t = time.perf_counter()
    conn.request("POST", path, body=body, headers={
        "Cookie": f"sessionid={session}; csrftoken={csrf}", "Content-Type": ctype, "Accept-Language": "en"})
    response = conn.getresponse()
    text = response.read()
    seconds = time.perf_counter() - t
    conn.close()
    location = response.getheader("Location") or ""
    if response.status != 302 or not location.startswith("/imports/"):
        raise SystemExit(f"import_stall: {path} answered {response.status} {location!r}: {text[:2000]!r}")
    return {"status": response.status, "upload_s": round(seconds, 2), "body_mb": round(len(body) / MB, 2),
            "job_id": int(location.strip("/").split("/")[-1])}


def wait_job(job_id: int, timeout: float) -> dict:
    from django.db import close_old_connections

    from imports.models import ImportJob

    deadline = time.time() + timeout
    while True:
        close_old_connections()
        job = ImportJob.objects.get(pk=job_id)
        if job.is_finished or time.time() > deadline:
            break
        time.sleep(0.2)
    if job.state != "done":
        raise SystemExit(f"import_stall: job {job_id} is {job.state} after {timeout} s: {job.errors[:3]}")
    return {"job_state": job.state, "rows": job.rows_done, "queued_s": round((job.started_at - job.created_at)
            .total_seconds(), 2), "run_s": round((job.finished_at - job.started_at).total_seconds(), 2),
            "job_s": round((job.finished_at - job.created_at).total_seconds(), 2),
            "finished_at": job.finished_at.timestamp(), "result": job.result_message}


# --- figures --------------------------------------------------------------------------------------

def ping_stats(pings: list[list], start: float, end: float) -> dict:
    inside = [p for p in pings if start <= p[1] < end]
    rtts = [p[2] for p in inside if p[2] is not None]
    return {"pings": len(inside), "unanswered": len(inside) - len(rtts),
            "p50_ms": round(median(rtts), 1) if rtts else None,
            "p99_ms": round(percentile(rtts, 99), 1) if rtts else None,
            "max_ms": round(max(rtts), 1) if rtts else None}


def fmt(x, digits=1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def ratio(a, b) -> float | None:
    return round(a / b, 1) if a is not None and b else None


def summarize(windows: list[dict]) -> list[dict]:
    """One row per window name: medians over the repetitions (peaks: the highest), ratios per repetition."""
    rows = []
    for name in dict.fromkeys(w["name"] for w in windows):
        mine = [w for w in windows if w["name"] == name]

        def med(values):
            values = [v for v in values if v is not None]
            return round(median(values), 2) if values else None

        row = {"name": name, "reps": len(mine), "file": mine[0].get("file"),
               "pings": sum(w["ping"]["pings"] for w in mine), "unanswered": sum(w["ping"]["unanswered"] for w in mine),
               **{k: med([w["ping"][k] for w in mine]) for k in ("p50_ms", "p99_ms", "max_ms")},
               "max_ms_all": max((w["ping"]["max_ms"] or 0 for w in mine), default=None),
               **{k: med([w.get(k) for w in mine]) for k in ("upload_s", "job_s", "queued_s", "run_s")},
               **{k: max(w[k] for w in mine) for k in ("daphne_peak_rss_mb", "worker_peak_rss_mb")}}
        if any("ratio" in w for w in mine):
            row["ratio"] = {k: med([w["ratio"][k] for w in mine]) for k in ("p50_ms", "p99_ms", "max_ms")}
            row["ratio_per_rep"] = [w["ratio"] for w in mine]
        rows.append(row)
    return rows


def markdown(result: dict, command: str) -> str:
    info = result["info"]
    lines = [
        "## Imports and live rooms (issue 11) — bench run", "",
        f"Command: `{command}` — {result['seconds'] / 60:.1f} min, finished "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; commit {info['commit']}, {info['nproc']} cores, "
        f"load average before {info['load_before']}.", "",
        f"{result['clients']} room clients ping every {result['interval_ms']:g} ms; one daphne, one Celery worker "
        f"(the Procfile's line). Medians over {result['args']['reps']} repetition(s) (peak RSS: the highest; "
        "max ms in brackets: the highest of all); ratios: during / the baseline just before, per repetition, "
        "then the median.", "",
        "| window | file | upload request s | job queued → done s (waiting, running) | pings (unanswered) "
        "| ping p50 / p99 / max ms | × p50 / p99 / max | daphne peak RSS MB | worker child peak RSS MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["summary"]:
        ratios = " / ".join(fmt(r["ratio"][k]) for k in ("p50_ms", "p99_ms", "max_ms")) if "ratio" in r else "–"
        job = f"{fmt(r['job_s'])} ({fmt(r['queued_s'])}, {fmt(r['run_s'])})" if r["job_s"] is not None else "–"
        lines.append(
            f"| {r['name']} | {r['file'] or '–'} | {fmt(r['upload_s'], 2)} | {job} | {r['pings']:,} ({r['unanswered']}) "
            f"| {fmt(r['p50_ms'])} / {fmt(r['p99_ms'])} / {fmt(r['max_ms'])} ({fmt(r['max_ms_all'])}) | {ratios} "
            f"| {fmt(r['daphne_peak_rss_mb'], 0)} | {fmt(r['worker_peak_rss_mb'], 0)} |")
    lines += ["", f"daphne VmHWM (its peak since start) at the end: {result['daphne_vmhwm_mb']} MB; "
              f"ping errors: {result['ping_errors'] or 'none'}."]
    return "\n".join(lines) + "\n"


# --- the run --------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5, help="room WebSocket clients that ping")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between one client's pings")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of each quiet window")
    parser.add_argument("--pool-mb", type=float, default=20.0, help="size of the generated PEOPLE.csv")
    parser.add_argument("--ballots", type=int, default=1_000_000, help="ballots in the generated .pb (0: skip)")
    parser.add_argument("--timeout", type=float, default=240, help="seconds to wait for one job")
    parser.add_argument("--reps", type=int, help="repetitions of the four windows, medians over them (default 2; "
                        "1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a 2 MB pool, 100,000 ballots, 5 s baselines, 1 repetition")
    parser.add_argument("--pinger", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pinger:
        asyncio.run(_pinger(json.loads(Path(args.pinger).read_text())))
        return
    if args.quick:
        args.pool_mb, args.ballots, args.baseline = 2.0, 100_000, 5.0
    args.reps = args.reps or (1 if args.quick else 2)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) \
            or not os.environ.get("REDIS_URL"):
        sys.exit("import_stall: needs DATABASE_URL (PostgreSQL) and REDIS_URL; `make bench-imports` sets both up")
    started = time.time()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")

    def shell(cmd: str) -> str:
        return subprocess.run(cmd, shell=True, text=True, capture_output=True, cwd=ROOT).stdout.strip()

    info = {"commit": shell("git rev-parse --short HEAD"), "nproc": os.cpu_count(),
            "load_before": shell("cat /proc/loadavg")}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    from bench.support import Server
    from bench.ws_run import Seed

    seed = Seed(args.clients)
    room_id = seed.live_room(f"imports {stamp}")
    session = staff_session()
    t = time.time()
    pool, people = people_csv(args.pool_mb)
    pb = pb_file(args.ballots) if args.ballots else b""
    log(f"import_stall: PEOPLE.csv {len(pool) / MB:.1f} MB ({people:,} people), .pb {len(pb) / MB:.1f} MB "
        f"({args.ballots:,} ballots), made in {time.time() - t:.1f} s")

    worker = start_worker(RESULTS / f"imports-worker-{stamp}.log")
    server = Server(os.environ["DATABASE_URL"], 0, f"imports-{stamp}")
    plan_path, out_path = RESULTS / f"imports-plan-{stamp}.json", RESULTS / f"imports-pings-{stamp}.json"
    plan_path.write_text(json.dumps({
        "url": f"ws://127.0.0.1:{server.port}/ws/rooms/{room_id}/", "origin": f"http://127.0.0.1:{server.port}",
        "cookies": [seed.cookies[u.pk] for u in seed.users[:args.clients]], "interval": args.interval,
        "out": str(out_path)}))
    pinger = subprocess.Popen([PY, __file__, "--pinger", str(plan_path)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    sampler = Sampler(server.proc.pid, worker.pid)
    windows: list[dict] = []
    try:
        if pinger.stdout.readline().strip() != "READY":
            raise SystemExit("import_stall: the pinger did not connect")
        sampler.start()
        time.sleep(2)  # the connections' presence work settles

        def quiet(name: str, rep: int):
            t0 = time.time()
            time.sleep(args.baseline)
            windows.append({"name": name, "rep": rep, "start": t0, "end": time.time()})
            log(f"import_stall: rep {rep}, {name}: {args.baseline:g} s quiet")

        def imported(name: str, rep: int, baseline: str, path: str, fields: dict, filename: str, content: bytes):
            t0 = time.time()
            up = upload(server.port, path, session, fields, filename, content)
            job = wait_job(up["job_id"], args.timeout)
            end = max(time.time(), job["finished_at"])
            windows.append({"name": name, "rep": rep, "baseline": baseline, "start": t0, "end": end,
                            "file": f"{filename}, {len(content) / MB:.1f} MB", **up, **job})
            log(f"import_stall: rep {rep}, {name}: upload {up['upload_s']} s, job {job['job_s']} s "
                f"(waited {job['queued_s']} s, ran {job['run_s']} s): {job['result']}")
            time.sleep(1)

        for rep in range(1, args.reps + 1):
            quiet("baseline (pool)", rep)
            imported("pool import", rep, "baseline (pool)", "/draws/pools/import/",
                     {"name": f"Bench pool {stamp} {rep}"}, "PEOPLE.csv", pool)
            if args.ballots:
                quiet("baseline (pb)", rep)
                now = datetime.datetime.now()
                fields = {"opens_at": (now - datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
                          "closes_at": (now - datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
                          "budget_rule": "greedy", "with_ballots": "on", "department": ""}
                imported("pb import", rep, "baseline (pb)", "/votes/import/", fields, "bench.pb", pb)
        pinger.stdin.write("STOP\n")
        pinger.stdin.flush()
        if pinger.stdout.readline().strip() != "DONE":
            raise SystemExit("import_stall: the pinger did not finish")
        data = json.loads(out_path.read_text())
        daphne_hwm = status_kb(server.proc.pid, "VmHWM")
    finally:
        sampler.halt.set()
        if pinger.poll() is None:
            pinger.kill()
        server.stop()
        stop_process(worker)
        plan_path.unlink(missing_ok=True)
        out_path.unlink(missing_ok=True)
    for w in windows:
        w["ping"] = ping_stats(data["pings"], w["start"], w["end"])
        w.update(sampler.peaks(w["start"], w["end"]))
        w["seconds"] = round(w["end"] - w["start"], 1)
        base = next((b for b in windows if b["name"] == w.get("baseline") and b["rep"] == w["rep"]), None)
        if base:
            w["ratio"] = {k: ratio(w["ping"][k], base["ping"][k]) for k in ("p50_ms", "p99_ms", "max_ms")}
    result = {"info": info, "args": vars(args), "clients": args.clients, "interval_ms": args.interval * 1000,
              "people": people, "pool_mb": round(len(pool) / MB, 1), "ballots": args.ballots,
              "pb_mb": round(len(pb) / MB, 1), "windows": windows, "ping_errors": data["errors"][:20],
              "daphne_vmhwm_mb": round(daphne_hwm / 1024, 1), "seconds": time.time() - started,
              "summary": summarize(windows)}
    write_json(f"imports-{stamp}.json", result)
    given = argv if argv is not None else sys.argv[1:]
    command = "make bench-imports" + (f" BENCH_IMPORTS_ARGS='{' '.join(given)}'" if given else "")
    text = markdown(result, command)
    write_text("imports-summary.md", text)
    print(text)
    log(f"import_stall: done in {(time.time() - started) / 60:.1f} min; bench/results/imports-{stamp}.json")


if __name__ == "__main__":
    main()
