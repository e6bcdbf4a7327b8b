"""Celery tasks of budget.execution: idempotent, safe to run twice or late."""

from celery import shared_task

from budget.execution import services


@shared_task(name="budget.execution.tasks.sync_tallied_cycles")
def sync_tallied_cycles() -> int:
    """Beat, every minute (and the embedded sweeper): cycles whose vote is tallied fund their projects and
    move to execution, should the tally's receiver have missed it."""
    return services.sync_tallied_cycles()
