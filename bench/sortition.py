#!/usr/bin/env python
"""Drawing by lot (issue 5): time and peak memory of a draw, per algorithm, pool size and panel size.

    .venv/bin/python bench/sortition.py [--algorithms legacy,maximin] [--pools 150,750,2000,5000]
                                        [--sizes 24,500] [--timeout 300]

Synthetic pools with 4 attributes (gender 2 values, age band 4, district group 5, housing tenure 3),
each person's values drawn independently (seeded), and quotas around the pool's proportions (the
expected count in the panel, rounded down and up, widened by one each way). Each case is one
``deliberation.panels.sortition.draw`` (the same call as ``manage.py draw``) in its own spawned process:
the time is the wall time of the call, spawn included; the memory is the child's peak RSS
(``ru_maxrss``). A case over ``--timeout`` seconds is stopped and reported "over the limit"; a
panel larger than its pool is "not applicable". No database.
"""

import argparse
import math
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATTRIBUTES = {
    "gender": ["female", "male"],
    "age": ["18-29", "30-44", "45-59", "60+"],
    "district": ["central", "northeast", "northwest", "southwest", "southeast"],
    "housing": ["owner", "jeonse", "monthly"],
}


def synthetic(pool_size: int, panel: int, seed: int = 5):
    from deliberation.panels.sortition import read_people, read_quotas

    generator = random.Random(seed)
    rows = [[f"p{i:05}"] + [generator.choice(values) for values in ATTRIBUTES.values()] for i in range(pool_size)]
    quota_lines = ["feature,value,min,max"]
    for column, (feature, values) in enumerate(ATTRIBUTES.items(), start=1):
        for value in values:
            have = sum(row[column] == value for row in rows)
            expected = panel * have / pool_size
            quota_lines.append(f"{feature},{value},{max(0, math.floor(expected) - 1)},{math.ceil(expected) + 1}")
    quotas = read_quotas("\n".join(quota_lines) + "\n")
    people = "id," + ",".join(ATTRIBUTES) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    return read_people(people, quotas), quotas


def run_case(algorithm: str, pool_size: int, panel: int, timeout: float) -> str:
    from deliberation.panels.sortition import SortitionError, draw
    from deliberation.panels.sortition.isolation import IsolatedTimeout

    if panel > pool_size:
        return "not applicable (panel larger than the pool)"
    pool, quotas = synthetic(pool_size, panel)
    try:
        result = draw(pool, quotas, panel, "2026 11 26", algorithm, timeout=timeout)
    except IsolatedTimeout:
        return f"over the limit ({timeout:.0f} s)"
    except SortitionError as error:
        return "failed: " + " / ".join(error.lines)
    extra = ""
    if result.marginals is not None:
        extra = (f", {len(result.distribution.panels)} panels, "
                 f"lowest probability {min(result.marginals.values()):.4f}")
    return f"{result.seconds:.1f} s, {result.peak_memory_kb / 1024:.0f} MB{extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithms", default="legacy,maximin")
    parser.add_argument("--pools", default="150,750,2000,5000")
    parser.add_argument("--sizes", default="24,500")
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print("| algorithm | pool | panel | result |\n| --- | --- | --- | --- |", flush=True)
    for algorithm in options.algorithms.split(","):
        for pool_size in map(int, options.pools.split(",")):
            for panel in map(int, options.sizes.split(",")):
                outcome = run_case(algorithm, pool_size, panel, options.timeout)
                print(f"| {algorithm} | {pool_size:,} | {panel} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
