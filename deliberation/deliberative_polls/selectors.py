"""Reads of the deliberative poll (공론조사): the answers as the survey core reads them, the report
(cached), the panel's counts and the anonymised responses."""

import hashlib
import json
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import translation
from django.utils.crypto import salted_hmac

from deliberation.deliberative_polls.models import (
    StoredReport, SurveyAnswer, SurveyParticipant, SurveyQuestion, SurveyResponse,
)
from deliberation.deliberative_polls.states import SurveyGroup
from deliberation.deliberative_polls.survey.exports import response_rows
from deliberation.deliberative_polls.survey.panel import representativeness
from deliberation.deliberative_polls.survey.questions import CHOICE, Participant, Question
from deliberation.deliberative_polls.survey.raking import RakingError
from deliberation.deliberative_polls.survey.report import build_report

# --- The deliberative poll (공론조사) ----------------------------------------------------------------------
#
# The database read into the survey core's plain records, then deliberation.deliberative_polls.survey.build_report. A
# participant who never answered T1 is not in the report (nothing to compare); one who answered T1
# but not T2 is, with t2=None: counted in every T1 figure and as attrition.

DPOLL_SUBGROUPS = ("district_group", "age_band", "gender")


def core_question(question: SurveyQuestion) -> Question:
    """The survey core's Question for a stored one (the code is its id)."""
    return Question(id=question.code, kind=question.kind, text=question.text,
                    choices=tuple(question.options) if question.kind == CHOICE else ())


def dpoll_core_data(poll) -> tuple[list, dict[str, list]]:
    """(the core's Questions in order, {"deliberation": [Participant], "control": [Participant]}); the control
    key only when the poll has a control sample. Three queries whatever the size of the panel."""
    stored = list(poll.questions.order_by("position", "pk"))
    questions = [core_question(q) for q in stored]
    answers = defaultdict(lambda: defaultdict(dict))  # participant id -> wave -> {code: value}
    for participant_id, wave, code, value in (SurveyAnswer.objects.filter(response__participant__poll=poll)
                                              .values_list("response__participant_id", "response__wave",
                                                           "question__code", "value")):
        answers[participant_id][wave][code] = value
    groups = {"deliberation": [], **({"control": []} if poll.control_enabled else {})}
    for p in poll.participants.order_by("pk"):
        waves = answers.get(p.pk)
        if not waves or 1 not in waves:
            continue
        name = "control" if p.group == SurveyGroup.CONTROL else "deliberation"
        groups.setdefault(name, []).append(Participant(id=p.pk, attributes=dict(p.attributes), t1=dict(waves[1]),
                                                       t2=dict(waves[2]) if 2 in waves else None))
    return questions, groups


REPORT_CACHE_SECONDS = 600


def dpoll_report_key(poll) -> str:
    """What the report is computed from, in a few small queries: a hash of the title, margins and
    questions, the number and the last of the responses and of the participants, and the language (the
    weighting error is a sentence). Answers are never edited and participants only ever added."""
    responses = SurveyResponse.objects.filter(participant__poll=poll).aggregate(n=Count("pk"), last=Max("pk"))
    seated = poll.participants.aggregate(n=Count("pk"), last=Max("pk"))
    questions = list(poll.questions.values_list("pk", "position", "code", "text", "kind", "options"))
    inputs = hashlib.sha256(json.dumps([poll.title, poll.margins, questions], sort_keys=True, default=str)
                            .encode()).hexdigest()[:24]
    return (f"dpoll-report:{poll.pk}:{poll.control_enabled}:{inputs}:{responses['n']}:"
            f"{responses['last']}:{seated['n']}:{seated['last']}:{translation.get_language()}")


def dpoll_report(poll) -> dict:
    """The poll's report: from the cache, else as stored when the poll closed (StoredReport, same key), else
    computed (about a second for 500 people and 30 questions, docs/benchmarks.md) and cached.

    A closed poll's report is stored by services.store_dpoll_report, so its first reader does not wait
    for the statistics (nor does anyone after the cache is cleared or the server restarted)."""
    key = dpoll_report_key(poll)
    report = cache.get(key)
    if report is None:
        report = (StoredReport.objects.filter(poll=poll, language=translation.get_language(), key=key)
                  .values_list("report", flat=True).first())
    if report is None:
        report = compute_dpoll_report(poll)
    cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


def compute_dpoll_report(poll) -> dict:
    """build_report for the poll: weighted to its margins, by living zone, age band and gender, control beside.

    When the panel cannot be weighted to the margins (a group the margins do not list, e.g. a
    participant without a district, or a margin group nobody in the panel has) the report is
    unweighted and says why in ``weighting_error``; representativeness is still shown.
    """
    questions, groups = dpoll_core_data(poll)
    control = groups.get("control") or None
    kwargs = {"subgroup_attributes": DPOLL_SUBGROUPS, "control": control, "title": poll.title}
    margins = poll.margins or None
    try:
        report = build_report(questions, groups["deliberation"], margins=margins, **kwargs)
        report["weighting_error"] = None
    except RakingError as exc:
        report = build_report(questions, groups["deliberation"], **kwargs)
        report["weighting_error"] = exc.args[0] if exc.args else str(exc)
        for name, members in (("deliberation", groups["deliberation"]), ("control", control)):
            if members is not None and margins:
                report["groups"][name]["representativeness"] = representativeness(members, margins)
    report["panel"] = dpoll_panel_counts(poll)
    return report


def dpoll_panel_counts(poll) -> dict:
    """Per group: seated, answered T1, answered T2 (the first of the attrition's figures, from the database)."""
    rows = (SurveyParticipant.objects.filter(poll=poll).values("group")
            .annotate(seated=Count("pk", distinct=True),
                      t1=Count("responses", filter=Q(responses__wave=1), distinct=True),
                      t2=Count("responses", filter=Q(responses__wave=2), distinct=True)))
    return {row["group"]: {"seated": row["seated"], "t1": row["t1"], "t2": row["t2"]} for row in rows}


def dpoll_export_secret(poll) -> bytes:
    """The poll's anonymisation key: derived from SECRET_KEY and the poll, so labels are stable across
    downloads of one poll, differ between polls, and cannot be recomputed without the server's secret."""
    return salted_hmac("deliberation.dpoll.anonymous_label", f"poll-{poll.pk}", algorithm="sha256").digest()


def dpoll_anonymous_responses(poll) -> list[list]:
    """exports.response_rows for the poll: a label per participant, never a user id or name; the groups only."""
    questions, groups = dpoll_core_data(poll)
    return response_rows(questions, groups, secret=dpoll_export_secret(poll), attributes=DPOLL_SUBGROUPS)


def my_dpoll_participation(poll, user):
    """The user's SurveyParticipant in ``poll`` (with the waves answered as ``waves``), or None."""
    if not user.is_authenticated:
        return None
    participant = SurveyParticipant.objects.filter(poll=poll, user=user).first()
    if participant is not None:
        participant.waves = set(participant.responses.values_list("wave", flat=True))
    return participant
