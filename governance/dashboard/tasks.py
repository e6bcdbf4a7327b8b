"""The dashboard's Celery tasks: heal the tallies from the source tables (idempotent, safe late or twice)."""

from celery import shared_task
from django.core.cache import cache

from . import services

RECENT_DAYS = 3  # what beat's run recomputes: today and the two days before (a late write, a midnight)
EMBEDDED_EVERY = 600  # seconds between the embedded sweeper's reconciles (it calls its sweeps every second)
_whole_history_done = False


@shared_task
def reconcile_tallies(days: int | None = RECENT_DAYS) -> dict:
    """Run by beat every few minutes: the last ``days`` days of every metric, and today's overdue count."""
    return services.reconcile(days=days)


@shared_task
def sweep_tallies() -> dict:
    """The embedded default's sweeper (settings.EMBEDDED_SWEEPS, every second): a reconcile every
    EMBEDDED_EVERY seconds; the first in a process recomputes every day (`make run` after `load_demo`,
    whose records carry past dates)."""
    global _whole_history_done
    if not cache.add("dashboard:embedded-reconcile", 1, EMBEDDED_EVERY):
        return {}
    days = RECENT_DAYS if _whole_history_done else None
    _whole_history_done = True
    return {metric: n for metric, n in services.reconcile(days=days).items() if n}
