#!/usr/bin/env python
"""Server time of the governance dashboard and of every open-data API list, and the API's cost per request
against a plain Django JSON view returning the same rows (issue 15), in-process (django.test.Client).

    tests/services/with-services.sh bash -c 'export SECRET_KEY=x BENCH_BASELINE=1 API_RATE_LIMIT=1000000/m;
        .venv/bin/python manage.py migrate -v0 && .venv/bin/python bench/seed.py --reset &&
        .venv/bin/python bench/seed_governance.py && .venv/bin/python bench/governance.py --rounds 5'

One run measures, interleaved in the same rounds (so that the shared machine's noise spreads over all):

- GET /dashboard/: citywide this year, one district this year, a past year; each with the cache cold
  (the whole cache cleared before each request, outside the timing: the worst case) and warm;
- each /api/v1/ list: the default page and a filtered page;
- the cost ratio: /api/v1/proposals?limit=N against /api/baseline/proposals/?limit=N (N = 20, 100): the
  median per-request wall time, and the median CPU time of this process (time.process_time: Python's own
  work, without PostgreSQL's, which is the same for both).

p50/p95 per round, the median over rounds. Saved in bench/results/governance-<label>.{json,md}.
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
TARGET_RATIO = 1.3


def facts() -> dict:
    """Values for the filtered pages, taken from the seeded data (the busiest of each)."""
    from django.db import connection

    def one(sql, default=None):
        with connection.cursor() as cur:
            cur.execute(sql)
            row = cur.fetchone()
        return row[0] if row else default

    return {
        "proposals": one("SELECT count(*) FROM proposals_proposal"),
        "supports": one("SELECT count(*) FROM proposals_support"),
        "committees": one("SELECT count(*) FROM governance_committee"),
        "meetings": one("SELECT count(*) FROM governance_meeting"),
        "members": one("SELECT count(*) FROM governance_member"),
        "attendance": one("SELECT count(*) FROM governance_attendance"),
        "recommendations": one("SELECT count(*) FROM governance_committeerecommendation"),
        "ratings": one("SELECT count(*) FROM governance_monitorrating"),
        "follow_ups": one("SELECT count(*) FROM proposals_followup"),
        "tallies": one("SELECT count(*) FROM governance_tally"),
        "district": one("SELECT district FROM proposals_proposal WHERE district <> '' "
                        "GROUP BY district ORDER BY count(*) DESC LIMIT 1", "mapo"),
        "department": one("SELECT d.code FROM accounts_department d JOIN governance_committee c "
                          "ON c.department_id = d.id GROUP BY d.code ORDER BY count(*) DESC, d.code LIMIT 1"),
        "proposal_department": one(
            "SELECT d.code FROM proposals_proposal p JOIN proposals_category c ON c.id = p.category_id "
            "JOIN accounts_department d ON d.id = c.default_department_id "
            "GROUP BY d.code ORDER BY count(*) DESC LIMIT 1"),
        "committee": one("SELECT committee_id FROM governance_meeting GROUP BY committee_id "
                         "ORDER BY count(*) DESC, committee_id LIMIT 1"),
        "metric": one("SELECT metric FROM governance_tally GROUP BY metric ORDER BY count(*) DESC LIMIT 1",
                      "proposal.received"),
        "first_year": one("SELECT extract(year FROM min(scheduled_at))::int FROM governance_meeting"),
    }


def past_year(f: dict) -> int:
    from django.utils import timezone

    year = timezone.localdate().year
    return max(f["first_year"] or year - 2, year - 2)


def targets(f: dict) -> dict:
    """name -> (kind, path). kind: dashboard-cold, dashboard-warm, api, baseline."""
    from datetime import date

    from django.utils import timezone

    today = timezone.localdate()
    year = today.year
    past = past_year(f)
    since = date(year - 1, 1, 1).isoformat()
    out = {}
    for label, query in (("citywide", ""), ("district", f"?district={f['district']}"),
                         ("past year", f"?year={past}")):
        out[f"dashboard {label} cold"] = ("dashboard-cold", f"/dashboard/{query}")
        out[f"dashboard {label} warm"] = ("dashboard-warm", f"/dashboard/{query}")
    lists = {
        "proposals": f"district={f['district']}&state=published&since={since}",
        "follow-ups": f"state=overdue&department={f['proposal_department']}",
        "votes": "state=closed",
        "rooms": "state=ended",
        "juries": f"since={since}",
        "deliberative-polls": f"since={since}",
        "committees": f"department={f['department']}&state=active",
        "members": f"committee={f['committee']}&state=current",
        "meetings": f"committee={f['committee']}&state=held&since={since}",
        "minutes": f"department={f['department']}&since={since}",
        "recommendations": f"department={f['department']}&since={since}",
        "annual-documents": "kind=report",
        "ratings": f"state=delayed&department={f['department']}",
        "indicators": f"metric={f['metric']}&district={f['district']}&since={since}",
    }
    for name, query in lists.items():
        out[f"api {name}"] = ("api", f"/api/v1/{name}")
        out[f"api {name} filtered"] = ("api", f"/api/v1/{name}?{query}")
    for n in (20, 100):
        out[f"ratio api {n}"] = ("ratio", f"/api/v1/proposals?limit={n}")
        out[f"ratio baseline {n}"] = ("ratio", f"/api/baseline/proposals/?limit={n}")
    return out


def levers() -> dict:
    """name -> (switch it off, switch it back on): each lever kept in the code, undone for the requests of
    the ``lever off`` targets, so that before and after are measured in the same rounds."""
    from ninja.renderers import JSONRenderer

    from django.core.cache import cache

    from governance.api import api as api_module
    from governance.api import selectors
    from governance.api.api import api

    kept = {"renderer": api.renderer, "proposals": selectors.proposals, "count": api_module.count_in_window}

    def two_trips(key, timeout):  # the throttle before: Django's incr (EXISTS, INCR), add on a new window
        try:
            return cache.incr(key)
        except ValueError:
            return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)

    def throttle_off():
        api_module.count_in_window = two_trips

    def throttle_on():
        api_module.count_in_window = kept["count"]

    def renderer_off():
        api.renderer = JSONRenderer()

    def renderer_on():
        api.renderer = kept["renderer"]

    def subqueries_off():
        selectors.proposals = selectors.proposals_joined

    def subqueries_on():
        selectors.proposals = kept["proposals"]

    from collections import Counter

    from django.template import engines

    from governance.dashboard import charts
    from governance.dashboard import selectors as dash
    from governance.states import MemberCategory, MemberRoute

    old_chart = engines["django"].from_string(OLD_CHART)
    kept["svg"] = charts.svg
    kept["current"] = dict(dash.CURRENT)

    def chart_off():  # the template loop the page had before
        charts.svg = lambda chart: old_chart.render({"c": {"chart": chart}})

    def chart_on():
        charts.svg = kept["svg"]

    def citizen_share_python():  # before: every member in office counted in Python
        categories = Counter(dash._current_members().values_list("category", flat=True))
        return dash.share(categories.get(MemberCategory.CITIZEN, 0), sum(categories.values()))

    def gender_balance_python():
        from accounts.models import Gender
        rule = dict(dash._committees_in_office().values_list("pk", "max_gender_share"))
        genders = {}
        for committee_id, gender in (dash._current_members().filter(route=MemberRoute.APPOINTED)
                                     .values_list("committee_id", "gender")):
            genders.setdefault(committee_id, Counter())[gender] += 1
        if not genders:
            return None
        within = sum(1 for pk, counts in genders.items()
                     if max(counts.get(Gender.FEMALE, 0), counts.get(Gender.MALE, 0)) * 100
                     <= rule.get(pk, 60) * sum(counts.values()))
        return dash.share(within, len(genders))

    def counts_off():
        dash.CURRENT.update(citizen_share=citizen_share_python, gender_balance=gender_balance_python)

    def counts_on():
        dash.CURRENT.update(kept["current"])

    return {"renderer": (renderer_off, renderer_on), "code-subqueries": (subqueries_off, subqueries_on),
            "throttle-one-trip": (throttle_off, throttle_on),
            "dashboard:chart-svg": (chart_off, chart_on), "dashboard:member-counts-sql": (counts_off, counts_on)}


# governance/templates/governance/dashboard/_chart.html before the chart-svg lever (charts.svg)
OLD_CHART = """{% load i18n %}<svg class="dash-chart" viewBox="0 0 {{ c.chart.width }} {{ c.chart.height }}" \
width="100%" preserveAspectRatio="none" aria-hidden="true" focusable="false" data-chart>
  <line x1="0" y1="{{ c.chart.height }}" x2="{{ c.chart.width }}" y2="{{ c.chart.height }}" class="dash-axis"/>
  {% for b in c.chart.bars %}<rect x="{{ b.x }}" y="{{ b.y }}" width="{{ b.width }}" height="{{ b.height }}" \
class="dash-bar"><title>{{ b.label }}: {{ b.value|default_if_none:"–" }}</title></rect>{% endfor %}
</svg>
"""


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="requests per target per round")
    parser.add_argument("--ratio-requests", type=int, default=60,
                        help="requests per round for each side of the cost ratio (cheap, and the figure that "
                             "needs the most samples)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--label", default=None)
    parser.add_argument("--levers", default="all", help="comma-separated levers to measure off too, or none")
    parser.add_argument("--only", default="", help="comma-separated substrings: measure only matching targets")
    args = parser.parse_args(argv)

    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    if not getattr(settings, "BENCH_BASELINE", False):
        sys.exit("bench: set BENCH_BASELINE=1 (the baseline view) and API_RATE_LIMIT=1000000/m")
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()

    label = args.label or db_label(os.environ.get("DATABASE_URL", ""))
    f = facts()
    log(f"governance: {f}")
    chosen = targets(f)
    switches = levers()
    if args.levers != "all":
        switches = {k: v for k, v in switches.items() if k in args.levers.split(",")}
    for lever in switches:
        if lever.startswith("dashboard:"):
            for page, query in (("citywide", ""), ("past year", f"?year={past_year(f)}")):
                chosen[f"dashboard {page} warm without {lever[10:]}"] = (f"dashboard-warm-off:{lever}",
                                                                         f"/dashboard/{query}")
            continue
        for n in (20, 100):
            chosen[f"ratio api {n} without {lever}"] = (f"ratio-off:{lever}", f"/api/v1/proposals?limit={n}")
    if args.only:
        keys = [k.strip() for k in args.only.split(",")]
        chosen = {n: t for n, t in chosen.items() if any(k in n for k in keys)}
    client = Client()

    def call(kind, path):
        if kind == "dashboard-cold":
            cache.clear()
        off = switches[kind.split(":", 1)[1]] if "-off:" in kind else None
        if off:
            off[0]()
        gc.collect(0)
        c0, t0 = time.process_time(), time.perf_counter()
        response = client.get(path)
        wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        if off:
            off[1]()
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} -> {response.status_code}: {response.content[:300]!r}")
        return wall, cpu, len(response.content)

    queries, sizes = {}, {}
    for name, (kind, path) in chosen.items():
        call(kind, path)
        if kind == "dashboard-cold":
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            sizes[name] = call(kind, path)[2] if kind != "dashboard-cold" else None
        if kind == "dashboard-cold":
            with CaptureQueriesContext(connection) as ctx:
                sizes[name] = call(kind, path)[2]
        queries[name] = [q["sql"] for q in ctx.captured_queries]
    for _ in range(args.warmup):
        for kind, path in chosen.values():
            call(kind, path)

    walls = {n: [] for n in chosen}
    cpus = {n: [] for n in chosen}
    for r in range(args.rounds):
        per_wall = {n: [] for n in chosen}
        per_cpu = {n: [] for n in chosen}
        ratio_names = [n for n, (k, _p) in chosen.items() if k.startswith("ratio")]
        other = [n for n in chosen if n not in ratio_names]
        for _ in range(args.requests):
            for name in other:
                w, c, _s = call(*chosen[name])
                per_wall[name].append(w)
                per_cpu[name].append(c)
        # the ratio's pairs, alternating api and baseline request by request
        for _ in range(args.ratio_requests):
            for name in ratio_names:
                w, c, _s = call(*chosen[name])
                per_wall[name].append(w)
                per_cpu[name].append(c)
        for n in chosen:
            walls[n].append(per_wall[n])
            cpus[n].append(per_cpu[n])
        log(f"governance: round {r + 1}/{args.rounds} done")

    results = {}
    for name, (kind, path) in chosen.items():
        rounds = [{"p50": percentile(s, 50), "p95": percentile(s, 95), "max": max(s),
                   "cpu_p50": percentile(c, 50)} for s, c in zip(walls[name], cpus[name])]
        results[name] = {
            "kind": kind, "path": path, "queries": len(queries[name]), "bytes": sizes[name],
            "requests": sum(len(s) for s in walls[name]),
            "p50_ms": round(median([x["p50"] for x in rounds]), 2),
            "p95_ms": round(median([x["p95"] for x in rounds]), 2),
            "max_ms": round(max(x["max"] for x in rounds), 2),
            "cpu_p50_ms": round(median([x["cpu_p50"] for x in rounds]), 2),
            "rounds": [{k: round(v, 2) for k, v in x.items()} for x in rounds],
        }

    ratios = {}
    pairs = [(str(n), f"ratio api {n}", n) for n in (20, 100)]
    pairs += [(f"{n} without {lever}", f"ratio api {n} without {lever}", n) for lever in switches
              if not lever.startswith("dashboard:") for n in (20, 100)]
    for key, api_name, n in pairs:
        a, b = results.get(api_name), results.get(f"ratio baseline {n}")
        if a and b:
            per_round = [x["p50"] / y["p50"] for x, y in zip(a["rounds"], b["rounds"])]
            cpu_round = [x["cpu_p50"] / y["cpu_p50"] for x, y in zip(a["rounds"], b["rounds"])]
            ratios[key] = {"wall": round(median(per_round), 3), "cpu": round(median(cpu_round), 3),
                         "wall_rounds": [round(x, 3) for x in per_round],
                         "cpu_rounds": [round(x, 3) for x in cpu_round],
                         "api_ms": a["p50_ms"], "baseline_ms": b["p50_ms"],
                         "api_cpu_ms": a["cpu_p50_ms"], "baseline_cpu_ms": b["cpu_p50_ms"]}

    try:
        load = os.getloadavg()
    except OSError:
        load = None
    out = {"label": label, "facts": f, "rounds": args.rounds, "requests": args.requests,
           "ratio_requests": args.ratio_requests, "levers": list(switches), "loadavg_end": load, "cpus": os.cpu_count(),
           "results": results, "ratios": ratios, "queries": queries}
    write_json(f"governance-{label}.json", out)

    lines = [f"governance on {label}: {f['proposals']:,} proposals, {f['supports']:,} supports, "
             f"{f['committees']} committees, {f['meetings']:,} meetings, {f['attendance']:,} attendance rows, "
             f"{f['tallies']:,} tally rows; {args.rounds} rounds x {args.requests} requests "
             f"({args.ratio_requests} for the ratio), median over rounds; load average at the end {load}", "",
             "| target | path | p50 ms | p95 ms | max ms | CPU p50 ms | queries | p95 < 100 ms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, r in results.items():
        ok = "yes" if r["p95_ms"] < TARGET_P95_MS else "**no**"
        lines.append(f"| {name} | `{r['path']}` | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} | "
                     f"{r['cpu_p50_ms']:.1f} | {r['queries']} | {ok} |")
    if ratios:
        lines += ["", "| rows | API p50 ms | baseline p50 ms | ratio (wall) | API CPU ms | baseline CPU ms | "
                  "ratio (CPU) | ≤ 1.3x |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for n, x in ratios.items():
            ok = "yes" if x["wall"] <= TARGET_RATIO else "**no**"
            lines.append(f"| {n} | {x['api_ms']:.2f} | {x['baseline_ms']:.2f} | {x['wall']:.2f}x | "
                         f"{x['api_cpu_ms']:.2f} | {x['baseline_cpu_ms']:.2f} | {x['cpu']:.2f}x | {ok} |")
    text = "\n".join(lines) + "\n"
    detail = ["", "## Queries per target", ""]
    for name, sqls in queries.items():
        detail.append(f"### {name}: {len(sqls)} queries")
        detail.extend(f"{i + 1}. `{s[:600]}`" for i, s in enumerate(sqls))
    write_text(f"governance-{label}.md", text + "\n".join(detail) + "\n")
    print(text)
    return out


if __name__ == "__main__":
    main()
