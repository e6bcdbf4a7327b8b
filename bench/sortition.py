#!/usr/bin/env python
"""Drawing by lot (issues 5 and 14): maximin over profiles beside the library's maximin, in one run.

    .venv/bin/python bench/sortition.py [--pools 1500,5000,20000,100000] [--sizes 24,300]
                                        [--algorithms maximin,maximin-people] [--timeout 600]
    .venv/bin/python bench/sortition.py --compare 150,750,1500 [--sizes 24]

Synthetic pools with 4 attributes (gender 2 values, age band 4, district group 5, housing tenure 3: 120
profiles), each person's values drawn independently (seeded) with the skew of a volunteer pool (more
women, more of the middle-aged, more owners, unevenly by district), and quotas of a balanced panel
(gender half and half, each age band and district group an equal share, housing in the population's
proportions), each widened by one seat each way: the volunteers' skew makes chances unequal, which is
what maximin is for. Each case is one ``compute_distribution`` (the maximin of ``manage.py draw``) in
its own spawned process: the time is the wall time of the call, spawn included; the memory is the
child's peak RSS (``VmHWM``, ``isolation.peak_memory_kb``). A case over ``--timeout`` seconds is
stopped and reported "over the limit", and larger pools with the same panel are not tried for that
algorithm. No database.

``--compare``: both algorithms on each pool, with the smallest chance of each and their difference
(issue 14's check: the same within 1e-6), whether everyone of a profile has the same chance under
maximin over profiles, and whether every panel of each support meets every quota.
"""

import argparse
import math
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# value: (share among volunteers, share in the population)
ATTRIBUTES = {
    "gender": {"female": (0.62, 0.5), "male": (0.38, 0.5)},
    "age": {"18-29": (0.14, 0.25), "30-44": (0.33, 0.25), "45-59": (0.34, 0.25), "60+": (0.19, 0.25)},
    "district": {"central": (0.08, 0.2), "northeast": (0.31, 0.2), "northwest": (0.17, 0.2),
                 "southwest": (0.2, 0.2), "southeast": (0.24, 0.2)},
    "housing": {"owner": (0.55, 0.43), "jeonse": (0.25, 0.27), "monthly": (0.2, 0.3)},
}


def synthetic(pool_size: int, panel: int, seed: int = 5):
    from deliberation.panels.sortition import read_people, read_quotas

    generator = random.Random(seed)
    rows = [[f"p{i:06}"] + [generator.choices(list(values), [share for share, _p in values.values()])[0]
                            for values in ATTRIBUTES.values()] for i in range(pool_size)]
    quota_lines = ["feature,value,min,max"]
    for feature, values in ATTRIBUTES.items():
        for value, (_share, population) in values.items():
            expected = panel * population
            quota_lines.append(f"{feature},{value},{max(0, math.floor(expected) - 1)},{math.ceil(expected) + 1}")
    quotas = read_quotas("\n".join(quota_lines) + "\n")
    people = "id," + ",".join(ATTRIBUTES) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    return read_people(people, quotas), quotas


def _distribution(algorithm: str, pool_size: int, panel: int, timeout: float):
    from deliberation.panels.sortition import SortitionError, compute_distribution
    from deliberation.panels.sortition.isolation import IsolatedTimeout

    if panel > pool_size:
        return None, "not applicable (panel larger than the pool)"
    pool, quotas = synthetic(pool_size, panel)
    try:
        distribution, seconds, peak = compute_distribution(pool, quotas, panel, algorithm=algorithm, timeout=timeout)
    except IsolatedTimeout:
        return None, f"over the limit ({timeout:.0f} s)"
    except SortitionError as error:
        return None, "failed: " + " / ".join(error.lines)
    return (pool, quotas, distribution, seconds, peak), ""


def _chances(pool, distribution) -> dict[str, float]:
    from deliberation.panels.sortition import ProfileDistribution

    if isinstance(distribution, ProfileDistribution):
        return distribution.marginals(pool)
    return distribution.marginals(list(pool.people))


def _quotas_hold(pool, quotas, distribution) -> bool:
    from deliberation.panels.sortition import ProfileDistribution

    for panel in distribution.panels:
        if isinstance(distribution, ProfileDistribution):
            counts = {}
            for profile, count in zip(distribution.profiles, panel, strict=True):
                for feature, value in zip(distribution.features, profile, strict=True):
                    counts[feature, value] = counts.get((feature, value), 0) + count
            if any(count > size for count, size in zip(panel, distribution.sizes, strict=True)):
                return False
        else:
            counts = {}
            for person in panel:
                for quota in quotas:
                    if pool.people[person][quota.feature] == quota.value:
                        counts[quota.feature, quota.value] = counts.get((quota.feature, quota.value), 0) + 1
        if any(not q.min <= counts.get((q.feature, q.value), 0) <= q.max for q in quotas):
            return False
    return True


def _line(algorithm, pool_size, panel, found, why) -> str:
    if found is None:
        return f"| {algorithm} | {pool_size:,} | {panel} | {why} | | | |"
    pool, _quotas, distribution, seconds, peak = found
    lowest = min(_chances(pool, distribution).values())
    gap = f"{distribution.gap:.1e}" if hasattr(distribution, "gap") else "≤ 5e-4 (library's stop)"
    return (f"| {algorithm} | {pool_size:,} | {panel} | {seconds:.1f} s | {peak / 1024:.0f} MB | "
            f"{len(distribution.panels)} panels, lowest chance {lowest:.6f} | {gap} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithms", default="maximin,maximin-people")
    parser.add_argument("--pools", default="1500,5000,20000,100000")
    parser.add_argument("--sizes", default="24,300")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--compare", default="", help="pool sizes to check both algorithms against each other")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if options.compare:
        print("| pool | panel | lowest chance, profiles | lowest chance, library | difference | "
              "one chance per profile | quotas hold in every panel |\n| --- | --- | --- | --- | --- | --- | --- |",
              flush=True)
        for pool_size in map(int, options.compare.split(",")):
            for panel in map(int, options.sizes.split(",")):
                ours, why = _distribution("maximin", pool_size, panel, options.timeout)
                theirs, why_theirs = _distribution("maximin-people", pool_size, panel, options.timeout)
                if ours is None or theirs is None:
                    print(f"| {pool_size:,} | {panel} | {why or 'done'} | {why_theirs or 'done'} | | | |", flush=True)
                    continue
                mine, library = _chances(ours[0], ours[2]), _chances(theirs[0], theirs[2])
                by_profile = {}
                for person, chance in mine.items():
                    row = ours[0].people[person]
                    by_profile.setdefault(tuple(row[f] for f in ATTRIBUTES), set()).add(round(chance, 12))
                same = all(len(chances) == 1 for chances in by_profile.values())
                holds = _quotas_hold(*ours[:3]) and _quotas_hold(*theirs[:3])
                low, low_library = min(mine.values()), min(library.values())
                print(f"| {pool_size:,} | {panel} | {low:.9f} | {low_library:.9f} | {low - low_library:.1e} | "
                      f"{'yes' if same else 'NO'} | {'yes' if holds else 'NO'} |", flush=True)
        return
    print("| algorithm | pool | panel | time | peak memory | distribution | optimality gap |\n"
          "| --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for algorithm in options.algorithms.split(","):
        stopped = set()
        for pool_size in map(int, options.pools.split(",")):
            for panel in map(int, options.sizes.split(",")):
                if panel in stopped:
                    print(f"| {algorithm} | {pool_size:,} | {panel} | not tried (a smaller pool was over the "
                          f"limit) | | | |", flush=True)
                    continue
                found, why = _distribution(algorithm, pool_size, panel, options.timeout)
                if why.startswith("over the limit"):
                    stopped.add(panel)
                print(_line(algorithm, pool_size, panel, found, why), flush=True)


if __name__ == "__main__":
    main()
