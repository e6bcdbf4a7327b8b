#!/usr/bin/env python
"""The whole proposals benchmark (issue 2): seed two sizes, time the pages, measure support clicks.

    make bench                                   # throwaway PostgreSQL + Redis, then this script
    tests/services/with-services.sh .venv/bin/python bench/run_all.py [options]

Needs DATABASE_URL (PostgreSQL; the database is wiped and seeded) and, to be production-shaped,
REDIS_URL. A second database ``<name>_small`` on the same server is (re)created for the small size.
Steps, each a subprocess with its own DATABASE_URL:

1. migrate and seed both databases (bench/seed.py): full (default 100,000 proposals / 1,000,000
   supports) and small (1,000 / 10,000);
2. page server times on both (bench/pages.py; the small run is the baseline of the same command);
3. support clicks per second on both, with the raw-INSERT ceiling (bench/support.py).

Writes bench/results/summary.md (and prints it); the raw figures are in bench/results/*.json|txt.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import RESULTS, ROOT, log, write_text  # noqa: E402


def with_db_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def run(cmd: list[str], db_url: str, *, capture: bool = False) -> str:
    env = dict(os.environ, DATABASE_URL=db_url, PYTHONWARNINGS="ignore")
    log("$ " + " ".join(cmd[1:] if cmd[0] == sys.executable else cmd))
    result = subprocess.run(cmd, cwd=ROOT, env=env, check=True, text=True,
                            stdout=subprocess.PIPE if capture else None)
    return result.stdout if capture else ""


def shell(cmd: str) -> str:
    try:
        return subprocess.run(cmd, shell=True, text=True, capture_output=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def machine() -> dict:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        pg = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        settings = dict(conn.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'max_connections')").fetchall())
    import django

    return {
        "nproc": shell("nproc"), "cpu": shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
        "free": shell("free -h"), "postgres": pg, "postgres_settings": settings,
        "python": platform.python_version(), "django": django.get_version(),
        "redis": "yes (REDIS_URL)" if os.environ.get("REDIS_URL") else "no (locmem cache, eager Celery)",
        "load_before": shell("cat /proc/loadavg"),
    }


def merge_pages(runs: list[dict], label: str) -> dict:
    """One result per size from its one-round runs: medians of the rounds' p50/p95, max of all."""
    from bench._common import median, write_json

    merged = dict(runs[0], label=label, rounds=len(runs))
    merged["pages"] = {}
    for name, first in runs[0]["pages"].items():
        rounds = [x for run_ in runs for x in run_["pages"][name]["rounds"]]
        merged["pages"][name] = dict(
            first, rounds=rounds, requests=sum(r["pages"][name]["requests"] for r in runs),
            p50_ms=round(median([x["p50"] for x in rounds]), 1), p95_ms=round(median([x["p95"] for x in rounds]), 1),
            max_ms=round(max(x["max"] for x in rounds), 1),
            samples_ms=[s for r in runs for s in r["pages"][name]["samples_ms"]],
        )
    write_json(f"pages-{label}.json", merged)
    return merged


def fmt(x, digits=1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def summary_markdown(info: dict, seeds: dict, pages: dict, support: dict, command: str, seconds: float) -> str:
    lines = [
        "## Proposals (issue 2) — bench run", "",
        f"Command: `{command}` — total {seconds / 60:.1f} min, finished {time.strftime('%Y-%m-%d %H:%M %Z')}.", "",
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['postgres']}, Python {info['python']}, "
        f"Django {info['django']}, Redis: {info['redis']}. PostgreSQL settings: "
        + ", ".join(f"{k}={v}" for k, v in sorted(info["postgres_settings"].items())) + ". "
        f"Load average before the run: {info['load_before']}.", "",
        "```", info["free"], "```", "", "### Datasets", "",
        "| size | proposals | supports | users | open for support | comments | timeline entries | "
        "showcase proposal (supports) | seed time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for label, s in seeds.items():
        lines.append(f"| {label} | {s['proposals']:,} | {s['supports']:,} | {s['users']:,} | "
                     f"{s['open_for_support']:,} | "
                     f"{s['comments']:,} | {s['timeline_entries']:,} | #{s['showcase_proposal_id']} "
                     f"({s['showcase_supports']:,}) | {s['seconds']} s |")
    labels = list(pages)
    lines += ["", "### Page server time (in-process django.test.Client, ms; median of the rounds' p50/p95; "
              "max over all requests)", ""]
    head = "| page | " + " | ".join(f"{lab} p50 | {lab} p95 | {lab} max" for lab in labels)
    head += " | queries | n | full/small p95 |" if len(labels) == 2 else " | queries | n |"
    lines += [head, "|" + " --- |" * (head.count("|") - 1)]
    first = pages[labels[0]]
    for name in first["pages"]:
        cells = []
        for lab in labels:
            r = pages[lab]["pages"].get(name, {})
            cells += [fmt(r.get("p50_ms")), fmt(r.get("p95_ms")), fmt(r.get("max_ms"))]
        last = pages[labels[-1]]["pages"].get(name, {})
        row = f"| {name} | " + " | ".join(cells) + f" | {last.get('queries')} | {last.get('requests')} |"
        if len(labels) == 2:
            a, b = (pages[lab]["pages"].get(name, {}).get("p95_ms") for lab in labels)
            row += f" {b / a:.1f} |" if a and b else " – |"
        lines.append(row)
    p = pages[labels[-1]]
    lines += ["", f"{p['rounds']} rounds (one process each, sizes alternating) x {p['requests']} requests per page "
              f"after {p['warmup']} warm-up requests, pages interleaved (a page slower than the per-round budget "
              f"gets fewer requests: n is the total "
              f"on the last size); queries = SQL queries per request; mode: {p['mode']}. Page URLs:", ""]
    lines += [f"- {name}: {r['description']}" for name, r in p["pages"].items()]
    if support is None:
        return "\n".join(lines) + "\n"
    s = support["summary"]
    lines += ["", f"### Support clicks (POST proposals:support over HTTP to one daphne process, "
              f"{support['concurrency']} concurrent clients, {support['reps']} reps x {support['duration_s']:g} s, "
              "medians)", "",
              "| size | proposals | supports | open | app clicks/s | app p50 ms | app p95 ms | "
              "CPU % daphne / postgres / client / machine | raw INSERT+UPDATE/s | raw p95 ms | app/raw |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"]
    for label, t in support["targets"].items():
        app, raw = s.get(f"{label}/app", {}), s.get(f"{label}/raw", {})
        cpu = " / ".join(fmt(app.get(k), 0) for k in ("server_cpu_percent", "postgres_cpu_percent",
                                                       "client_cpu_percent", "machine_cpu_percent"))
        lines.append(f"| {label} | {t['proposals']:,} | {t['supports']:,} | {t['open_proposals']:,} | "
                     f"{fmt(app.get('clicks_per_s'))} | {fmt(app.get('p50_ms'))} | {fmt(app.get('p95_ms'))} | "
                     f"{cpu} | {fmt(raw.get('clicks_per_s'))} | "
                     f"{fmt(raw.get('p95_ms'))} | {fmt(s.get(f'app/raw {label}'), 3)} |")
    for key, value in s.items():
        if key.startswith("ratio"):
            lines.append(f"\n{key}: {value}")
    lines += ["", f"Machine CPU is for all processes, 100 = one core of {info['nproc']}; load average after the run: "
              f"{shell('cat /proc/loadavg')}.",
              "", "Per-run figures: bench/results/support.json; queries and EXPLAIN ANALYZE: "
              "bench/results/pages-*-round1.txt.", ""]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--small-proposals", type=int, default=1_000)
    parser.add_argument("--small-supports", type=int, default=10_000)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the databases seeded by an earlier run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-support", action="store_true")
    args = parser.parse_args(argv)

    full_url = os.environ.get("DATABASE_URL", "")
    if not full_url.startswith(("postgres://", "postgresql://")):
        sys.exit("run_all: DATABASE_URL must be a PostgreSQL URL (make bench sets one up)")
    full_name = urlsplit(full_url).path.lstrip("/")
    small_url = with_db_name(full_url, f"{full_name}_small")
    dbs = {"small": small_url, "full": full_url}
    py = sys.executable
    started = time.time()
    RESULTS.mkdir(parents=True, exist_ok=True)
    info = machine()

    if not args.skip_seed:
        recreate_database(full_url, f"{full_name}_small")
        sizes = {"small": (args.small_proposals, args.small_supports), "full": (args.proposals, args.supports)}
        for label, url in dbs.items():
            run([py, "manage.py", "migrate", "--noinput", "-v", "0"], url)
            n, s = sizes[label]
            run([py, "bench/seed.py", "--proposals", str(n), "--supports", str(s), "--reset"], url, capture=True)
    seeds = {label: json.loads((RESULTS / f"seed-{urlsplit(url).path.lstrip('/')}.json").read_text())
             for label, url in dbs.items()}

    pages = {}
    if not args.skip_pages:
        # One process per round and size, the sizes alternating, so that both see the same noise.
        parts: dict[str, list[dict]] = {label: [] for label in dbs}
        for r in range(args.rounds):
            for label in (list(dbs) if r % 2 == 0 else list(dbs)[::-1]):
                name = f"{label}-round{r + 1}"
                run([py, "bench/pages.py", "--rounds", "1", "--requests", str(args.requests), "--warmup", "3",
                     "--label", name, *([] if r == 0 else ["--no-explain"])], dbs[label])
                parts[label].append(json.loads((RESULTS / f"pages-{name}.json").read_text()))
        for label, runs in parts.items():
            pages[label] = merge_pages(runs, label)

    support = None
    if not args.skip_support:
        run([py, "bench/support.py", "--db", f"small={small_url}", "--db", f"full={full_url}",
             "--concurrency", str(args.concurrency), "--duration", str(args.duration), "--reps", str(args.reps)],
            full_url)
        support = json.loads((RESULTS / "support.json").read_text())

    command = "make bench" + (f" BENCH_ARGS='{' '.join(argv or sys.argv[1:])}'" if (argv or sys.argv[1:]) else "")
    if pages:
        text = summary_markdown(info, seeds, pages, support, command, time.time() - started)
        write_text("summary.md", text)
        print(text)
    log(f"run_all: done in {(time.time() - started) / 60:.1f} min; results in {RESULTS}")


if __name__ == "__main__":
    main()
