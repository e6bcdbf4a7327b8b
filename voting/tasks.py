"""Celery tasks of votes: opening and closing at the exact time, and the sweep behind them; idempotent.

Scheduling a vote (or extending its close) queues ``open_vote`` and ``close_vote`` for the stored
times; each re-reads the vote and does nothing if the time moved or the move already happened. The
sweep (beat every 30 s, every worker start, the embedded sweeper) catches anything a lost task or a
restart missed, so the database's times are the only truth.
"""

from celery import shared_task
from celery.signals import worker_ready

from . import services


@shared_task
def sweep_votes() -> int:
    """Beat runs it every 30 s and every worker runs it on start: a restart loses no opening or close."""
    return services.sweep_votes()


@shared_task
def open_vote(vote_id: int) -> bool:
    return services.move_vote_if_due(vote_id=vote_id)


@shared_task
def close_vote(vote_id: int) -> bool:
    """Close the vote if its (possibly extended) time has come, then tally it as a task of its own."""
    moved = services.move_vote_if_due(vote_id=vote_id)
    if moved:
        tally_vote.delay(vote_id)
    return moved


@shared_task
def tally_vote(vote_id: int) -> bool:
    return services.tally(vote_id=vote_id)


@worker_ready.connect
def _sweep_on_worker_start(sender=None, **kwargs):
    sweep_votes.delay()
