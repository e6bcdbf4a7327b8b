"""Celery tasks of votes: the sweep that opens, closes and tallies by time; idempotent."""

from celery import shared_task
from celery.signals import worker_ready

from . import services


@shared_task
def sweep_votes() -> int:
    """Beat runs it every 30 s and every worker runs it on start: a restart loses no opening or close."""
    return services.sweep_votes()


@worker_ready.connect
def _sweep_on_worker_start(sender=None, **kwargs):
    sweep_votes.delay()
