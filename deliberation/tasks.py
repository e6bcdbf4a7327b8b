"""Celery tasks of deliberation: the sweep every worker and beat run, over rooms and panels; all idempotent.

Each package's own tasks live in it (``rooms/tasks.py``, ``panels/tasks.py``) under the names
``deliberation.tasks.*``; importing them here is what registers them (Celery autodiscovers this module).
"""

from celery import shared_task
from celery.signals import worker_ready

from deliberation.deliberative_polls.tasks import store_dpoll_report, store_missing_dpoll_reports  # noqa: F401
from deliberation.panels.tasks import (  # noqa: F401 (registers them)
    compute_draw_distribution, expire_invitations, resend_lost_invitation_emails, resume_draw_jobs,
    send_invitation_emails,
)
from deliberation.rooms import services as room_services
from deliberation.rooms.tasks import expire_poll, expire_round, expire_turn, flush_poll_results  # noqa: F401


@shared_task
def sweep_rounds() -> int:
    """Beat runs it every few seconds and every worker runs it on start: catches deadlines missed by a restart.

    Rounds, speaking turns and live polls (which also get their pending results sent), and presence
    updates still pending; returns how many rounds, turns and polls it ended. Panel invitations past
    their deadline are expired (and their seats offered to the reserve) by ``expire_invitations``, run
    from here too.
    """
    ended = room_services.expire_due_rounds() + room_services.expire_due_turns() + room_services.expire_due_polls()
    room_services.flush_due_presence()
    expire_invitations()
    return ended


@worker_ready.connect
def _sweep_on_worker_start(sender=None, **kwargs):
    sweep_rounds.delay()
    resume_draw_jobs()
    store_missing_dpoll_reports.delay()
