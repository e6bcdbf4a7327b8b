"""Celery tasks of votes: opening and closing at the exact time, and the sweep behind them; idempotent.

The times live in the database. The sweep (beat every SWEEP_SECONDS, every worker start, the
embedded sweeper) moves every vote whose time has passed, including any missed while the server was
down, and arms ``open_vote`` / ``close_vote`` for each time that falls before the next sweep, so a
vote opens and closes to the second without queueing weeks-long ETA tasks (the Redis broker would
redeliver those every visibility timeout; docs/architecture.md "Deadlines"). Scheduling a vote or
extending its close arms a time that is already that near. Each task re-reads the vote and does
nothing if the time moved or the move already happened.
"""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from . import selectors, services

SWEEP_SECONDS = settings.CELERY_BEAT_SCHEDULE["sweep-votes"]["schedule"]


@shared_task
def sweep_votes() -> dict:
    """Move and tally what is due; arm exact-time tasks for what falls due before the next sweep."""
    now = timezone.now()
    result = {"moved": services.sweep_votes(now=now), "armed": 0}
    if not sweep_votes.app.conf.task_always_eager:
        for move, vote_id, at in selectors.votes_due_soon(now=now, within_seconds=SWEEP_SECONDS + 5):
            (open_vote if move == "open" else close_vote).apply_async(args=[vote_id], eta=at)
            result["armed"] += 1
    return result


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
