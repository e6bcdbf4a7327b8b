"""Who may run a committee's meetings, minutes, recommendations and annual documents: those who manage the
committee (``governance.committees.rules.may_manage_committee``: city admins and staff, its secretariat, the
officers of its department), each action with the state it needs."""

from django.utils.translation import gettext as _

from governance.committees import rules as committee_rules
from governance.models import Committee, Meeting
from governance.states import DocumentState, MeetingState


def may_manage_committee(user, committee: Committee) -> bool:
    """Whether ``user`` manages this committee (for pages that show or hide the manage links)."""
    return committee_rules.may_manage_committee(user, committee) is None


def refuse_manage(user, committee: Committee) -> str | None:
    """None when ``user`` may run this committee's meetings, else the reason they read."""
    return committee_rules.may_manage_committee(user, committee)


def refuse_attendance(user, meeting: Meeting) -> str | None:
    refusal = refuse_manage(user, meeting.committee)
    if refusal is None and meeting.state != MeetingState.HELD:
        return _("Attendance is recorded once the meeting has been held.")
    return refusal


def refuse_minutes(user, meeting: Meeting) -> str | None:
    refusal = refuse_manage(user, meeting.committee)
    if refusal is None and meeting.state != MeetingState.HELD:
        return _("Minutes are published for a meeting that was held.")
    if refusal is None and meeting.minutes_published_at is not None:
        return _("The minutes are published; they no longer change.")
    return refusal


def refuse_recommendation(user, meeting: Meeting) -> str | None:
    refusal = refuse_manage(user, meeting.committee)
    if refusal is None and meeting.state != MeetingState.HELD:
        return _("A committee adopts recommendations at a meeting that was held.")
    return refusal


def refuse_edit_document(user, document) -> str | None:
    refusal = refuse_manage(user, document.committee)
    if refusal is None and document.state == DocumentState.PUBLISHED:
        return _("A published document is fixed.")
    return refusal


def minutes_are_public(meeting: Meeting) -> bool:
    return meeting.minutes_published_at is not None
