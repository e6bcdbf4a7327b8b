"""Celery tasks of the budget cycles: idempotent, safe to run twice or late."""

from celery import shared_task

from budget.cycles import services


@shared_task(name="budget.cycles.tasks.advance_due_cycles")
def advance_due_cycles() -> int:
    """Beat, every minute (and the embedded sweeper): cycles whose window has ended move to the next stage."""
    return services.advance_due_cycles()
