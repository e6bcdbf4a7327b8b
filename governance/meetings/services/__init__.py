"""Every write of governance.meetings; views and tasks call these and nothing else."""

from .documents import DOCUMENT_LIFECYCLE, DocumentError, edit_document, generate_document, publish_document
from .meetings import (
    MEETING_LIFECYCLE, MeetingError, cancel_meeting, hold_meeting, mark_minutes_overdue_notified, publish_minutes,
    record_attendance, schedule_meeting,
)
from .notices import notify_overdue_minutes
from .recommendations import adopt_recommendation

__all__ = [
    "DOCUMENT_LIFECYCLE", "DocumentError", "MEETING_LIFECYCLE", "MeetingError", "adopt_recommendation",
    "cancel_meeting", "edit_document", "generate_document", "hold_meeting", "mark_minutes_overdue_notified", "notify_overdue_minutes",
    "publish_document", "publish_minutes", "record_attendance", "schedule_meeting",
]
