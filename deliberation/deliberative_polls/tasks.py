"""Celery tasks of the deliberative poll: its report, stored once the poll has closed; idempotent."""

from celery import shared_task

from deliberation.deliberative_polls import services
from deliberation.deliberative_polls.models import DeliberativePoll


@shared_task(name="deliberation.tasks.store_dpoll_report")
def store_dpoll_report(poll_id: int) -> int:
    """Queued when a poll closes (and when it is published); a poll gone since does nothing."""
    poll = DeliberativePoll.objects.filter(pk=poll_id).first()
    return services.store_dpoll_report(poll=poll) if poll is not None else 0
