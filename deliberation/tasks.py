"""Celery tasks of live rooms: the round and turn deadlines, and the sweep; all idempotent."""

from celery import shared_task
from celery.signals import worker_ready

from . import services


@shared_task
def expire_round(room_id: int, round_id: int) -> bool:
    """Queued for the round's deadline; a stale one (the round was paused, extended or skipped) does nothing."""
    return services.expire_round(room_id=room_id, round_id=round_id)


@shared_task
def expire_turn(room_id: int, hand_id: int) -> bool:
    """Queued for a speaking turn's deadline; a stale one (the turn already ended) does nothing."""
    return services.expire_turn(room_id=room_id, hand_id=hand_id)


@shared_task
def sweep_rounds() -> int:
    """Beat runs it every few seconds and every worker runs it on start: catches deadlines missed by a restart.

    Rounds and speaking turns both; returns how many of them it ended.
    """
    return services.expire_due_rounds() + services.expire_due_turns()


@worker_ready.connect
def _sweep_on_worker_start(sender=None, **kwargs):
    sweep_rounds.delay()
