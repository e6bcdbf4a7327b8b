#!/usr/bin/env python
"""The deliberative poll's report on the web (issue 5): 500 participants x 30 questions from the database.

    tests/services/with-services.sh .venv/bin/python bench/dpoll_web.py [--participants 500] [--control 200]
        [--questions 30] [--reps 3]

bench/survey_report.py times the pure statistics core; this times what a reader waits for: the
answers read from PostgreSQL (``selectors.dpoll_core_data``), the report built from them (the same
``build_report``, the baseline, run in the same process on the same data), the whole selector with
its cache missed, and the report page (``GET /deliberative-polls/<pk>/report/`` through Django's
test client, template and SVG chart included) cold and then served from the cache. The poll is
written with bulk inserts (the setup is not what is measured): 30 questions of mixed kinds, 500
panel members and 200 controls whose living zone, gender and age band follow the default Seoul
margins, 10 % of the panel missing T2. Medians of ``--reps`` runs; Markdown on stdout.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # As in the tests: the page's static files by name (the manifest exists only after collectstatic).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    call_command("migrate", verbosity=0)


def _kinds(count: int) -> list[tuple[str, list[str]]]:
    pattern = [("likert5", [])] * 10 + [("likert7", [])] * 5 + [("scale10", [])] * 5 + [("yesno", [])] * 5 + [
        ("choice", ["버스", "지하철", "자전거", "도보"])] * 5
    return [pattern[i % len(pattern)] for i in range(count)]


def _value(kind: str, options: list[str], rng: random.Random, shift: int = 0):
    if kind == "likert5":
        return min(5, max(1, rng.randint(1, 5) + shift))
    if kind == "likert7":
        return min(7, max(1, rng.randint(1, 7) + shift))
    if kind == "scale10":
        return min(10, max(0, rng.randint(0, 10) + shift))
    if kind == "yesno":
        return "yes" if rng.random() < 0.4 + 0.1 * shift else "no"
    return rng.choice(options)


def build_poll(participants: int, control: int, questions: int, seed: int = 7):
    from accounts.models import User
    from deliberation.deliberative_polls import services
    from deliberation.deliberative_polls.margins import SEOUL_MARGINS
    from deliberation.deliberative_polls.models import DeliberativePoll, SurveyAnswer, SurveyParticipant, SurveyResponse

    rng = random.Random(seed)
    admin = User.objects.create_user(email=f"bench-{time.time_ns()}@bench.example", password="x", role="admin",
                                     is_staff=True, is_superuser=True)
    poll = services.create_dpoll(actor=admin, title="Bench poll", control_enabled=True)
    kinds = _kinds(questions)
    stored = [services.add_question(poll=poll, actor=admin, code=f"q{i + 1}", text=f"Question {i + 1}", kind=kind,
                                    options=options) for i, (kind, options) in enumerate(kinds)]

    def pick(margin):
        values, weights = zip(*margin.items())
        return rng.choices(values, weights)[0]

    people = SurveyParticipant.objects.bulk_create([
        SurveyParticipant(poll=poll, group="deliberating" if i < participants else "control",
                          attributes={attribute: pick(margin) for attribute, margin in SEOUL_MARGINS.items()})
        for i in range(participants + control)])
    responses = []
    for i, person in enumerate(people):
        responses.append(SurveyResponse(participant=person, wave=1))
        if i >= participants or rng.random() >= 0.10:
            responses.append(SurveyResponse(participant=person, wave=2))
    responses = SurveyResponse.objects.bulk_create(responses)
    answers = []
    for response in responses:
        shift = 1 if response.wave == 2 and response.participant.group == "deliberating" and rng.random() < 0.4 else 0
        for question, (kind, options) in zip(stored, kinds, strict=True):
            answers.append(SurveyAnswer(response=response, question=question, value=_value(kind, options, rng, shift)))
    SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
    DeliberativePoll.objects.filter(pk=poll.pk).update(state="published")
    poll.refresh_from_db()
    return poll, len(answers)


def _timed(function, reps: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(reps):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--control", type=int, default=200)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--profile", action="store_true",
                        help="also print cProfile's top functions and the queries of one cold request (stored and not)")
    options = parser.parse_args()
    _setup()
    from django.core.cache import cache
    from django.test import Client

    from deliberation.deliberative_polls import selectors
    from deliberation.deliberative_polls import selectors as dpoll_selectors
    from deliberation.deliberative_polls.survey.report import build_report

    started = time.perf_counter()
    poll, answer_count = build_poll(options.participants, options.control, options.questions)
    setup_seconds = time.perf_counter() - started
    read_s, (questions, groups) = _timed(lambda: selectors.dpoll_core_data(poll), options.reps)
    core_s, _report = _timed(lambda: build_report(
        questions, groups["deliberation"], margins=poll.margins, subgroup_attributes=selectors.DPOLL_SUBGROUPS,
        control=groups.get("control"), title=poll.title), options.reps)
    selector_s, report = _timed(lambda: dpoll_selectors.compute_dpoll_report(poll), options.reps)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko", HTTP_HOST="127.0.0.1")
    url = f"/deliberative-polls/{poll.pk}/report/"

    def cold():
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    cold_s, size = _timed(cold, options.reps)
    client.get(url)
    warm_s, _ = _timed(lambda: client.get(url), options.reps)
    from deliberation.deliberative_polls import services as dpoll_services

    if options.profile:
        _profile(client, url, cache)  # before the report is stored: what the first reader waited for
    store_s, _ = _timed(lambda: dpoll_services.store_dpoll_report(poll=poll), 1)
    stored_s, _ = _timed(cold, options.reps)  # the cache cleared, the report stored when the poll closed
    if options.profile:
        _profile(client, url, cache)  # after
    print(f"Poll: {options.participants} panel + {options.control} control x {options.questions} questions, "
          f"{answer_count:,} answers (setup {setup_seconds:.1f} s); weighting: "
          f"{'ok' if not report.get('weighting_error') else report['weighting_error']}")
    print("\n| step | median s | vs the core |\n| --- | --- | --- |")
    for name, seconds in (("read the answers (dpoll_core_data)", read_s),
                          ("build_report on them (the core, baseline)", core_s),
                          ("the selector, cache missed (read + report)", selector_s),
                          (f"report page, cache missed ({size / 1024:.0f} KiB of HTML)", cold_s),
                          ("report page, from the cache", warm_s),
                          ("storing the report when the poll closes (both languages, once)", store_s),
                          ("report page, cache missed, report stored at the close", stored_s)):
        print(f"| {name} | {seconds:.3f} | x{seconds / core_s:.2f} |")


def _profile(client, url, cache) -> None:
    """One cold request under cProfile, with its queries: where the time goes."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        client.get(url)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"\n{len(queries.captured_queries)} queries; cProfile, cumulative:\n{out.getvalue()}")


if __name__ == "__main__":
    main()
