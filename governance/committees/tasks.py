"""Celery tasks of the committees: idempotent, safe to run twice or late."""

from celery import shared_task

from governance.committees import services


@shared_task(name="governance.committees.tasks.close_due_calls")
def close_due_calls() -> int:
    """Beat, every minute (and the embedded sweeper): open calls past their closing time are closed."""
    return services.close_due_calls()
