"""Who may run a committee's meetings, minutes, recommendations and annual documents: one place.

``may_manage_committee`` mirrors governance.committees.rules (written by that package at the same time):
city admins and staff, the committee's secretariat, and the officers of the committee's department.
Once governance.committees.rules lands, this module imports it instead (docs/governance-meetings.md).
"""

from django.utils.translation import gettext as _

from governance.models import Committee, Meeting
from governance.states import DocumentState, MeetingState


def may_manage_committee(user, committee: Committee) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_city_admin or user.is_staff:
        return True
    if user.is_officer and user.department_id == committee.department_id:
        return True
    return committee.secretaries.filter(pk=user.pk).exists()


def refuse_manage(user, committee: Committee) -> str | None:
    """None when ``user`` may run this committee's meetings, else the reason they read."""
    if not user.is_authenticated:
        return _("Please sign in first.")
    if not may_manage_committee(user, committee):
        return _("Only the committee's secretariat, its department's officers and city administrators "
                 "can do this.")
    return None


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
