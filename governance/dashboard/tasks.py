"""The dashboard's Celery task: heal the tallies from the source tables (idempotent, safe late or twice)."""

from celery import shared_task

from . import services

RECENT_DAYS = 3  # what beat's run recomputes: today and the two days before (a late write, a midnight)


@shared_task
def reconcile_tallies(days: int | None = RECENT_DAYS) -> dict:
    """Run by beat every few minutes: the last ``days`` days of every metric, and today's overdue count."""
    return services.reconcile(days=days)
