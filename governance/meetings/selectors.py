"""Reads of governance.meetings: a committee's meetings, who sits, attendance, and a year's figures."""

from collections import Counter
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from governance.models import AnnualDocument, Attendance, Committee, CommitteeRecommendation, Meeting, Member
from governance.states import DocumentState, MeetingState

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.ONLINE)


def current_members(committee: Committee, *, on: date | None = None) -> QuerySet[Member]:
    """Who sits on the committee on ``on`` (today): not ended, term started and not over."""
    on = on or timezone.localdate()
    return (committee.members.filter(ended_at__isnull=True, term_start__lte=on)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=on)).select_related("user"))


def members_for_attendance(meeting: Meeting) -> QuerySet[Member]:
    """The members attendance is recorded for: those sitting on the day it was held (or is scheduled)."""
    when = timezone.localdate(meeting.held_at or meeting.scheduled_at)
    return (meeting.committee.members.filter(term_start__lte=when)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=when))
            .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=when)).select_related("user"))


def suggested_attendance(meeting: Meeting) -> dict[int, str]:
    """{member id: status} for the attendance form: what is recorded, else "online" for a member whose
    account connected to the meeting's live room."""
    recorded = dict(meeting.attendance.values_list("member_id", "status"))
    joined: set[int] = set()
    if meeting.room_id:
        joined = set(meeting.room.members.filter(seen_at__isnull=False).values_list("user_id", flat=True))
    return {m.pk: recorded.get(m.pk) or (Attendance.Status.ONLINE if m.user_id in joined else "")
            for m in members_for_attendance(meeting)}


def meetings_of(committee: Committee) -> QuerySet[Meeting]:
    return committee.meetings.select_related("room").order_by("-scheduled_at", "-pk")


def upcoming_meetings(committee: Committee) -> QuerySet[Meeting]:
    return meetings_of(committee).filter(state=MeetingState.SCHEDULED).order_by("scheduled_at", "pk")


def past_meetings(committee: Committee) -> QuerySet[Meeting]:
    return meetings_of(committee).exclude(state=MeetingState.SCHEDULED)


def overdue_minutes(*, now=None) -> QuerySet[Meeting]:
    """Held meetings whose minutes are unpublished past their due date (the partial index)."""
    now = now or timezone.now()
    return Meeting.objects.filter(state=MeetingState.HELD, minutes_published_at__isnull=True,
                                  minutes_due_at__lt=now)


def minutes_recipients(meeting: Meeting) -> list[str]:
    """Who is told of overdue minutes: the secretariat, or without one the department's officers (who then
    keep the minutes); only people who want email."""
    committee = meeting.committee
    people = committee.secretaries.filter(is_active=True)
    if not people.exists():
        people = User.objects.filter(is_active=True, role="officer", department_id=committee.department_id)
    return sorted({u.email for u in people.filter(email_notifications=True, deleted_at__isnull=True) if u.email})


def recommendations_of(committee: Committee) -> QuerySet[CommitteeRecommendation]:
    return (committee.recommendations.select_related("meeting", "department", "follow_up__department")
            .prefetch_related("follow_up__updates"))


def attendance_of(meeting: Meeting) -> list[tuple[Member, str]]:
    """(member, status label) for each member who had a row, in the members' order."""
    rows = meeting.attendance.select_related("member").order_by("-member__is_chair", "member__name", "member__pk")
    return [(row.member, row.get_status_display()) for row in rows]


def documents_of(committee: Committee, *, public_only: bool) -> QuerySet[AnnualDocument]:
    docs = committee.documents.all()
    return docs.filter(state=DocumentState.PUBLISHED) if public_only else docs


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def year_figures(committee: Committee, year: int) -> dict:
    """The record of ``year`` (Seoul time) as plain numbers: the annual documents' figures (JSON)."""
    meetings = committee.meetings.filter(scheduled_at__year=year)
    by_state = Counter(meetings.values_list("state", flat=True))
    held = meetings.filter(state=MeetingState.HELD)
    rows = Attendance.objects.filter(meeting__in=held)
    statuses = Counter(rows.values_list("status", flat=True))
    recorded = sum(statuses.values())
    attended = statuses[Attendance.Status.PRESENT] + statuses[Attendance.Status.ONLINE]
    minutes = held.aggregate(
        published=Count("pk", filter=Q(minutes_published_at__isnull=False)),
        on_time=Count("pk", filter=Q(minutes_published_at__isnull=False,
                                     minutes_published_at__lte=F("minutes_due_at"))),
        unpublished=Count("pk", filter=Q(minutes_published_at__isnull=True)),
    )
    held_count = by_state[MeetingState.HELD]
    recs = committee.recommendations.filter(created_at__year=year).select_related("follow_up")
    fate: Counter = Counter()
    now = timezone.now()
    for rec in recs:
        fu = rec.follow_up
        if fu is None:
            fate["not_sent"] += 1
        elif fu.verdict:
            fate[fu.verdict] += 1
        elif fu.due_at < now:
            fate["overdue"] += 1
        else:
            fate["awaiting"] += 1
    members = committee.members.filter(term_start__lte=date(year, 12, 31)).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=date(year, 1, 1))).filter(
        Q(ended_at__isnull=True) | Q(ended_at__year__gte=year))
    return {
        "year": year,
        "meetings": {"scheduled": sum(by_state.values()), "held": held_count,
                     "cancelled": by_state[MeetingState.CANCELLED], "upcoming": by_state[MeetingState.SCHEDULED]},
        "attendance": {"recorded": recorded, "attended": attended, "rate": _percent(attended, recorded),
                       **{status: statuses[status] for status in Attendance.Status.values}},
        "minutes": {"held": held_count, "published": minutes["published"], "on_time": minutes["on_time"],
                    "late": minutes["published"] - minutes["on_time"], "unpublished": minutes["unpublished"],
                    "on_time_rate": _percent(minutes["on_time"], held_count)},
        "recommendations": {"total": len(recs), **{k: fate[k] for k in (
            "accepted", "partial", "not_accepted", "awaiting", "overdue", "not_sent")}},
        "members": {
            "total": members.count(),
            "by_route": dict(Counter(members.values_list("route", flat=True))),
            "by_category": dict(Counter(members.values_list("category", flat=True))),
            "by_gender": dict(Counter(members.values_list("gender", flat=True))),
        },
    }

