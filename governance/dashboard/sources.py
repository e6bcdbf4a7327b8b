"""The dashboard's metrics: for each, the one function that turns a source record into its facts.

A fact is a key (day, district, department, bucket) and an amount (count, total). The same function
serves the receivers (one record, as the service writes it) and the reconciler (every record of some
days, read back from the source tables), so the two cannot disagree on what a fact is.

Two kinds of metric (docs/governance.md "The governance dashboard" "How each figure is kept"):
- ``EVENT`` metrics come from rows that are written once and never change (a timeline entry, a
  follow-up update, a rating, a new follow-up item): the receiver adds the fact (count + 1).
- ``STATE`` metrics come from a record reaching a state in a small table (a meeting held, a room ended,
  a vote tallied, a jury's recommendation published): the record may be saved many times after, so
  the receiver recomputes that metric's day from the source table instead of adding.
``followup.overdue`` is a snapshot of a stock, taken for today (see ``snapshot_overdue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, Iterator

from django.utils import timezone

from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.juries.models import Jury
from deliberation.rooms.models import Room
from deliberation.deliberative_polls.states import DPollState
from deliberation.juries.states import JuryState
from deliberation.rooms.states import RoomState
from governance.models import Meeting, MonitorRating
from governance.states import MeetingState, Rating
from proposals.models import FollowUp, FollowUpUpdate, Proposal
from proposals.states import AWAITING_ANSWER, Origin, State, Verdict
from voting.models import Vote
from voting.states import VoteKind, VoteState

EVENT = "event"
STATE = "state"
SNAPSHOT = "snapshot"

RATINGS = [r.value for r in Rating]  # a rating's bucket is its position in this list
ADOPTED_VERDICTS = {Verdict.ACCEPTED, Verdict.PARTIAL}


@dataclass(frozen=True)
class Fact:
    day: date
    district: str = ""
    department_id: int = 0
    bucket: int = 0
    count: int = 1
    total: int = 0


@dataclass(frozen=True)
class Metric:
    code: str
    kind: str
    # The source rows whose facts fall on days [start, end] (reconcile), and one row's facts.
    rows: Callable[[date, date], Iterable]
    facts: Callable[[object], Iterator[Fact]]


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _between(field: str, start: date, end: date) -> dict:
    low, high = day_bounds(start, end)
    return {f"{field}__gte": low, f"{field}__lt": high}


def _item_district(follow_up: FollowUp) -> str:
    if follow_up.proposal_id:
        return follow_up.proposal.district
    return ""


# -- proposals ---------------------------------------------------------------------------------------

def _published_rows(start, end):
    return Proposal.objects.filter(**_between("published_at", start, end)).only("published_at", "district")


def _published_facts(proposal: Proposal):
    yield Fact(local_day(proposal.published_at), district=proposal.district)


def _escalated_rows(start, end):
    return Proposal.objects.filter(**_between("escalated_at", start, end)).only("escalated_at", "district")


def _escalated_facts(proposal: Proposal):
    yield Fact(local_day(proposal.escalated_at), district=proposal.district)


# -- follow-up items ---------------------------------------------------------------------------------

def _opened_rows(start, end):
    return FollowUp.objects.filter(**_between("created_at", start, end)).select_related("proposal")


def _opened_facts(item: FollowUp):
    yield Fact(local_day(item.created_at), district=_item_district(item), department_id=item.department_id,
               bucket=1 if item.proposal_id else 0)


def _updates(kind: str, start, end):
    return (FollowUpUpdate.objects.filter(kind=kind, **_between("created_at", start, end))
            .select_related("follow_up", "follow_up__proposal", "follow_up__vote"))


def _answered_facts(update: FollowUpUpdate):
    """Bucket 0: answered by its due date; 1: late. ``total`` is the whole days it took."""
    item = update.follow_up
    days = max(0, (update.created_at - item.created_at).days)
    yield Fact(local_day(update.created_at), district=_item_district(item), department_id=item.department_id,
               bucket=0 if update.created_at <= item.due_at else 1, total=days)


def _proposal_answered_facts(update: FollowUpUpdate):
    """A proposal's item answered; bucket = whole days from the item's opening (the median's histogram)."""
    item = update.follow_up
    if not item.proposal_id:
        return
    days = max(0, (update.created_at - item.created_at).days)
    yield Fact(local_day(update.created_at), district=item.proposal.district, department_id=item.department_id,
               bucket=days, total=days)


def _jury_adopted_facts(update: FollowUpUpdate):
    item = update.follow_up
    if item.proposal_id and item.proposal.origin == Origin.JURY and update.verdict in ADOPTED_VERDICTS:
        yield Fact(local_day(update.created_at), district=item.proposal.district, department_id=item.department_id)


def _completed_facts(update: FollowUpUpdate):
    item = update.follow_up
    yield Fact(local_day(update.created_at), district=_item_district(item), department_id=item.department_id)


def _budget_executed_facts(update: FollowUpUpdate):
    """A participatory-budget project carried out: ``total`` is its cost (won)."""
    item = update.follow_up
    if not item.vote_id or item.vote.kind != VoteKind.BUDGET or item.option_position is None:
        return
    option = item.vote.options.filter(position=item.option_position).first()
    if option is not None:
        yield Fact(local_day(update.created_at), district=option.district, department_id=item.department_id,
                   total=option.cost or 0)


def _rating_rows(start, end):
    return MonitorRating.objects.filter(**_between("created_at", start, end)).select_related("follow_up")


def _rating_facts(rating: MonitorRating):
    yield Fact(local_day(rating.created_at), department_id=rating.follow_up.department_id,
               bucket=RATINGS.index(rating.rating))


# -- committees (state) --------------------------------------------------------------------------------

def _held_rows(start, end):
    return (Meeting.objects.filter(state=MeetingState.HELD, **_between("held_at", start, end))
            .select_related("committee").prefetch_related("attendance"))


def _held_facts(meeting: Meeting):
    if meeting.state == MeetingState.HELD:
        yield Fact(local_day(meeting.held_at), department_id=meeting.committee.department_id)


def _attendance_facts(meeting: Meeting):
    """``count`` members present (in person or online) of ``total`` members on the meeting's register."""
    if meeting.state != MeetingState.HELD:
        return
    rows = list(meeting.attendance.all())
    if rows:
        present = sum(1 for a in rows if a.status in ("present", "online"))
        yield Fact(local_day(meeting.held_at), department_id=meeting.committee.department_id,
                   count=present, total=len(rows))


def _minutes_rows(start, end):
    return Meeting.objects.filter(**_between("minutes_published_at", start, end)).select_related("committee")


def _minutes_facts(meeting: Meeting):
    """Bucket 0: minutes published by their due date; 1: late."""
    if meeting.minutes_published_at:
        late = meeting.minutes_due_at is not None and meeting.minutes_published_at > meeting.minutes_due_at
        yield Fact(local_day(meeting.minutes_published_at), department_id=meeting.committee.department_id,
                   bucket=1 if late else 0)


# -- votes, rooms, juries, polls (state) ---------------------------------------------------------------

def _tallied_rows(start, end):
    return Vote.objects.filter(state=VoteState.TALLIED, **_between("tallied_at", start, end))


def _vote_facts(vote: Vote):
    """A vote counted: ``total`` its ballots."""
    if vote.state == VoteState.TALLIED and vote.tallied_at:
        yield Fact(local_day(vote.tallied_at), department_id=vote.department_id or 0,
                   total=int((vote.result or {}).get("ballots", 0)))


def _turnout_facts(vote: Vote):
    """``count`` ballots of ``total`` people who could vote, where the count knew that number."""
    result = vote.result or {}
    if vote.state == VoteState.TALLIED and vote.tallied_at and result.get("eligible"):
        yield Fact(local_day(vote.tallied_at), department_id=vote.department_id or 0,
                   count=int(result.get("ballots", 0)), total=int(result["eligible"]))


def _budget_decided_facts(vote: Vote):
    """Each project a budget vote selected: ``total`` is its cost (won), in its district."""
    if vote.kind != VoteKind.BUDGET or vote.state != VoteState.TALLIED or not vote.tallied_at:
        return
    selected = set((vote.result or {}).get("selected", []))
    for option in vote.options.all():
        if option.position in selected:
            yield Fact(local_day(vote.tallied_at), district=option.district,
                       department_id=option.department_id or vote.department_id or 0, total=option.cost or 0)


def _room_rows(start, end):
    return Room.objects.filter(state=RoomState.ENDED, **_between("ended_at", start, end))


def _room_facts(room: Room):
    """A room session ended: ``total`` is the people who took part (members not removed, observers aside)."""
    if room.state == RoomState.ENDED and room.ended_at:
        people = room.members.filter(removed_at__isnull=True).exclude(role="observer").count()
        yield Fact(local_day(room.ended_at), total=people)


def _jury_rows(start, end):
    return Jury.objects.filter(state=JuryState.PUBLISHED, **_between("state_changed_at", start, end))


def _jury_facts(jury: Jury):
    if jury.state == JuryState.PUBLISHED:
        yield Fact(local_day(jury.state_changed_at))


def _poll_rows(start, end):
    return DeliberativePoll.objects.filter(state=DPollState.PUBLISHED, **_between("state_changed_at", start, end))


def _poll_facts(poll: DeliberativePoll):
    if poll.state == DPollState.PUBLISHED and poll.state_changed_at:
        yield Fact(local_day(poll.state_changed_at))


# -- the stock ----------------------------------------------------------------------------------------

def overdue_facts(now: datetime) -> Iterator[Fact]:
    """Items past their due date and still awaiting an answer, now (bucket 1: a proposal's item)."""
    today = timezone.localdate(now)
    items = (FollowUp.objects.filter(state__in=AWAITING_ANSWER, due_at__lt=now)
             .select_related("proposal").only("department_id", "proposal_id", "proposal__district"))
    for item in items.iterator():
        yield Fact(today, district=_item_district(item), department_id=item.department_id,
                   bucket=1 if item.proposal_id else 0)


METRICS: dict[str, Metric] = {m.code: m for m in [
    Metric("proposal.published", EVENT, _published_rows, _published_facts),
    Metric("proposal.escalated", EVENT, _escalated_rows, _escalated_facts),
    Metric("proposal.answered", EVENT, lambda s, e: _updates(FollowUpUpdate.Kind.ANSWER, s, e),
           _proposal_answered_facts),
    Metric("followup.opened", EVENT, _opened_rows, _opened_facts),
    Metric("followup.answered", EVENT, lambda s, e: _updates(FollowUpUpdate.Kind.ANSWER, s, e), _answered_facts),
    Metric("followup.completed", EVENT, lambda s, e: _updates(FollowUpUpdate.Kind.COMPLETION, s, e),
           _completed_facts),
    Metric("followup.overdue", SNAPSHOT, lambda s, e: [], lambda obj: iter(())),
    Metric("monitor.rating", EVENT, _rating_rows, _rating_facts),
    Metric("jury.adopted", EVENT, lambda s, e: _updates(FollowUpUpdate.Kind.ANSWER, s, e), _jury_adopted_facts),
    Metric("budget.executed", EVENT, lambda s, e: _updates(FollowUpUpdate.Kind.COMPLETION, s, e),
           _budget_executed_facts),
    Metric("meeting.held", STATE, _held_rows, _held_facts),
    Metric("meeting.attendance", STATE, _held_rows, _attendance_facts),
    Metric("meeting.minutes", STATE, _minutes_rows, _minutes_facts),
    Metric("vote.held", STATE, _tallied_rows, _vote_facts),
    Metric("vote.turnout", STATE, _tallied_rows, _turnout_facts),
    Metric("budget.decided", STATE, _tallied_rows, _budget_decided_facts),
    Metric("room.session", STATE, _room_rows, _room_facts),
    Metric("jury.held", STATE, _jury_rows, _jury_facts),
    Metric("dpoll.held", STATE, _poll_rows, _poll_facts),
]}

# Which metrics a source model's records feed (the receivers' routing).
FEEDS: dict[type, list[str]] = {
    Proposal: [],  # through TimelineEntry (a proposal row is saved on every support)
    FollowUp: ["followup.opened"],
    MonitorRating: ["monitor.rating"],
    Meeting: ["meeting.held", "meeting.attendance", "meeting.minutes"],
    Vote: ["vote.held", "vote.turnout", "budget.decided"],
    Room: ["room.session"],
    Jury: ["jury.held"],
    DeliberativePoll: ["dpoll.held"],
}
ANSWER_METRICS = ["proposal.answered", "followup.answered", "jury.adopted"]
COMPLETION_METRICS = ["followup.completed", "budget.executed"]
TIMELINE_METRICS = {State.PUBLISHED: "proposal.published", State.ESCALATED: "proposal.escalated"}
