"""What the open-data API may show: every public record, read through the owning apps' own rules of
what is public (proposals.states.PUBLIC_STATES, voting.selectors.PUBLIC_STATES, rooms.rules.may_read_record,
deliberative_polls.rules.may_read_dpoll_report...), as ``values()`` rows of the public columns only.

The API is the same for everyone: it never looks at who asks (no session, no role), so what one role sees
every role sees, and a private column cannot leak because it is never selected. Lists are flat (one query
for the rows, one for the count); a detail adds one query per nested part.
"""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from deliberation.deliberative_polls import selectors as dpoll_selectors
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.juries import selectors as jury_selectors
from deliberation.juries.models import Jury
from deliberation.rooms import selectors as room_selectors
from deliberation.rooms.models import Room
from deliberation.rooms.states import Access, RoomState
from governance.models import AnnualDocument, Committee, CommitteeRecommendation, Meeting, Member, MonitorRating, Tally
from governance.states import DocumentState, MeetingState
from proposals.models import Category, FollowUp, FollowUpUpdate, Proposal, TimelineEntry
from proposals.states import AWAITING_ANSWER, PUBLIC_STATES as PROPOSAL_PUBLIC_STATES
from voting.models import Option, Vote
from voting.selectors import PUBLIC_STATES as VOTE_PUBLIC_STATES
from voting.states import VoteState

# --- Proposals and their follow-ups ------------------------------------------------------------------

PROPOSAL_COLUMNS = ("id", "title", "state", "origin", "scope", "district", "support_count", "escalation_level",
                    "published_at", "support_closes_at", "escalated_at")


def _category(column: str) -> Subquery:
    return Subquery(Category.objects.filter(pk=OuterRef("category_id")).order_by().values(column)[:1])


def proposals(*, extra: tuple = ()) -> QuerySet:
    """The codes of the category and its department as subqueries, not joins: the page's count (which
    drops unused annotations, but must keep an inner join) then reads the proposals' state index alone,
    ~2x faster over 100,000 proposals; the codes are looked up for the page's rows only
    (docs/benchmarks.md "Governance")."""
    return (Proposal.objects.filter(state__in=PROPOSAL_PUBLIC_STATES).order_by("-published_at", "-pk")
            .values(*PROPOSAL_COLUMNS, *extra, category_code=_category("code"),
                    department_code=_category("default_department__code")))


def proposals_joined(*, extra: tuple = ()) -> QuerySet:  # before the lever above; bench/governance.py only
    return (Proposal.objects.filter(state__in=PROPOSAL_PUBLIC_STATES).order_by("-published_at", "-pk")
            .values(*PROPOSAL_COLUMNS, *extra, category_code=F("category__code"),
                    department_code=F("category__default_department__code")))


def proposal(pk: int) -> dict | None:
    row = proposals(extra=("body",)).filter(pk=pk).first()
    if row is None:
        return None
    # A moderation entry's reason can speak of what was hidden: the entry is public, its reason is not.
    row["timeline"] = [
        {**entry, "reason": "" if entry["kind"] == TimelineEntry.Kind.MODERATION else entry["reason"]}
        for entry in TimelineEntry.objects.filter(proposal_id=pk).order_by("created_at", "pk")
        .values("kind", "from_state", "to_state", "code", "reason", "created_at")]
    row["follow_ups"] = list(FollowUp.objects.filter(proposal_id=pk).order_by("created_at", "pk")
                             .values_list("pk", flat=True))
    return row


FOLLOW_UP_COLUMNS = ("id", "title", "level", "state", "due_at", "created_at", "answered_at", "completed_at",
                     "verdict", "progress_percent", "proposal_id", "vote_id", "option_position")


def follow_ups() -> QuerySet:
    """Items from a public proposal, a public vote, or a committee's recommendation (always public)."""
    public_source = (Q(proposal__isnull=True) | Q(proposal__state__in=PROPOSAL_PUBLIC_STATES)) & (
        Q(vote__isnull=True) | Q(vote__state__in=VOTE_PUBLIC_STATES))
    return (FollowUp.objects.filter(public_source).order_by("-created_at", "-pk")
            .values(*FOLLOW_UP_COLUMNS, department_code=F("department__code"), district=F("proposal__district")))


def with_overdue(row: dict) -> dict:
    row["is_overdue"] = row["state"] in AWAITING_ANSWER and row["due_at"] < timezone.now()
    return row


def follow_up(pk: int) -> dict | None:
    row = follow_ups().filter(pk=pk).first()
    if row is None:
        return None
    row["updates"] = list(FollowUpUpdate.objects.filter(follow_up_id=pk).order_by("created_at", "pk")
                          .values("id", "kind", "body", "verdict", "progress_percent", "created_at"))
    ratings = MonitorRating.objects.filter(follow_up_id=pk).values("rating").annotate(n=Count("pk"))
    row["ratings"] = {r["rating"]: r["n"] for r in ratings}
    return with_overdue(row)


def answers() -> QuerySet:
    """Departments' answers to public items, newest first (the answers feed)."""
    public = follow_ups().values_list("pk", flat=True)
    return (FollowUpUpdate.objects.filter(kind=FollowUpUpdate.Kind.ANSWER, follow_up__in=public)
            .select_related("follow_up__department").order_by("-created_at", "-pk"))


# --- Votes ----------------------------------------------------------------------------------------------

VOTE_COLUMNS = ("id", "title", "question", "kind", "state", "secret", "opens_at", "closes_at", "tallied_at",
                "proposal_id")


def votes(*, extra: tuple = ()) -> QuerySet:
    return (Vote.objects.filter(state__in=VOTE_PUBLIC_STATES).order_by("-opens_at", "-pk")
            .values(*VOTE_COLUMNS, *extra, department_code=F("department__code")))


def vote(pk: int) -> dict | None:
    """A public vote with its options; the result only as published after the tally (voting.exports):
    counts and suppressed breakdowns, never a ballot or the roll."""
    row = votes(extra=("description", "districts", "result")).filter(pk=pk).first()
    if row is None:
        return None
    if row["state"] != VoteState.TALLIED:
        row["result"] = None
    row["options"] = list(Option.objects.filter(vote_id=pk).order_by("position")
                          .values("position", "label", "description", "cost", "category", "district"))
    return row


# --- Deliberation ---------------------------------------------------------------------------------------

def rooms() -> QuerySet:
    """Public rooms once opened; their record (detail) once ended (rooms.rules.may_read_record)."""
    return (Room.objects.filter(access=Access.PUBLIC, state__in=[RoomState.OPEN, RoomState.LIVE, RoomState.ENDED])
            .order_by("-created_at", "-pk")
            .values("id", "title", "state", "created_at", "opened_at", "ended_at", "proposal_id"))


def room(pk: int) -> dict | None:
    row = rooms().filter(pk=pk).first()
    if row is None:
        return None
    row["record"] = None
    if row["state"] == RoomState.ENDED:
        # viewer=None: the plenary only, as an anonymous reader of the record page gets it.
        row["record"] = room_selectors.room_record(Room.objects.select_related("facilitator").get(pk=pk), viewer=None)
    return row


def juries() -> QuerySet:
    """Juries and consensus conferences whose recommendation is published."""
    return (Jury.objects.filter(state="published", recommendation__state="published")
            .order_by("-recommendation__published_at", "-pk")
            .values("id", "kind", "title", "question", "verdict_rule", "proposal_id",
                    published_at=F("recommendation__published_at")))


def jury(pk: int) -> dict | None:
    row = juries().filter(pk=pk).first()
    if row is None:
        return None
    found = Jury.objects.select_related("recommendation").get(pk=pk)
    row["recommendation"] = found.recommendation.text
    row["minority_opinions"] = jury_selectors.minority_opinions(found.recommendation)
    row["verdicts"] = list(found.verdicts.filter(state="closed").order_by("number")
                           .values("number", "subject", "rule", "options", "result", "met", "closed_at"))
    return row


def deliberative_polls() -> QuerySet:
    return (DeliberativePoll.objects.filter(state="published").order_by("-state_changed_at", "-pk")
            .values("id", "title", "topic", published_at=F("state_changed_at")))


def deliberative_poll(pk: int) -> dict | None:
    row = deliberative_polls().filter(pk=pk).first()
    if row is None:
        return None
    report = dpoll_selectors.dpoll_report(DeliberativePoll.objects.get(pk=pk))
    row["summary"] = dpoll_selectors.dpoll_summary(report)
    row["report"] = report
    return row


# --- Committees -----------------------------------------------------------------------------------------

COMMITTEE_COLUMNS = ("id", "slug", "name", "name_en", "legal_status", "function", "term_start", "term_end", "size",
                     "is_agenda_committee", "proposal_id", "vote_id", "policy", "min_citizen_share",
                     "max_gender_share", "minutes_deadline_days", "dissolved_at")


def committees(*, extra: tuple = ()) -> QuerySet:
    return Committee.objects.order_by("name", "pk").values(*COMMITTEE_COLUMNS, *extra, department_code=F("department__code"))


def committee(pk: int) -> dict | None:
    row = committees(extra=("mandate", "legal_basis")).filter(pk=pk).first()
    if row is None:
        return None
    current = Member.objects.filter(committee_id=pk, ended_at__isnull=True)
    row["composition"] = {
        "members": current.count(),
        "by_category": dict(current.order_by().values_list("category").annotate(n=Count("pk"))),
        "by_gender": dict(current.order_by().values_list("gender").annotate(n=Count("pk"))),
    }
    return row


MEMBER_COLUMNS = ("id", "committee_id", "name", "category", "gender", "age_band", "district", "term_start",
                  "term_end", "is_chair", "route", "route_note", "ended_at", "end_reason")


def members() -> QuerySet:
    """Members' public fields (as the committee page shows them); never the account, nor an application."""
    return Member.objects.order_by("committee_id", "-is_chair", "name", "pk").values(*MEMBER_COLUMNS)


MEETING_COLUMNS = ("id", "committee_id", "number", "title", "agenda", "scheduled_at", "mode", "place", "room_id",
                   "state", "held_at", "minutes_due_at", "minutes_published_at", "cancelled_reason")


def meetings() -> QuerySet:
    """Meetings without their minutes' text (the minutes list has the published ones)."""
    return Meeting.objects.order_by("-scheduled_at", "-pk").values(*MEETING_COLUMNS, department_code=F("committee__department__code"))


def with_minutes_overdue(row: dict) -> dict:
    row["minutes_overdue"] = (row["state"] == MeetingState.HELD and row["minutes_published_at"] is None
                              and row["minutes_due_at"] is not None and row["minutes_due_at"] < timezone.now())
    return row


def minutes(*, extra: tuple = ()) -> QuerySet:
    return (Meeting.objects.filter(minutes_published_at__isnull=False).order_by("-minutes_published_at", "-pk")
            .values("id", "committee_id", "number", "title", "held_at", "minutes_due_at", "minutes_published_at", *extra,
                    department_code=F("committee__department__code")))


def with_on_time(row: dict) -> dict:
    row["on_time"] = row["minutes_due_at"] is None or row["minutes_published_at"] <= row["minutes_due_at"]
    return row


def minutes_of(pk: int) -> dict | None:
    row = minutes(extra=("minutes",)).filter(pk=pk).first()
    return with_on_time(row) if row else None


def recommendations() -> QuerySet:
    """Committees' decisions and recommendations, with the follow-up item each became (its answer is there)."""
    return (CommitteeRecommendation.objects.order_by("-created_at", "-pk")
            .values("id", "committee_id", "meeting_id", "kind", "title", "body", "follow_up_id", "created_at",
                    department_code=F("department__code")))


def annual_documents() -> QuerySet:
    """Published annual plans and performance reports (a draft is the secretariat's until published)."""
    return (AnnualDocument.objects.filter(state=DocumentState.PUBLISHED).order_by("-year", "kind", "pk")
            .values("id", "committee_id", "year", "kind", "body", "figures", "published_at"))


def ratings() -> QuerySet:
    """Monitors' ratings of public items, without the monitor (the monitoring page names nobody)."""
    public = follow_ups().values_list("pk", flat=True)
    return (MonitorRating.objects.filter(follow_up__in=public).order_by("-created_at", "-pk")
            .values("id", "follow_up_id", "rating", "note", "created_at", "reply", "replied_at",
                    department_code=F("follow_up__department__code")))


def indicators() -> QuerySet:
    """The dashboard's tallies added up per metric over the filtered days, districts and departments."""
    return (Tally.objects.order_by().values("metric").annotate(count=Sum("count"), total=Sum("total"))
            .order_by("metric"))
