"""Celery tasks of governance; each package's own tasks live in it, and importing them here is what
registers them (Celery autodiscovers this module)."""

from governance.committees.tasks import close_due_calls  # noqa: F401 (registers it)
from governance.meetings.tasks import notify_overdue_minutes  # noqa: F401 (registers it)
