"""Reads of the deliberative poll (공론조사): the answers as the survey core reads them, the report
(cached), the panel's counts and the anonymised responses."""

import hashlib
import json
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core import search as text_search

from deliberation.deliberative_polls.models import (
    DeliberativePoll, StoredReport, SurveyAnswer, SurveyParticipant, SurveyQuestion, SurveyResponse,
)
from deliberation.deliberative_polls.rules import may_manage_dpolls
from deliberation.deliberative_polls.states import DPollState, SurveyGroup
from deliberation.deliberative_polls.survey.exports import response_rows
from deliberation.deliberative_polls.survey.panel import representativeness
from deliberation.deliberative_polls.survey.questions import CHOICE, SCALE_RANGES, YESNO, Participant, Question
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


CLEAR_CHANGE = 0.05  # a change whose test's p-value is below this is called clear in the summary


def dpoll_summary(report: dict) -> dict:
    """The report for citizens, first: who took part, and per question one sentence saying what changed
    after the deliberation, in words. Built from the figures already in the report (the deliberating
    panel, those who answered both surveys); nothing is computed again."""
    panel, control = report["groups"]["deliberation"], report["groups"].get("control")
    lines = []
    for question in report["questions"]:
        figures = panel["questions"][question["id"]]["all"]
        lines.append({"id": question["id"], "text": question["text"], "sentence": _change_sentence(question, figures)})
    return {"questions": len(report["questions"]), "t1": panel["attrition"]["t1"], "t2": panel["attrition"]["t2"],
            "control": control["attrition"]["t2"] if control else None, "lines": lines}


def _clarity(pvalue) -> str:
    if pvalue is None:
        return ""
    return (_("The change is larger than chance alone would explain.") if pvalue < CLEAR_CHANGE
            else _("The change is small enough to be chance."))


def _share(distribution: dict, value) -> int | None:
    share = next((row["share"] for row in distribution["values"] if row["value"] == value), None)
    return None if share is None else round(100 * share)


def _change_sentence(question: dict, figures: dict) -> str:
    """One plain sentence (two with how sure it is) on what changed between the surveys."""
    change, kind = figures["change"], question["kind"]
    if not figures["n_paired"]:
        return _("Too few people answered both surveys to compare.")
    if kind in SCALE_RANGES:
        low, high = SCALE_RANGES[kind]
        before, after = change["mean_t1"], change["mean_t2"]
        values = {"a": f"{before:.1f}", "b": f"{after:.1f}", "low": low, "high": high}
        if f"{before:.1f}" == f"{after:.1f}":
            said = _("The average answer stayed at %(a)s (on a scale from %(low)s to %(high)s).") % values
        elif after > before:
            said = _("The average answer rose from %(a)s to %(b)s (on a scale from %(low)s to %(high)s).") % values
        else:
            said = _("The average answer fell from %(a)s to %(b)s (on a scale from %(low)s to %(high)s).") % values
        pvalue = change["t_pvalue"]
    elif kind == YESNO:
        values = {"a": _share(figures["t1"], "yes"), "b": _share(figures["t2"], "yes")}
        said = _("Those answering yes went from %(a)s%% to %(b)s%%.") % values
        pvalue = change["pvalue"]
    else:
        def top(distribution):
            row = max(distribution["values"], key=lambda r: r["count"])
            return row["value"], _share(distribution, row["value"])

        (a, pa), (b, pb) = top(figures["t1"]), top(figures["t2"])
        if a == b:
            said = _("“%(a)s” stayed the most chosen answer (%(pa)s%% before, %(pb)s%% after).") % {
                "a": a, "pa": pa, "pb": pb}
        else:
            said = _("The most chosen answer was “%(a)s” before (%(pa)s%%) and “%(b)s” after (%(pb)s%%).") % {
                "a": a, "pa": pa, "b": b, "pb": pb}
        pvalue = change["pvalue"]
    clarity = _clarity(pvalue)
    return f"{said} {clarity}" if clarity else said


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


# --- The site-wide search -----------------------------------------------------------------------------------


def search(*, query: str, viewer) -> QuerySet:
    """The site-wide search's deliberative polls: as the list shows them (those still in setup only to the
    people who run polls), by title and topic."""
    polls = DeliberativePoll.objects.all()
    if not may_manage_dpolls(viewer):
        polls = polls.exclude(state=DPollState.SETUP)
    polls = text_search.text_filter(polls, query, fields=("title", "topic"))
    return text_search.title_first(polls, query).order_by("-in_title", "-created_at", "-pk")
