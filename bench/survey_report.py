#!/usr/bin/env python
"""The deliberative poll's report (issue 5): time and memory of deliberation/deliberative_polls/survey on a full-size poll.

    .venv/bin/python bench/survey_report.py [--participants 500] [--control 200] [--questions 30] [--reps 3]

A seeded poll: 500 participants and a control sample of 200, 30 questions of mixed kinds (10 Likert
1-5, 5 Likert 1-7, 5 scales 0-10, 5 yes/no, 5 single choice of 4), 4 subgroup attributes (gender 2,
age band 5, district group 4, housing tenure 3) with population margins; 10 % miss T2 and 3 % of
answers are skipped. Each run is a fresh process (``--one``), so its peak RSS (``ru_maxrss``) is its
own: Python, numpy, scipy and statsmodels included (``baseline_rss_mb`` is the peak before the
report). Timed: ``build_report`` (raking, every question x group x subgroup, tests, the
difference-in-differences), then the six CSV tables and the anonymised responses written to a
temporary directory. Then the report is run once more under ``tracemalloc`` for the peak of Python
allocations during it. No database, no Django set-up beyond importing gettext. Medians of ``--reps``
runs; the JSON in bench/results/survey-report-<timestamp>.json and a Markdown summary on stdout.
"""

import argparse
import datetime
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import write_json  # noqa: E402

ATTRIBUTES = {
    "gender": {"female": 50.6, "male": 49.4},
    "age_band": {"18-29": 17.0, "30-39": 17.5, "40-49": 18.5, "50-59": 19.0, "60+": 28.0},
    "district_group": {"north-east": 31.0, "north-west": 12.0, "south-west": 33.0, "south-east": 24.0},
    "housing_tenure": {"owner": 43.0, "tenant": 52.0, "other": 5.0},
}
SKEW = {"gender": [0.55, 0.45], "age_band": [0.12, 0.2, 0.22, 0.24, 0.22],
        "district_group": [0.3, 0.15, 0.3, 0.25], "housing_tenure": [0.5, 0.44, 0.06]}


def make_poll(n_participants, n_control, n_questions, seed=2026):
    from deliberation.deliberative_polls.survey.questions import Participant, Question

    kinds = ["likert5"] * 10 + ["likert7"] * 5 + ["scale10"] * 5 + ["yesno"] * 5 + ["choice"] * 5
    questions = [Question(f"q{i + 1:02d}", kind, f"Question {i + 1}", ("a", "b", "c", "d") if kind == "choice" else ())
                 for i, kind in enumerate((kinds * (n_questions // len(kinds) + 1))[:n_questions])]
    rng = random.Random(seed)

    def answer(q, previous=None, shift=0):
        values = q.values()
        if previous is not None and rng.random() < 0.6:
            if q.is_scale:
                return min(values[-1], max(values[0], previous + rng.choice([0, 0, shift, 1, -1])))
            return previous
        return rng.choice(values)

    def sample(n, prefix, shift):
        people = []
        for i in range(n):
            attributes = {a: rng.choices(list(ATTRIBUTES[a]), SKEW[a])[0] for a in ATTRIBUTES}
            t1 = {q.id: answer(q) for q in questions if rng.random() > 0.03}
            t2 = None
            if rng.random() > 0.10:
                t2 = {q.id: answer(q, t1.get(q.id), shift) for q in questions if rng.random() > 0.03}
            people.append(Participant(f"{prefix}-{i}", attributes, t1, t2))
        return people

    return questions, sample(n_participants, "p", 1), sample(n_control, "c", 0)


def one_run(args) -> dict:
    from deliberation.deliberative_polls.survey.exports import write_responses, write_tables
    from deliberation.deliberative_polls.survey.report import build_report

    questions, participants, control = make_poll(args.participants, args.control, args.questions)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def report():
        return build_report(questions, participants, control=control, margins=ATTRIBUTES,
                            subgroup_attributes=list(ATTRIBUTES), title="bench")

    started = time.perf_counter()
    result = report()
    report_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_tables(result, Path(tmp))
        write_responses(Path(tmp) / "responses.csv", questions, {"deliberation": participants, "control": control},
                        secret=b"bench-secret-0123456789", attributes=list(ATTRIBUTES))
        csv_s = time.perf_counter() - started
        csv_bytes = sum(p.stat().st_size for p in Path(tmp).iterdir())
    json_bytes = len(json.dumps(result, allow_nan=False))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    report()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"report_s": report_s, "csv_s": csv_s, "peak_rss_mb": peak_rss, "baseline_rss_mb": baseline,
            "report_traced_peak_mb": traced_peak / 2 ** 20, "json_bytes": json_bytes, "csv_bytes": csv_bytes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--control", type=int, default=200)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--one", action="store_true", help="one measurement in this process, JSON on stdout")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args)))
        return
    runs = []
    for _ in range(args.reps):
        command = [sys.executable, __file__, "--one", "--participants", str(args.participants),
                   "--control", str(args.control), "--questions", str(args.questions)]
        runs.append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = write_json(f"survey-report-{stamp}.json", {
        "args": vars(args), "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": runs, "medians": medians})
    print(f"Deliberative poll report: {args.participants} participants + control {args.control}, "
          f"{args.questions} questions, 4 subgroup attributes; medians of {args.reps} runs ({path.name})\n")
    print("| build_report | CSV tables + responses | peak RSS | RSS before the report | traced peak of the report |")
    print("|---|---|---|---|---|")
    print(f"| {medians['report_s']:.2f} s | {medians['csv_s']:.2f} s | {medians['peak_rss_mb']:.0f} MB | "
          f"{medians['baseline_rss_mb']:.0f} MB | {medians['report_traced_peak_mb']:.1f} MB |")
    print("\nruns (report s): " + ", ".join(f"{r['report_s']:.2f}" for r in runs)
          + f"; JSON {medians['json_bytes'] / 1e6:.1f} MB, CSV {medians['csv_bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
