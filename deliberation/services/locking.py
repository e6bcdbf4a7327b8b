"""What room services share: lock the room row first, check the facilitator, queue exact-time tasks."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .. import rules
from ..models import Room


def lock_room(room_id: int) -> Room:
    """The room row, locked until the transaction ends: every change to a room is serialised here."""
    return Room.objects.select_for_update(of=("self",)).select_related("current_round").get(pk=room_id)


def lock_room_for_facilitator(room_id: int, actor) -> Room:
    room = lock_room(room_id)
    refusal = rules.refuse_control(actor, room)
    if refusal:
        raise PermissionDenied(refusal)
    return room


def run_at(task, *args, eta: datetime) -> None:
    """Queue ``task(*args)`` for ``eta`` once the transaction commits.

    The embedded default (eager Celery) queues nothing: its sweeper runs every second instead. The
    task must be idempotent: a stale one (the deadline moved) has to find nothing to do.
    """
    if task.app.conf.task_always_eager:
        return
    transaction.on_commit(lambda: task.apply_async(args=list(args), eta=eta))
