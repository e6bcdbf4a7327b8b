#!/usr/bin/env python
"""Pages and ballots against the framework's own floor, in-process and served (issue 17).

    make bench-http                              # throwaway PostgreSQL + Redis, then this script
    tests/services/with-services.sh .venv/bin/python bench/http_run.py [--rounds 5] [--reps 3] [--skip-served]

Needs DATABASE_URL (PostgreSQL; migrated here, and seeded with bench/seed.py when it has no proposals)
and REDIS_URL (the cache, as in production). DEBUG is off (DATABASE_URL is set), static files are
collected into a temporary STATIC_ROOT (whitenoise's compressed manifest, as in production).

Part A, in-process CPU per request: ``time.process_time()`` around each request of a
``django.test.Client`` (the whole middleware stack; CSRF enforced), with the URLconf of
bench/http_baseline.py, which adds the two baselines to the site's URLs. Targets, interleaved request by
request in each round: the minimal page and a typical anonymous proposal page, the most-supported
proposal's page, the listing, a single-choice and a budget vote's page (all anonymous) against the minimal
page, each twice: as a reader without an account gets it (whole from the page cache,
frontend/page_cache.py, but the first time in ANONYMOUS_PAGE_SECONDS) and "(rendered)", with the page
cache off for that request, as a signed-in reader's page is rendered; casting a single-choice and a budget ballot (each by a fresh signed-in voter) against the minimal
insert (the same kind of signed-in POST). Per target: the median over rounds of the per-round median CPU
ms, the ratio to its baseline in the same round (median over rounds), the queries of one request, and the
share of a profiled run (cProfile, ``--profile-requests`` per target) spent in template rendering; the
profiles are written to bench/results/http-profile-<target>.txt.

Part B, served: one ``daphne`` process and ``gunicorn`` (one worker, gthread; and two workers) side by
side on free ports; an asyncio load generator in this process (keep-alive, ``--concurrency``
connections, ``Accept-Encoding: gzip``) requests the typical proposal page and one hashed static file
(whitenoise) for ``--duration`` seconds after ``--warmup``; ``--reps`` repetitions, servers and targets
interleaved. Requests/s, the server's CPU from /proc (its processes and their children; 100 % = one
core) and requests/s per core = requests / server CPU seconds. Medians over repetitions.

Everything is printed as Markdown tables and saved in bench/results/http-<timestamp>.{json,md}.
Tests never assert times: this is a measurement, not a check.
"""

import argparse
import asyncio
import cProfile
import datetime
import gc
import http.client
import io
import os
import platform
import pstats
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import RESULTS, ROOT, log, median, write_json, write_text  # noqa: E402

TARGET_RATIO = 2.0
VENV_BIN = Path(sys.executable).parent


# --- Part A: in-process ------------------------------------------------------------------------------

def seed_if_empty(proposals: int, supports: int) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        have = conn.execute("SELECT count(*) FROM proposals_proposal").fetchone()[0]
    if have:
        log(f"http: {have:,} proposals already seeded")
        return
    log(f"http: seeding {proposals:,} proposals, {supports:,} supports (bench/seed.py)")
    subprocess.run([sys.executable, "bench/seed.py", "--proposals", str(proposals), "--supports", str(supports),
                    "--bench-users", "10"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


class Target:
    """One measured request kind: ``call()`` makes one request and checks its status."""

    def __init__(self, name, description, baseline, call):
        self.name, self.description, self.baseline, self.call = name, description, baseline, call


def in_process_targets(voters: list[int], cookies: dict[int, str], *, insert_user: int) -> list[Target]:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from bench.pages import dataset_facts
    from bench.voting_cast import choices_for, open_vote

    facts = dataset_facts()
    single, budget = open_vote("single", "http"), open_vote("budget", "http")
    anon = Client()
    poster = Client(enforce_csrf_checks=True)
    csrf = secrets.token_hex(16)
    fresh = {"single": iter(voters), "budget": iter(voters)}
    rng = random.Random(17)

    kept_seconds = settings.ANONYMOUS_PAGE_SECONDS

    def get(path, *, kept=True):
        # kept: as a reader without an account gets it (the whole page from the cache but the first time in
        # ANONYMOUS_PAGE_SECONDS); not kept: rendered for every request, as for a signed-in reader.
        def call():
            settings.ANONYMOUS_PAGE_SECONDS = kept_seconds if kept else 0
            response = anon.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} -> {response.status_code}")
        return call

    def post_as(user: int, path: str, data: list[tuple[str, object]]):
        poster.cookies = SimpleCookie({"sessionid": cookies[user], "csrftoken": csrf})
        response = poster.post(path, urlencode([("csrfmiddlewaretoken", csrf), *data]),
                               content_type="application/x-www-form-urlencoded")
        if response.status_code != 302:
            raise RuntimeError(f"POST {path} -> {response.status_code}: {response.content[:300]!r}")

    def insert():
        post_as(insert_user, "/_bench/insert/", [("text", "one row")])

    def cast(kind, vote):
        path = reverse("voting:cast", args=[vote])

        def call():
            try:
                user = next(fresh[kind])
            except StopIteration:
                raise SystemExit("http: out of fresh voters: raise --voters") from None
            post_as(user, path, [("choice", c) for c in choices_for(kind, rng)])
        return call

    pages = [
        ("proposal page", f"a typical open proposal, anonymous: GET /proposals/{facts['typical']}/",
         reverse("proposals:detail", args=[facts["typical"]])),
        ("proposal page (most supported)",
         f"{facts['showcase_supports']:,} supports, {facts['showcase_comments']} comments, anonymous",
         reverse("proposals:detail", args=[facts["showcase"]])),
        ("proposal listing", f"GET {reverse('proposals:list')}, {facts['proposals']:,} proposals, anonymous",
         reverse("proposals:list")),
        ("vote page (single)", "an open single-choice vote of 5 options, anonymous",
         reverse("voting:detail", args=[single])),
        ("vote page (budget)", "an open budget vote of 30 projects, anonymous", reverse("voting:detail", args=[budget])),
    ]
    return [
        Target("minimal page", "bench/http_baseline.py: a small template, anonymous", None,
               get("/_bench/minimal/")),
        Target("minimal insert", "bench/http_baseline.py: one ORM INSERT on POST, signed in, CSRF", None, insert),
        *[Target(name, description + ", from the page cache (frontend/page_cache.py)", "minimal page", get(path))
          for name, description, path in pages],
        *[Target(f"{name} (rendered)", description + ", rendered (ANONYMOUS_PAGE_SECONDS=0)", "minimal page",
                 get(path, kept=False))
          for name, description, path in pages],
        Target("cast single", "POST voting:cast, one of 5, a fresh voter each", "minimal insert",
               cast("single", single)),
        Target("cast budget", "POST voting:cast, 2-4 of 30 projects within the budget, a fresh voter each",
               "minimal insert", cast("budget", budget)),
    ]


def template_share(profile: cProfile.Profile) -> tuple[float, float]:
    """(seconds in template rendering, profiled seconds) of a profile: the cumulative time of Django's
    backend Template.render (every page renders through it once, includes and tags inside)."""
    stats = pstats.Stats(profile)
    total = stats.total_tt
    rendering = sum(ct for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
                    if func == "render" and filename.endswith(os.path.join("template", "backends", "django.py")))
    return rendering, total


def measure_in_process(args) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.http_baseline import BenchRow
    from bench.voting_cast import make_voters

    override_settings(ROOT_URLCONF="bench.http_baseline").enable()
    with connection.schema_editor() as editor:
        connection.cursor().execute("DROP TABLE IF EXISTS bench_http_row")
        editor.create_model(BenchRow)
    per_kind = args.warmup + args.rounds * args.requests + args.profile_requests + 2
    voters, cookies = make_voters(per_kind + 1)
    # The insert baseline signs in as the first voter, who never casts.
    targets = in_process_targets(voters[1:], cookies, insert_user=voters[0])

    queries = {}
    for t in targets:
        t.call()  # first request: connections, templates, caches
        with CaptureQueriesContext(connection) as ctx:
            t.call()
        queries[t.name] = [q["sql"] for q in ctx.captured_queries]
    for _ in range(args.warmup):
        for t in targets:
            t.call()

    cpu = {t.name: [] for t in targets}
    wall = {t.name: [] for t in targets}
    for r in range(args.rounds):
        per_cpu = {t.name: [] for t in targets}
        per_wall = {t.name: [] for t in targets}
        for _ in range(args.requests):
            for t in targets:
                gc.collect(0)
                w, c = time.perf_counter(), time.process_time()
                t.call()
                per_cpu[t.name].append((time.process_time() - c) * 1000)
                per_wall[t.name].append((time.perf_counter() - w) * 1000)
        for t in targets:
            cpu[t.name].append(statistics.median(per_cpu[t.name]))
            wall[t.name].append(statistics.median(per_wall[t.name]))
        log(f"http: in-process round {r + 1}/{args.rounds} done")

    profiles = {}
    for t in targets:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.profile_requests):
            t.call()
        profile.disable()
        rendering, total = template_share(profile)
        profiles[t.name] = {"template_share": rendering / total if total else 0.0,
                            "template_ms_profiled": 1000 * rendering / max(1, args.profile_requests)}
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        slug = t.name.replace(" ", "-").replace("(", "").replace(")", "")
        write_text(f"http-profile-{slug}.txt", out.getvalue())

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_http_row")

    results = {}
    for t in targets:
        ratios = ([c / b for c, b in zip(cpu[t.name], cpu[t.baseline])] if t.baseline else None)
        results[t.name] = {
            "description": t.description, "baseline": t.baseline,
            "cpu_ms": round(median(cpu[t.name]), 2), "wall_ms": round(median(wall[t.name]), 2),
            "cpu_ms_rounds": [round(x, 2) for x in cpu[t.name]],
            "ratio": round(median(ratios), 2) if ratios else None,
            "ratio_rounds": [round(x, 2) for x in ratios] if ratios else None,
            "queries": len(queries[t.name]),
            "template_share": round(profiles[t.name]["template_share"], 3),
        }
    return {"results": results, "queries": queries}


# --- Part B: served ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and of its live children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Served:
    """One server process on a free port, with the bench's environment."""

    def __init__(self, name: str, argv: list[str], env: dict, port: int):
        self.name, self.port = name, port
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = open(RESULTS / f"http-{name.replace(' ', '-')}.log", "w")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"http: {name} exited with {self.proc.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/static/does-not-exist")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"http: {name} did not answer within 60 s")

    def cpu(self) -> float:
        return process_cpu(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def servers_to_run(names: list[str], env: dict) -> list[Served]:
    out = []
    for name in names:
        port = free_port()
        if name == "daphne":
            argv = [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
        elif name.startswith("gunicorn"):
            workers = 2 if name.endswith("x2") else 1
            kind = "sync" if "sync" in name else "gthread"
            argv = [str(VENV_BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", kind,
                    "--threads", "4" if kind == "gthread" else "1", "--keep-alive", "5",
                    "config.wsgi:application"]
        else:
            raise SystemExit(f"http: unknown server {name}")
        out.append(Served(name, argv, env, port))
    log("http: servers up: " + ", ".join(f"{s.name} on {s.port}" for s in out))
    return out


async def _client(port: int, request: bytes, window: tuple[float, float], stop_at: float, counts: dict):
    reader = writer = None
    while time.time() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.time()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            if "content-length" in headers:
                await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                while True:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            if window[0] <= started < window[1]:
                counts[status] = counts.get(status, 0) + 1
            if headers.get("connection", "").lower() == "close":
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            if window[0] <= time.time() < window[1]:
                counts["error"] = counts.get("error", 0) + 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def load(server: Served, path: str, *, concurrency: int, warmup: float, duration: float) -> dict:
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n"
               f"User-Agent: bench-http\r\n\r\n").encode()
    t0 = time.time()
    window = (t0 + warmup, t0 + warmup + duration)
    counts: dict = {}
    samples = {}

    async def main():
        async def sample_at(when, key):
            await asyncio.sleep(max(0.0, when - time.time()))
            samples[key] = (server.cpu(), time.process_time())

        await asyncio.gather(sample_at(window[0], "start"), sample_at(window[1], "end"),
                             *[_client(server.port, request, window, window[1] + 0.3, counts)
                               for _ in range(concurrency)])

    asyncio.run(main())
    server_cpu = samples["end"][0] - samples["start"][0]
    client_cpu = samples["end"][1] - samples["start"][1]
    ok = counts.get(200, 0)
    return {"requests_per_s": round(ok / duration, 1), "statuses": {str(k): v for k, v in counts.items()},
            "server_cpu_percent": round(100 * server_cpu / duration),
            "client_cpu_percent": round(100 * client_cpu / duration),
            "per_core": round(ok / server_cpu, 1) if server_cpu else None}


def static_headers(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return {"status": response.status, "cache_control": response.getheader("Cache-Control"),
            "content_encoding": response.getheader("Content-Encoding"), "bytes": len(body)}


def measure_served(args, env: dict, page_path: str, static_path: str) -> dict:
    servers = servers_to_run(args.servers.split(","), env)
    runs = []
    try:
        headers = {s.name: static_headers(s.port, static_path) for s in servers}
        for s in servers:
            log(f"http: {s.name} static {static_path}: {headers[s.name]}")
        targets = [("proposal page", page_path), ("static file", static_path)]
        for rep in range(args.reps):
            order = servers if rep % 2 == 0 else servers[::-1]
            for s in order:
                for target, path in (targets if rep % 2 == 0 else targets[::-1]):
                    result = load(s, path, concurrency=args.concurrency, warmup=args.served_warmup,
                                  duration=args.duration)
                    runs.append({"rep": rep + 1, "server": s.name, "target": target, **result})
                    log(f"http: rep {rep + 1} {s.name:18} {target:14} {result['requests_per_s']:8.1f} req/s, "
                        f"server CPU {result['server_cpu_percent']} %, {result['per_core']} req/s per core, "
                        f"client CPU {result['client_cpu_percent']} %, {result['statuses']}")
    finally:
        for s in servers:
            s.stop()
    summary = {}
    for s in args.servers.split(","):
        for target in ("proposal page", "static file"):
            mine = [r for r in runs if r["server"] == s and r["target"] == target]
            summary[f"{s} / {target}"] = {
                "requests_per_s": median([r["requests_per_s"] for r in mine]),
                "per_core": median([r["per_core"] for r in mine if r["per_core"]]),
                "server_cpu_percent": median([r["server_cpu_percent"] for r in mine]),
                "client_cpu_percent": median([r["client_cpu_percent"] for r in mine]),
                "runs": [r["requests_per_s"] for r in mine]}
    return {"summary": summary, "runs": runs, "static_headers": headers}


# --- report ----------------------------------------------------------------------------------------

def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.platform()}"


def commit_label() -> str:
    """The commit measured, and whether the work tree differed from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, text=True, capture_output=True).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if changed else "")


def report(data: dict) -> str:
    lines = [f"bench/http_run.py at {data['commit']}, {data['when']}; {data['machine']}", ""]
    a = data.get("in_process")
    if a:
        lines += [f"In-process CPU per request ({data['args']['rounds']} rounds x {data['args']['requests']} "
                  f"requests per target, interleaved; median over rounds of each round's median)", "",
                  "| target | CPU ms | wall ms | ratio | target | met | queries | template share |",
                  "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |"]
        for name, r in a["results"].items():
            ratio = f"x{r['ratio']:.2f}" if r["ratio"] is not None else "baseline"
            target = f"<= x{TARGET_RATIO:g}" if r["baseline"] else ""
            met = ("yes" if r["ratio"] <= TARGET_RATIO else "**no**") if r["ratio"] is not None else ""
            lines.append(f"| {name} | {r['cpu_ms']:.2f} | {r['wall_ms']:.2f} | {ratio} | {target} | {met} | "
                         f"{r['queries']} | {100 * r['template_share']:.0f} % |")
        lines.append("")
    b = data.get("served")
    if b:
        lines += [f"Served ({data['args']['reps']} repetitions x {data['args']['duration']:g} s, "
                  f"{data['args']['concurrency']} keep-alive connections; medians)", "",
                  "| server | target | req/s | server CPU | req/s per core | client CPU | runs |",
                  "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
        for key, r in b["summary"].items():
            server, target = key.split(" / ")
            lines.append(f"| {server} | {target} | {r['requests_per_s']:,.1f} | {r['server_cpu_percent']:.0f} % | "
                         f"{r['per_core']:,.1f} | {r['client_cpu_percent']:.0f} % | "
                         f"{', '.join(f'{x:,.0f}' for x in r['runs'])} |")
        first = next(iter(b["static_headers"].values()))
        lines += ["", f"Static file headers: Cache-Control `{first['cache_control']}`, Content-Encoding "
                      f"`{first['content_encoding']}` ({first['bytes']:,} bytes sent)", ""]
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40, help="requests per target per round (in-process)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per target (in-process)")
    parser.add_argument("--profile-requests", type=int, default=20, help="profiled requests per target")
    parser.add_argument("--servers", default="daphne,gunicorn,gunicorn x2",
                        help="comma-separated: daphne, gunicorn (1 gthread worker), gunicorn-sync, gunicorn x2")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of the served runs")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per served run")
    parser.add_argument("--served-warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--proposals", type=int, default=100_000, help="seeded when the database has none")
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--skip-served", action="store_true")
    parser.add_argument("--label", default="", help="added to the result file names")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="No directory at")

    static_root = Path(tempfile.mkdtemp(prefix="bench-http-static-"))
    os.environ["STATIC_ROOT"] = str(static_root)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONWARNINGS="ignore")
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        seed_if_empty(args.proposals, args.supports)
        from bench._common import setup_django

        setup_django()
        from django.conf import settings
        from django.contrib.staticfiles.storage import staticfiles_storage
        from django.urls import reverse

        from bench.pages import dataset_facts

        log(f"http: DEBUG={settings.DEBUG}, cache {settings.CACHES['default']['BACKEND']}, "
            f"static {settings.STORAGES['staticfiles']['BACKEND']}")
        data = {"commit": commit_label(),
                "when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": machine(), "args": vars(args), "load_start": os.getloadavg()}
        if not args.skip_in_process:
            data["in_process"] = measure_in_process(args)
        if not args.skip_served:
            facts = dataset_facts()
            page = reverse("proposals:detail", args=[facts["typical"]])
            static = staticfiles_storage.url("frontend/site.css")
            from django.db import connections

            connections.close_all()
            data["served"] = measure_served(args, env, page, static)
        data["load_end"] = os.getloadavg()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = f"-{args.label}" if args.label else ""
    text = report(data)
    write_json(f"http-{stamp}{suffix}.json", data)
    path = write_text(f"http-{stamp}{suffix}.md", text + "\n")
    print(text)
    log(f"written {path}")
    return data


if __name__ == "__main__":
    main()
