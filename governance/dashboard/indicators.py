"""The dashboard's indicators: what each one means, where it comes from, and how its value is computed.

An indicator reads a ``Slice``: the sums of the tallies of some metrics over a period (and a district),
never the source tables; the committees' current composition is read from the committee tables
(small: a few hundred committees; see docs/governance.md "The governance dashboard"). Each indicator gives a value and,
per month of the period, a series; a *breakdown* indicator gives bars by category instead.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Callable

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.states import Rating

COUNT, PERCENT, DAYS, WON, PEOPLE = "count", "percent", "days", "won", "people"
UNITS = {COUNT: pgettext_lazy("unit", "items"), PERCENT: "%", DAYS: pgettext_lazy("unit", "days"),
         WON: pgettext_lazy("unit", "won"), PEOPLE: pgettext_lazy("unit", "people")}


class Slice:
    """Summed tallies: metric -> {(department_id, bucket): [count, total]}."""

    def __init__(self, sums: dict[str, dict[tuple[int, int], list[int]]] | None = None):
        self.sums = sums or {}

    def count(self, metric: str, bucket: int | None = None) -> int:
        return sum(v[0] for (d, b), v in self.sums.get(metric, {}).items() if bucket is None or b == bucket)

    def total(self, metric: str) -> int:
        return sum(v[1] for v in self.sums.get(metric, {}).values())

    def by_bucket(self, metric: str) -> dict[int, int]:
        out: dict[int, int] = {}
        for (d, b), v in self.sums.get(metric, {}).items():
            out[b] = out.get(b, 0) + v[0]
        return out

    def by_department(self, metric: str, bucket: int | None = None) -> dict[int, int]:
        out: dict[int, int] = {}
        for (d, b), v in self.sums.get(metric, {}).items():
            if bucket is None or b == bucket:
                out[d] = out.get(d, 0) + v[0]
        return out


def share(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def median_of_histogram(histogram: dict[int, int]) -> float | None:
    values = [bucket for bucket, n in sorted(histogram.items()) for _ in range(n)]
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Indicator:
    code: str
    group: object
    name: object
    definition: object
    source: object  # the query, in words
    tables: tuple[str, ...]  # the source tables the tallies are kept from
    unit: str
    metrics: tuple[str, ...]  # the tallies it reads (empty: read from the committee tables)
    value: Callable[[Slice], float | int | None] | None = None
    # A breakdown: (key, count) bars instead of a series per month; labels from ``labels``.
    breakdown: Callable[[Slice], dict] | None = None
    by_district: bool = False  # its facts have a district (else a district filter does not apply)
    is_stock: bool = False  # a current state (the latest snapshot), not a sum over the period
    current: str = ""  # computed from the committee tables now: the selector's name
    labels: dict = field(default_factory=dict)


G_COMMITTEES = _("Committees")
G_PROPOSALS = _("Proposals")
G_FOLLOW_UPS = _("Follow-up")
G_VOTES = _("Votes")
G_ROOMS = _("Live rooms")
G_DELIBERATION = _("Juries and deliberative polls")
G_BUDGET = _("Participatory budget")

FOLLOW_UP_TABLES = ("proposals_followup", "proposals_followupupdate")

INDICATORS: list[Indicator] = [
    # -- committees (current composition: the committee tables) ----------------------------------------
    Indicator("committees-by-kind", G_COMMITTEES, _("Committees by function"),
              _("Committees in office now (not dissolved), by function: advisory, deliberative, executive, "
                "citizen participation."),
              _("Committees whose dissolution date is empty, counted by function."),
              ("governance_committee",), COUNT, (), current="committees_by_function"),
    Indicator("committee-citizen-share", G_COMMITTEES, _("Ordinary citizens among members"),
              _("The share of the current members of committees in office who sit as ordinary citizens."),
              _("Members whose term has not ended, of committees not dissolved: ordinary citizens over all."),
              ("governance_member", "governance_committee"), PERCENT, (), current="citizen_share"),
    Indicator("committee-gender-balance", G_COMMITTEES, _("Committees within their gender rule"),
              _("The share of committees in office whose appointed members respect their gender rule (no "
                "gender above the committee's maximum share, 60 % by default)."),
              _("Per committee not dissolved, its current appointed members by gender, against the "
                "committee's maximum share."),
              ("governance_member", "governance_committee"), PERCENT, (), current="gender_balance"),
    Indicator("meetings-held", G_COMMITTEES, _("Committee meetings held"),
              _("Committee meetings held in the period."),
              _("Meetings marked held, by the day they were held."),
              ("governance_meeting",), COUNT, ("meeting.held",), value=lambda s: s.count("meeting.held")),
    Indicator("meeting-attendance", G_COMMITTEES, _("Attendance at meetings"),
              _("Members present (in person or online) over the members on the registers of the meetings "
                "held in the period."),
              _("The attendance register of each meeting held: present and online over all entries."),
              ("governance_meeting", "governance_attendance"), PERCENT, ("meeting.attendance",),
              value=lambda s: share(s.count("meeting.attendance"), s.total("meeting.attendance"))),
    Indicator("minutes-on-time", G_COMMITTEES, _("Minutes published on time"),
              _("Of the minutes published in the period, the share published by their due date."),
              _("Meetings whose minutes were published in the period: published on or before the due date "
                "over all."),
              ("governance_meeting",), PERCENT, ("meeting.minutes",),
              value=lambda s: share(s.count("meeting.minutes", 0), s.count("meeting.minutes"))),
    # -- proposals ---------------------------------------------------------------------------------------
    Indicator("proposals-received", G_PROPOSALS, _("Proposals received"),
              _("Proposals published for support in the period."),
              _("Proposals by the day they were published (hidden or withdrawn later still count)."),
              ("proposals_proposal",), COUNT, ("proposal.published",),
              value=lambda s: s.count("proposal.published"), by_district=True),
    Indicator("proposals-escalated", G_PROPOSALS, _("Proposals escalated"),
              _("Proposals that reached the department (by supports or a citizens' jury) in the period."),
              _("Proposals by the day they were escalated."),
              ("proposals_proposal",), COUNT, ("proposal.escalated",),
              value=lambda s: s.count("proposal.escalated"), by_district=True),
    Indicator("proposals-answered", G_PROPOSALS, _("Proposals answered"),
              _("Proposals the department answered in the period."),
              _("Answers recorded on follow-up items of proposals, by the day of the answer."),
              FOLLOW_UP_TABLES, COUNT, ("proposal.answered",),
              value=lambda s: s.count("proposal.answered"), by_district=True),
    Indicator("proposals-overdue", G_PROPOSALS, _("Proposals awaiting an overdue answer"),
              _("Proposals whose answer is past its due date and still awaited (at the end of the period, or "
                "now)."),
              _("Follow-up items of proposals still open or awaiting clarification whose due date has "
                "passed, counted each day."),
              ("proposals_followup",), COUNT, ("followup.overdue",),
              value=lambda s: s.count("followup.overdue", 1), by_district=True, is_stock=True),
    Indicator("proposal-days-to-answer", G_PROPOSALS, _("Median days to answer"),
              _("The median number of whole days between a proposal's escalation and the department's "
                "answer, over the answers given in the period."),
              _("Answers recorded on follow-up items of proposals: days from the item's opening to the "
                "answer; the median of them."),
              FOLLOW_UP_TABLES, DAYS, ("proposal.answered",),
              value=lambda s: median_of_histogram(s.by_bucket("proposal.answered")), by_district=True),
    Indicator("proposals-by-department", G_PROPOSALS, _("Proposals by department"),
              _("Proposals sent to each department in the period."),
              _("Follow-up items opened for proposals, by department."),
              ("proposals_followup",), COUNT, ("followup.opened",),
              value=lambda s: s.count("followup.opened", 1),
              breakdown=lambda s: s.by_department("followup.opened", 1), by_district=True),
    # -- follow-ups ---------------------------------------------------------------------------------------
    Indicator("follow-ups-on-time", G_FOLLOW_UPS, _("Answers on time"),
              _("Of the follow-up items answered in the period (proposals, votes, committees' "
                "recommendations), the share answered by their due date."),
              _("Answers recorded on follow-up items: on or before the item's due date over all."),
              FOLLOW_UP_TABLES, PERCENT, ("followup.answered",),
              value=lambda s: share(s.count("followup.answered", 0), s.count("followup.answered")),
              by_district=True),
    Indicator("follow-ups-overdue", G_FOLLOW_UPS, _("Items overdue"),
              _("Follow-up items past their due date and still awaiting an answer (at the end of the period, "
                "or now)."),
              _("Follow-up items still open or awaiting clarification whose due date has passed, counted "
                "each day."),
              ("proposals_followup",), COUNT, ("followup.overdue",),
              value=lambda s: s.count("followup.overdue"), by_district=True, is_stock=True),
    Indicator("follow-ups-completed", G_FOLLOW_UPS, _("Items completed"),
              _("Follow-up items the department reported completed in the period."),
              _("Completion reports recorded on follow-up items, by day."),
              FOLLOW_UP_TABLES, COUNT, ("followup.completed",),
              value=lambda s: s.count("followup.completed"), by_district=True),
    Indicator("monitor-ratings", G_FOLLOW_UPS, _("Monitors' ratings"),
              _("Citizen monitors' ratings of how follow-up items are carried out, given in the period, by "
                "rating."),
              _("Monitors' ratings by the day given, by rating."),
              ("governance_monitorrating",), COUNT, ("monitor.rating",),
              value=lambda s: s.count("monitor.rating"), breakdown=lambda s: s.by_bucket("monitor.rating"),
              labels={i: label for i, label in enumerate(Rating.labels)}),
    # -- votes ------------------------------------------------------------------------------------------
    Indicator("votes-held", G_VOTES, _("Votes held"),
              _("Citizens' votes counted and published in the period."),
              _("Votes whose result was published, by the day of the count."),
              ("voting_vote",), COUNT, ("vote.held",), value=lambda s: s.count("vote.held")),
    Indicator("vote-turnout", G_VOTES, _("Turnout"),
              _("Ballots cast over the people who could vote, in the votes counted in the period where that "
                "number is known."),
              _("Each counted vote's result: its ballots and its eligible voters."),
              ("voting_vote",), PERCENT, ("vote.turnout",),
              value=lambda s: share(s.count("vote.turnout"), s.total("vote.turnout"))),
    # -- rooms ------------------------------------------------------------------------------------------
    Indicator("room-sessions", G_ROOMS, _("Live sessions held"),
              _("Live deliberation rooms that ended in the period."),
              _("Rooms by the day they ended."),
              ("deliberation_room",), COUNT, ("room.session",), value=lambda s: s.count("room.session")),
    Indicator("room-participants", G_ROOMS, _("Participants in live sessions"),
              _("People who took part in the live sessions that ended in the period (observers aside)."),
              _("Per room ended, its members not removed and not observers."),
              ("deliberation_room", "deliberation_roommember"), PEOPLE, ("room.session",),
              value=lambda s: s.total("room.session")),
    # -- juries and deliberative polls ----------------------------------------------------------------
    Indicator("juries-held", G_DELIBERATION, _("Citizens' juries held"),
              _("Citizens' juries and conferences whose recommendation was published in the period."),
              _("Juries by the day their recommendation was published."),
              ("deliberation_jury",), COUNT, ("jury.held",), value=lambda s: s.count("jury.held")),
    Indicator("deliberative-polls-held", G_DELIBERATION, _("Deliberative polls held"),
              _("Deliberative polls whose report was published in the period."),
              _("Deliberative polls by the day their report was published."),
              ("deliberation_deliberativepoll",), COUNT, ("dpoll.held",), value=lambda s: s.count("dpoll.held")),
    Indicator("jury-recommendations-adopted", G_DELIBERATION, _("Jury recommendations adopted"),
              _("Juries' recommendations the department accepted, in full or in part, in the period."),
              _("Answers accepting or partly accepting the follow-up items of proposals a jury put forward."),
              FOLLOW_UP_TABLES + ("proposals_proposal",), COUNT, ("jury.adopted",),
              value=lambda s: s.count("jury.adopted"), by_district=True),
    # -- participatory budget ---------------------------------------------------------------------------
    Indicator("budget-decided", G_BUDGET, _("Budget decided by citizens"),
              _("The cost of the projects citizens selected in participatory budget votes counted in the "
                "period."),
              _("Budget votes' results: the selected projects' costs, in their districts."),
              ("voting_vote", "voting_option"), WON, ("budget.decided",),
              value=lambda s: s.total("budget.decided"), by_district=True),
    Indicator("budget-executed", G_BUDGET, _("Share of the decided budget carried out"),
              _("The cost of the selected projects reported completed in the period, over the cost of the "
                "projects selected in the period."),
              _("Completion reports on budget projects' follow-up items (their costs) over the budget votes' "
                "selected projects (their costs)."),
              FOLLOW_UP_TABLES + ("voting_option",), PERCENT, ("budget.executed", "budget.decided"),
              value=lambda s: share(s.total("budget.executed"), s.total("budget.decided")), by_district=True),
]

BY_CODE = {i.code: i for i in INDICATORS}
assert len(BY_CODE) == len(INDICATORS)


def fed_by(metrics: list[str]) -> list[str]:
    """The indicators whose figures these metrics' tallies feed."""
    wanted = set(metrics)
    return [i.code for i in INDICATORS if wanted & set(i.metrics)]
