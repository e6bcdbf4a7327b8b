#!/usr/bin/env python
"""Voting tally times (issue 4): the tally core, the web tally on PostgreSQL, and MES against pabutools.

    make bench-voting                        # throwaway PostgreSQL + Redis: this script, then bench/voting_cast.py
    tests/services/with-services.sh .venv/bin/python bench/voting_tally.py [--parts core,web,mes] [--quick]

Three parts, each measurement in a fresh forked process (so its peak RSS, ``ru_maxrss``, is its own:
the ballots it holds included, the parent's ~60 MB of Django included):

- **core**: the pure tally (voting/tally) over N ballots given one per voter, as a file reader gives them:
  grouping identical ballots (``Counter``) and the rule. Kinds: single choice (5 options), approval
  (10 options, 1-4 chosen), ranked (6 candidates, 1-6 ranked; instant-runoff), budget (30 projects,
  greedy). Ballot generation is not timed.
- **web**: ``voting.selectors.count(vote)``, the web tally the close runs, on PostgreSQL over N ballot
  rows written with COPY into ``voting_ballot`` (votes of each kind side by side in one table, ANALYZEd):
  the grouped query, the breakdowns by age band, gender and district, the rule. ``grouped_ballots``
  (the GROUP BY alone) is timed too.
- **mes**: the Method of Equal Shares on V voters x P projects (a seeded instance: costs log-uniform
  50,000-2,000,000 in thousands, project popularity Pareto, 1 + Exp(mean 4) projects per voter, the
  budget a fifth of all costs, a multiple of V so the share is whole). Ours at the real share (median
  of ``--mes-reps``) against ``pabutools.rules.method_of_equal_shares`` (Cost_Sat, the same tie-break,
  one run: it takes ~30 s) in the same run, and the selected sets compared. Then ours with the add1
  completion (how many shares it tried), and pabutools at the share add1 kept, to compare that
  outcome too. pabutools' own completion (``voter_budget_increment=1``) would run one MES per share
  tried (hundreds here): ``--pabutools-add1`` runs it (hours at 100,000 voters). It stops at the first
  exhaustive outcome, where the official add1 (ours) goes on while the outcome fits (docs/voting.md),
  so the two agree only where the count ends by overspending, as on this instance.

Medians over ``--reps``; results in bench/results/voting-tally-<timestamp>.json and a Markdown summary
on stdout.
"""

import argparse
import datetime
import itertools
import multiprocessing
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, log, setup_django, write_json  # noqa: E402

KINDS = ("single", "approval", "ranked", "budget")
AGE = ("18-29", "30-39", "40-49", "50-59", "60-69", "70+", "")
GENDER = ("female", "male", "")
DISTRICTS = tuple(f"district-{i:02d}" for i in range(26))
BUDGET_COSTS = [(i * 37) % 9 * 50_000 + 100_000 for i in range(30)]  # 100,000-500,000
BUDGET_TOTAL = 1_500_000


# --- ballots --------------------------------------------------------------------------------------

def _pick(rng, population, cum, k):
    chosen: list = []
    while len(chosen) < k:
        for item in rng.choices(population, cum_weights=cum, k=k - len(chosen)):
            if item not in chosen:
                chosen.append(item)
    return chosen


def ballots(kind: str, n: int, seed: int = 1) -> list[list[int]]:
    """N ballots of a kind (option positions from 1), seeded: the same list every time."""
    rng = random.Random(f"{kind}-{n}-{seed}")
    if kind == "single":
        cum = list(itertools.accumulate([40, 25, 15, 12, 8]))
        return [[c] for c in rng.choices(range(1, 6), cum_weights=cum, k=n)]
    if kind == "approval":
        cum = list(itertools.accumulate([30, 22, 16, 12, 9, 7, 5, 4, 3, 2]))
        return [sorted(_pick(rng, range(1, 11), cum, rng.randint(1, 4))) for _ in range(n)]
    if kind == "ranked":
        cum = list(itertools.accumulate([30, 25, 18, 12, 9, 6]))
        return [_pick(rng, range(1, 7), cum, min(6, 1 + int(rng.expovariate(1 / 2)))) for _ in range(n)]
    if kind == "budget":
        cum = list(itertools.accumulate([1 / (i + 1) for i in range(30)]))
        out = []
        for _ in range(n):
            chosen, spent = [], 0
            for p in _pick(rng, range(1, 31), cum, rng.randint(1, 6)):
                if spent + BUDGET_COSTS[p - 1] <= BUDGET_TOTAL:
                    chosen.append(p)
                    spent += BUDGET_COSTS[p - 1]
            out.append(sorted(chosen))
        return out
    raise ValueError(kind)


def pb_instance(voters: int, projects: int, seed: int = 1):
    """A participatory budget: {project id: cost}, one approval ballot per voter, a budget (a multiple of voters)."""
    rng = random.Random(seed)
    pids = [str(i + 1) for i in range(projects)]
    costs = {p: int(round(10 ** rng.uniform(4.7, 6.3), -3)) for p in pids}
    cum = list(itertools.accumulate(rng.paretovariate(1.2) for _ in pids))
    out = []
    for _ in range(voters):
        k = min(projects, 1 + int(rng.expovariate(1 / 4)))
        chosen: set = set()
        while len(chosen) < k:
            chosen.update(rng.choices(pids, cum_weights=cum, k=k - len(chosen)))
        out.append(sorted(chosen, key=int))
    return costs, out, sum(costs.values()) // 5 // voters * voters


# --- measuring in a fresh process ------------------------------------------------------------------

def in_child(fn, *args):
    """Run fn(*args) in a forked process; returns (its result, its peak RSS in MB)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def body():
        try:
            result = fn(*args)
            queue.put((result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, None))
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            queue.put((None, None, repr(error)))

    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    proc = ctx.Process(target=body)
    proc.start()
    result, rss, error = queue.get()
    proc.join()
    if error:
        raise RuntimeError(error)
    return result, round(rss, 1)


def core_once(kind: str, n: int) -> float:
    from voting.tally.budget import approval_winner, greedy
    from voting.tally.ranked import group, instant_runoff

    cast = ballots(kind, n)
    t = time.perf_counter()
    if kind == "ranked":
        instant_runoff([str(c) for c in range(1, 7)], group(tuple(str(c) for c in b) for b in cast))
    else:
        grouped = Counter(tuple(str(c) for c in b) for b in cast)
        if kind == "budget":
            greedy({str(p): c for p, c in enumerate(BUDGET_COSTS, start=1)}, grouped, BUDGET_TOTAL)
        else:
            approval_winner({str(p): 0 for p in range(1, 11)}, grouped)
    return time.perf_counter() - t


def web_once(vote_id: int) -> dict:
    from voting.models import Vote
    from voting.selectors import count, grouped_ballots

    vote = Vote.objects.get(pk=vote_id)
    t = time.perf_counter()
    groups = len(grouped_ballots(vote))
    grouped = time.perf_counter() - t
    t = time.perf_counter()
    result = count(vote)
    return {"count_s": time.perf_counter() - t, "grouped_s": grouped, "groups": groups,
            "ballots": result["ballots"], "winner": result.get("winner"), "selected": result.get("selected")}


def mes_ours(voters: int, projects: int, share) -> dict:
    from voting.tally.equal_shares import equal_shares_fixed

    costs, cast, budget = pb_instance(voters, projects)
    share = Fraction(budget, voters) if share is None else Fraction(share)
    t = time.perf_counter()
    selected = equal_shares_fixed(costs, cast, share)
    return {"seconds": time.perf_counter() - t, "selected": selected, "share": str(share)}


def mes_add1(voters: int, projects: int) -> dict:
    from voting.tally.equal_shares import equal_shares

    costs, cast, budget = pb_instance(voters, projects)
    t = time.perf_counter()
    outcome = equal_shares(costs, cast, budget)
    return {"seconds": time.perf_counter() - t, "selected": outcome.selected, "spent": outcome.spent,
            "budget": budget, "shares_tried": len(outcome.steps), "last_share": outcome.steps[-1][0],
            "kept_share": [s for s, fit in outcome.steps if fit == "fits"][-1]}


def mes_pabutools(voters: int, projects: int, share, increment) -> dict:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    from voting.tally.budget import approval_counts, rank_key

    costs, cast, budget = pb_instance(voters, projects)
    share = Fraction(budget, voters) if share is None else Fraction(share)
    t = time.perf_counter()
    items = {pid: Project(pid, cost) for pid, cost in costs.items()}
    instance = Instance(budget_limit=share * voters)
    instance.update(items.values())
    profile = ApprovalProfile([ApprovalBallot([items[p] for p in b]) for b in cast])
    ours = rank_key(dict(approval_counts(cast)), costs)  # the same published tie-break as ours
    ties = TieBreakingRule(lambda _instance, _profile, project: ours(project.name))
    build = time.perf_counter() - t
    t = time.perf_counter()
    chosen = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=ties,
                                    voter_budget_increment=increment)
    return {"seconds": time.perf_counter() - t, "build_s": build, "selected": sorted(p.name for p in chosen)}


# --- the parts ------------------------------------------------------------------------------------

def part_core(sizes, reps) -> list[dict]:
    rows = []
    for n in sizes:
        for kind in KINDS:
            times, rss = [], []
            for _ in range(reps):
                seconds, peak = in_child(core_once, kind, n)
                times.append(seconds)
                rss.append(peak)
            rows.append({"part": "core", "kind": kind, "ballots": n, "median_s": round(statistics.median(times), 3),
                         "runs_s": [round(x, 3) for x in times], "peak_rss_mb": max(rss)})
            log(f"core {kind:8} {n:>9,}: {rows[-1]['median_s']} s (runs {rows[-1]['runs_s']}), {max(rss)} MB")
    return rows


def seed_votes(sizes) -> dict:
    """One closed vote per kind and size, its ballots written with COPY; {(kind, n): vote id}."""
    from django.db import connection
    from django.utils import timezone

    from voting.models import Ballot, Option, Vote

    now = timezone.now()
    made = {}
    for n in sizes:
        for kind in KINDS:
            t = time.time()
            vote = Vote.objects.create(
                title=f"bench {kind} {n}", question="?", opens_at=now - datetime.timedelta(days=2),
                closes_at=now - datetime.timedelta(days=1), state="closed",
                kind={"approval": "multiple", "single": "single", "ranked": "ranked", "budget": "budget"}[kind],
                budget=BUDGET_TOTAL if kind == "budget" else None, budget_rule="greedy" if kind == "budget" else "")
            count = {"single": 5, "approval": 10, "ranked": 6, "budget": 30}[kind]
            Option.objects.bulk_create([Option(vote=vote, position=p, label=f"option {p}",
                                               cost=BUDGET_COSTS[p - 1] if kind == "budget" else None)
                                        for p in range(1, count + 1)])
            rng = random.Random(n)
            columns = ["vote_id", "choices", "receipt_hash", "cast_on", "age_band", "gender", "district"]
            with connection.cursor() as cursor:
                raw = cursor.connection.cursor()
                with raw.copy(f"COPY {Ballot._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for i, choices in enumerate(ballots(kind, n)):
                        copy.write_row((vote.pk, "[" + ", ".join(map(str, choices)) + "]", f"{vote.pk:016x}{i:048x}",
                                        now.date(), rng.choice(AGE), rng.choice(GENDER), rng.choice(DISTRICTS)))
            made[(kind, n)] = vote.pk
            log(f"web: seeded {n:,} {kind} ballots in {time.time() - t:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Ballot._meta.db_table}")
    return made


def part_web(sizes, reps) -> list[dict]:
    from voting.models import Vote

    Vote.objects.filter(title__startswith="bench ").delete()
    made = seed_votes(sizes)
    rows = []
    try:
        for n in sizes:
            for kind in KINDS:
                runs = [in_child(web_once, made[(kind, n)]) for _ in range(reps)]
                times = [r["count_s"] for r, _ in runs]
                rows.append({"part": "web", "kind": kind, "ballots": runs[0][0]["ballots"],
                             "groups": runs[0][0]["groups"], "median_s": round(statistics.median(times), 3),
                             "grouped_query_median_s": round(statistics.median(r["grouped_s"] for r, _ in runs), 3),
                             "runs_s": [round(x, 3) for x in times], "peak_rss_mb": max(rss for _, rss in runs),
                             "winner": runs[0][0]["winner"], "selected": runs[0][0]["selected"]})
                log(f"web  {kind:8} {n:>9,}: count() {rows[-1]['median_s']} s (GROUP BY alone "
                    f"{rows[-1]['grouped_query_median_s']} s, {rows[-1]['groups']:,} groups), "
                    f"{rows[-1]['peak_rss_mb']} MB")
    finally:
        Vote.objects.filter(title__startswith="bench ").delete()
    return rows


def part_mes(voters, projects, reps, add1, pabutools_add1) -> dict:
    out: dict = {"voters": voters, "projects": projects}
    ours = [in_child(mes_ours, voters, projects, None) for _ in range(reps)]
    out["ours_fixed_s"] = [round(r["seconds"], 3) for r, _ in ours]
    out["ours_fixed_median_s"] = round(statistics.median(out["ours_fixed_s"]), 3)
    out["ours_fixed_rss_mb"] = max(rss for _, rss in ours)
    out["share"] = ours[0][0]["share"]
    log(f"mes: ours at the real share {out['share']}: {out['ours_fixed_s']} s, {len(ours[0][0]['selected'])} projects")
    theirs, rss = in_child(mes_pabutools, voters, projects, None, None)
    out.update(pabutools_fixed_s=round(theirs["seconds"], 3), pabutools_build_s=round(theirs["build_s"], 3),
               pabutools_fixed_rss_mb=rss,
               fixed_identical=sorted(ours[0][0]["selected"]) == theirs["selected"],
               fixed_ratio=round(out["ours_fixed_median_s"] / theirs["seconds"], 4))
    log(f"mes: pabutools at the real share: {out['pabutools_fixed_s']} s; identical: {out['fixed_identical']}; "
        f"ratio {out['fixed_ratio']}")
    if add1:
        result, rss = in_child(mes_add1, voters, projects)
        out.update(ours_add1_s=round(result["seconds"], 2), ours_add1_rss_mb=rss,
                   add1_shares_tried=result["shares_tried"],
                   add1_kept_share=result["kept_share"], add1_spent=result["spent"], budget=result["budget"],
                   add1_selected=len(result["selected"]))
        log(f"mes: ours with add1: {out['ours_add1_s']} s, {result['shares_tried']} shares tried, kept "
            f"{result['kept_share']}, spent {result['spent']:,} of {result['budget']:,}")
        kept = Fraction(result["kept_share"].split()[1])
        check, _ = in_child(mes_pabutools, voters, projects, kept, None)
        out["pabutools_at_kept_share_s"] = round(check["seconds"], 3)
        out["add1_identical_at_kept_share"] = sorted(result["selected"]) == check["selected"]
        out["pabutools_add1_estimate_s"] = round(statistics.mean([theirs["seconds"], check["seconds"]])
                                                 * result["shares_tried"], 0)
        log(f"mes: pabutools at the kept share: {check['seconds']:.1f} s; identical: "
            f"{out['add1_identical_at_kept_share']}")
        if pabutools_add1:
            full, rss = in_child(mes_pabutools, voters, projects, None, 1)
            out.update(pabutools_add1_s=round(full["seconds"], 1), pabutools_add1_rss_mb=rss,
                       add1_identical=sorted(result["selected"]) == full["selected"],
                       add1_ratio=round(result["seconds"] / full["seconds"], 4))
    return out


def summary(data: dict) -> str:
    lines = []
    for part in ("core", "web"):
        rows = [r for r in data.get(part, [])]
        if not rows:
            continue
        lines += [f"\n{part}: median seconds ({data['reps']} runs), peak RSS MB", "",
                  "| kind | ballots | groups | median s | runs s | GROUP BY s | peak RSS MB |",
                  "| --- | ---: | ---: | ---: | --- | ---: | ---: |"]
        for r in rows:
            lines.append(f"| {r['kind']} | {r['ballots']:,} | {r.get('groups', '')} | {r['median_s']} | "
                         f"{', '.join(map(str, r['runs_s']))} | {r.get('grouped_query_median_s', '')} | "
                         f"{r['peak_rss_mb']} |")
    mes = data.get("mes")
    if mes:
        lines += ["", f"mes: {mes}"]
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="core,web,mes")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--mes-voters", type=int, default=100_000)
    parser.add_argument("--mes-projects", type=int, default=150)
    parser.add_argument("--mes-reps", type=int, default=3)
    parser.add_argument("--no-add1", action="store_true", help="skip the add1 completion")
    parser.add_argument("--pabutools-add1", action="store_true",
                        help="also run pabutools' own completion (one MES per share: hours at 100,000 voters)")
    parser.add_argument("--quick", action="store_true", help="100,000 ballots, 1 run, MES on 20,000 voters")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.reps, args.mes_voters, args.mes_reps = "100000", 1, 20_000, 1
    parts = args.parts.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    if "web" in parts:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
        setup_django()
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
    started = time.time()
    data: dict = {"started": datetime.datetime.now().isoformat(timespec="seconds"), "reps": args.reps,
                  "python": platform.python_version(), "load_before": os.getloadavg(),
                  "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                           capture_output=True).stdout.strip()}
    if "core" in parts:
        data["core"] = part_core(sizes, args.reps)
    if "web" in parts:
        data["web"] = part_web(sizes, args.reps)
    if "mes" in parts:
        data["mes"] = part_mes(args.mes_voters, args.mes_projects, args.mes_reps, not args.no_add1,
                               args.pabutools_add1)
    data["load_after"] = os.getloadavg()
    data["minutes"] = round((time.time() - started) / 60, 1)
    path = write_json(f"voting-tally-{datetime.datetime.now():%Y%m%d-%H%M%S}.json", data)
    print(summary(data))
    log(f"written {path} in {data['minutes']} min")
    return data


if __name__ == "__main__":
    main()
