"""A committee's meetings: schedule (with a live room when online), hold, cancel, attendance, minutes.

One transition table (``governance.states.MEETING_TRANSITIONS``) applied by ``MEETING_LIFECYCLE``
(core.lifecycle). Holding a meeting stores when its minutes are due (``committee.minutes_deadline_days``
later): the deadline lives in the database, so a changed rule never moves a past meeting's due date.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle
from deliberation.rooms.rules import may_create_room
from deliberation.rooms.services.rooms import create_room, invite_to_room
from deliberation.rooms.states import Access
from frontend.markdown import render_markdown

from governance.meetings import rules, selectors
from governance.models import Attendance, Committee, Meeting
from governance.states import MEETING_TRANSITIONS, MeetingMode, MeetingState

ONLINE_MODES = (MeetingMode.ONLINE, MeetingMode.HYBRID)
MEETING_SECONDS = 3 * 3600  # the live room's one round: the meeting runs its own agenda inside it


class MeetingError(IllegalTransition):
    """A move a meeting's lifecycle does not allow; the message says which."""


def _due(meeting: Meeting, from_state: str, to: str) -> None:
    if to == MeetingState.HELD:
        meeting.minutes_due_at = meeting.held_at + timedelta(days=meeting.committee.minutes_deadline_days)


MEETING_LIFECYCLE = Lifecycle(
    Meeting, MEETING_TRANSITIONS, error=MeetingError, labels=MeetingState, code="illegal",
    message=gettext_noop("A meeting cannot go from “%(from)s” to “%(to)s”."),
    stamps={MeetingState.HELD: "held_at"}, fields=["minutes_due_at", "cancelled_reason"], apply=_due,
)


def _check(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("committee").get(pk=meeting.pk)


def _open_room(meeting: Meeting, facilitator) -> None:
    """The meeting's live room: its members with accounts are invited; the public may follow (observers)."""
    room = create_room(facilitator=facilitator, title=f"{meeting.committee.name} · {meeting.title}"[:120],
                       description=meeting.agenda[:5000], rounds=[{"kind": "discussion", "title": _("Committee meeting"), "duration_seconds": MEETING_SECONDS}], access=Access.INVITED,
                       observers_allowed=True, auto_advance=False)
    users = [m.user for m in selectors.current_members(meeting.committee) if m.user_id and m.user.is_active]
    if users:
        invite_to_room(room=room, actor=facilitator, users=users)
    meeting.room = room
    meeting.save(update_fields=["room"])


@transaction.atomic
def schedule_meeting(*, actor, committee: Committee, title: str, agenda: str, scheduled_at: datetime, mode: str,
                     place: str = "", facilitator=None) -> Meeting:
    """The committee's next meeting (numbered from 1); online or hybrid ones get their live room, run by
    ``facilitator`` (the scheduler when they may run rooms)."""
    _check(rules.refuse_manage(actor, committee))
    committee = Committee.objects.select_for_update().get(pk=committee.pk)  # numbers are handed out in turn
    title, agenda, place = title.strip(), agenda.strip(), place.strip()
    errors = {}
    if mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not place:
        errors["place"] = _("Say where the meeting takes place.")
    if mode in ONLINE_MODES:
        facilitator = facilitator or (actor if may_create_room(actor) else None)
        if facilitator is None or not may_create_room(facilitator):
            errors["facilitator"] = _("An online meeting needs a facilitator to run its live room.")
    if scheduled_at is not None and scheduled_at < timezone.now() - timedelta(days=1):
        errors["scheduled_at"] = _("A meeting is scheduled ahead; record a past one as held right after.")
    number = (committee.meetings.aggregate(n=Max("number"))["n"] or 0) + 1
    meeting = Meeting(committee=committee, number=number, title=title, agenda=agenda, scheduled_at=scheduled_at,
                      mode=mode, place=place, agenda_html=render_markdown(agenda))
    try:
        meeting.full_clean(exclude=["room"])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    meeting.save()
    if mode in ONLINE_MODES:
        _open_room(meeting, facilitator)
    return meeting


@transaction.atomic
def hold_meeting(*, actor, meeting: Meeting, held_at: datetime | None = None) -> Meeting:
    """Record that the meeting took place (now, or at ``held_at`` in the past); the minutes fall due."""
    meeting = _lock(meeting)
    _check(rules.refuse_manage(actor, meeting.committee))
    now = timezone.now()
    if held_at is not None and held_at > now:
        raise ValidationError({"held_at": _("A meeting is recorded as held once it has taken place.")})
    return MEETING_LIFECYCLE.move(meeting, MeetingState.HELD, actor=actor, now=held_at or now)


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = _lock(meeting)
    _check(rules.refuse_manage(actor, meeting.committee))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled; the reason is public.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("The reason is too long (at most 300 characters).")})
    MEETING_LIFECYCLE.check(meeting, MeetingState.CANCELLED)
    meeting.cancelled_reason = reason
    return MEETING_LIFECYCLE.move(meeting, MeetingState.CANCELLED, actor=actor)


@transaction.atomic
def record_attendance(*, actor, meeting: Meeting, statuses: dict[int, str]) -> int:
    """Store each member's attendance ({member id: status}); an empty status leaves that member unrecorded."""
    meeting = _lock(meeting)
    _check(rules.refuse_attendance(actor, meeting))
    members = {m.pk for m in selectors.members_for_attendance(meeting)}
    unknown = set(statuses) - members
    if unknown:
        raise ValidationError(_("Attendance is recorded for the committee's members only."), code="member")
    valid = set(Attendance.Status.values)
    if any(status and status not in valid for status in statuses.values()):
        raise ValidationError(_("Choose present, online, excused or absent."), code="status")
    count = 0
    for member_id, status in statuses.items():
        if status:
            Attendance.objects.update_or_create(meeting=meeting, member_id=member_id, defaults={"status": status})
            count += 1
        else:
            Attendance.objects.filter(meeting=meeting, member_id=member_id).delete()
    return count


@transaction.atomic
def publish_minutes(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    """Publish the minutes (Markdown); from then on they are public and fixed."""
    meeting = _lock(meeting)
    _check(rules.refuse_minutes(actor, meeting))
    minutes = minutes.strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes; they will be published.")}, code="required")
    if len(minutes) > 100_000:
        raise ValidationError({"minutes": _("The minutes are too long (at most 100,000 characters).")})
    meeting.minutes, meeting.minutes_html = minutes, render_markdown(minutes)
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_html", "minutes_published_at"])
    return meeting


def mark_minutes_overdue_notified(meeting_id: int, *, now) -> bool:
    """Claim the one overdue notice of a meeting's minutes; False when someone already sent it."""
    return bool(Meeting.objects.filter(pk=meeting_id, minutes_overdue_notified_at__isnull=True,
                                       minutes_published_at__isnull=True)
                .update(minutes_overdue_notified_at=now))
