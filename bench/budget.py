#!/usr/bin/env python
"""Server time of the participatory budget's pages on the cycle seeded by bench/seed_budget.py (issue 16),
in-process (django.test.Client, the whole middleware stack), like bench/governance.py.

    tests/services/with-services.sh bash -c 'export SECRET_KEY=x;
        .venv/bin/python manage.py migrate -v0 && .venv/bin/python bench/seed.py --reset &&
        .venv/bin/python bench/seed_budget.py --reset && .venv/bin/python bench/budget.py --rounds 5'

Targets, interleaved request by request in each round: ``budget:cycle`` cold (the whole cache cleared before
each request, outside the timing) and warm; ``budget:projects``, ``budget:project`` (a funded project with
five years of reports) and the review queue ``/budget/review/?cycle=<slug>`` signed in as the officer of the
busiest department (its first tab, awaiting review, and page 3 of its
reviewed tab: 50 rows), each measured when its URL resolves (they belong to other packages of budget/: before
their merge the target is skipped with a note); the execution CSV and the API's cycle and projects.
p50/p95 per round, the median over rounds. Saved in bench/results/budget-<label>.{json,md}.
"""

import argparse
import gc
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import db_label, log, median, percentile, setup_django, write_json, write_text  # noqa: E402

TARGET_P95_MS = 100.0
SLUG = "bench-citywide"


def targets() -> tuple[dict, list[str], object]:
    """name -> (kind, path); the notes of what was skipped; the officer to sign in as."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from budget.models import BudgetCycle, BudgetProject
    from budget.states import ProjectState

    cycle = BudgetCycle.objects.filter(slug=SLUG).first()
    if cycle is None:
        sys.exit("bench: run bench/seed_budget.py first")
    project = (BudgetProject.objects.filter(cycle=cycle, state=ProjectState.FUNDED)
               .annotate(n=Count("reports")).order_by("-n", "pk").first())
    busiest = (BudgetProject.objects.filter(cycle=cycle).values("department_id").annotate(n=Count("pk"))
               .order_by("-n").first())
    officer = User.objects.filter(role="officer", department_id=busiest["department_id"]).first()
    out, notes = {}, []
    out["cycle cold"] = ("cold", reverse("budget:cycle", args=[cycle.slug]))
    out["cycle warm"] = ("warm", reverse("budget:cycle", args=[cycle.slug]))
    for name, args, query, kind in (("projects", [cycle.slug], "", "warm"), ("project", [project.pk], "", "warm"),
                                    ("review_queue", [], f"?cycle={cycle.slug}", "officer"),
                                    ("review_queue", [], f"?cycle={cycle.slug}&filter=reviewed&page=3", "officer")):
        try:
            key = name.replace("_", " ") + (" (reviewed, page 3)" if "filter=" in query else "")
            out[key] = (kind, reverse(f"budget:{name}", args=args) + query)
        except NoReverseMatch:
            notes.append(f"budget:{name} does not resolve on this branch (another package's page): skipped")
    out["execution csv"] = ("warm", reverse("budget:execution_csv", args=[cycle.slug]))
    out["api cycle"] = ("warm", f"/api/v1/budget-cycles/{cycle.slug}")
    out["api projects"] = ("warm", f"/api/v1/budget-cycles/{cycle.slug}/projects?state=funded")
    return out, notes, officer


def facts() -> dict:
    from django.db import connection

    def one(sql):
        with connection.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0]

    return {"projects": one("SELECT count(*) FROM budget_budgetproject"),
            "funded": one("SELECT count(*) FROM budget_budgetproject WHERE state IN ('funded', 'completed')"),
            "reports": one("SELECT count(*) FROM budget_executionreport"),
            "ballots": one("SELECT count(*) FROM voting_ballot"),
            "roll": one("SELECT count(*) FROM voting_voterroll")}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="requests per target per round")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--label", default=None)
    args = parser.parse_args(argv)

    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }, API_RATE_LIMIT="1000000/m", ALLOWED_HOSTS=["*", *settings.ALLOWED_HOSTS]).enable()

    label = args.label or db_label(os.environ.get("DATABASE_URL", ""))
    f = facts()
    chosen, notes, officer = targets()
    for note in notes:
        log(f"budget: {note}")
    public, signed_in = Client(), Client()
    if officer is not None:
        signed_in.force_login(officer)

    def call(kind, path):
        if kind == "cold":
            cache.clear()
        client = signed_in if kind == "officer" else public
        gc.collect(0)
        t0 = time.perf_counter()
        response = client.get(path)
        wall = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} -> {response.status_code}: {response.content[:300]!r}")
        return wall, len(response.content)

    queries, sizes = {}, {}
    for name, (kind, path) in chosen.items():
        call(kind, path)
        if kind == "cold":
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            sizes[name] = call(kind, path)[1]
        queries[name] = [q["sql"] for q in ctx.captured_queries]
    for _ in range(args.warmup):
        for kind, path in chosen.values():
            call(kind, path)

    walls = {n: [] for n in chosen}
    for r in range(args.rounds):
        per = {n: [] for n in chosen}
        for _ in range(args.requests):
            for name, (kind, path) in chosen.items():
                per[name].append(call(kind, path)[0])
        for n in chosen:
            walls[n].append(per[n])
        log(f"budget: round {r + 1}/{args.rounds} done")

    results = {}
    for name, (kind, path) in chosen.items():
        rounds = [{"p50": percentile(s, 50), "p95": percentile(s, 95), "max": max(s)} for s in walls[name]]
        results[name] = {"kind": kind, "path": path, "queries": len(queries[name]), "bytes": sizes[name],
                         "p50_ms": round(median([x["p50"] for x in rounds]), 2),
                         "p95_ms": round(median([x["p95"] for x in rounds]), 2),
                         "max_ms": round(max(x["max"] for x in rounds), 2),
                         "rounds": [{k: round(v, 2) for k, v in x.items()} for x in rounds]}
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    out = {"label": label, "facts": f, "rounds": args.rounds, "requests": args.requests, "notes": notes,
           "loadavg_end": load, "cpus": os.cpu_count(), "results": results, "queries": queries}
    write_json(f"budget-{label}.json", out)
    lines = [f"budget on {label}: {f['projects']:,} projects ({f['funded']:,} funded), {f['reports']:,} execution "
             f"reports, {f['ballots']:,} ballots; {args.rounds} rounds x {args.requests} requests, median over rounds; "
             f"load average at the end {load}", "",
             "| target | path | p50 ms | p95 ms | max ms | queries | KB | p95 < 100 ms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, r in results.items():
        ok = "yes" if r["p95_ms"] < TARGET_P95_MS else "**no**"
        lines.append(f"| {name} | `{r['path']}` | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} | "
                     f"{r['queries']} | {r['bytes'] / 1024:.0f} | {ok} |")
    lines += [f"- {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    detail = ["", "## Queries per target", ""]
    for name, sqls in queries.items():
        detail.append(f"### {name}: {len(sqls)} queries")
        detail.extend(f"{i + 1}. `{s[:600]}`" for i, s in enumerate(sqls))
    write_text(f"budget-{label}.md", text + "\n".join(detail) + "\n")
    print(text)
    return out


if __name__ == "__main__":
    main()
