"""Celery tasks of the rooms' own deadlines: a round, a speaking turn, a live poll; all idempotent.

Their names stay ``deliberation.tasks.*`` (queued messages and the beat schedule name them); the app's
``deliberation/tasks.py`` imports this module, so the worker registers them.
"""

from celery import shared_task

from deliberation.rooms import services as room_services


@shared_task(name="deliberation.tasks.expire_round")
def expire_round(room_id: int, round_id: int) -> bool:
    """Queued for the round's deadline; a stale one (the round was paused, extended or skipped) does nothing."""
    return room_services.expire_round(room_id=room_id, round_id=round_id)


@shared_task(name="deliberation.tasks.expire_turn")
def expire_turn(room_id: int, hand_id: int) -> bool:
    """Queued for a speaking turn's deadline; a stale one (the turn already ended) does nothing."""
    return room_services.expire_turn(room_id=room_id, hand_id=hand_id)


@shared_task(name="deliberation.tasks.expire_poll")
def expire_poll(room_id: int, poll_id: int) -> bool:
    """Queued for a live poll's closing time; a stale one (the poll was closed already) does nothing."""
    return room_services.expire_poll(room_id=room_id, poll_id=poll_id)


@shared_task(name="deliberation.tasks.flush_poll_results")
def flush_poll_results(room_id: int, poll_id: int) -> bool:
    """Queued for the end of a poll's one-second results window: sends the latest counts if still pending."""
    return room_services.flush_poll_results(room_id=room_id, poll_id=poll_id)
