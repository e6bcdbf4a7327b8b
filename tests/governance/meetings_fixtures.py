"""Builders for the meeting tests: a committee of a department, its members and its meetings.

(Kept here rather than in tests/governance/factories.py, which the committees helper writes at the same
time: the lead may fold these into it at merge.)
"""

from datetime import date, timedelta

from django.utils import timezone

from governance.models import Committee, Meeting, Member
from governance.states import MeetingState, MemberCategory, MemberRoute
from tests.factories import DepartmentFactory, UserFactory

_seq = iter(range(1, 10**6))


def make_committee(*, department=None, secretaries=(), **fields) -> Committee:
    n = next(_seq)
    committee = Committee.objects.create(**{
        "name": f"위원회 {n}", "name_en": f"Committee {n}", "slug": f"committee-{n}",
        "legal_status": Committee.LegalStatus.STATUTORY, "function": Committee.Function.ADVISORY,
        "department": department or DepartmentFactory(), "mandate": "Advise the city.",
        "term_start": date(2020, 1, 1), "size": 15, **fields})
    committee.secretaries.set(secretaries)
    return committee


def make_member(committee: Committee, *, user=None, with_account: bool = True, **fields) -> Member:
    n = next(_seq)
    if user is None and with_account:
        user = UserFactory()
    return Member.objects.create(**{
        "committee": committee, "user": user, "name": f"Member {n}", "category": MemberCategory.CITIZEN,
        "gender": "female", "term_start": date(2020, 1, 1), "route": MemberRoute.APPOINTED, **fields})


def make_meeting(committee: Committee, *, held_days_ago: int | None = None, **fields) -> Meeting:
    """A scheduled meeting; ``held_days_ago`` records it held that many days ago (minutes due after the
    committee's deadline, as the service stores it)."""
    number = committee.meetings.count() + 1
    when = timezone.now() - timedelta(days=held_days_ago) if held_days_ago is not None else \
        timezone.now() + timedelta(days=7)
    meeting = Meeting(committee=committee, number=number, title=f"Meeting {number}", agenda="1. Opening",
                      agenda_html="<ol><li>Opening</li></ol>", scheduled_at=when, **fields)
    if held_days_ago is not None:
        meeting.state = MeetingState.HELD
        meeting.held_at = when
        meeting.minutes_due_at = when + timedelta(days=committee.minutes_deadline_days)
    meeting.save()
    return meeting
