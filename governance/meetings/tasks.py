"""Celery beat of governance.meetings (idempotent, safe late): the overdue-minutes notice."""

from celery import shared_task

from governance.meetings.services import notices


@shared_task
def notify_overdue_minutes() -> int:
    """Hourly: the secretariat is told once of each meeting whose minutes are past due (services/notices.py)."""
    return notices.notify_overdue_minutes()
