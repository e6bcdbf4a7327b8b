"""Celery tasks of the deliberative poll: its report, stored once the poll has closed; idempotent."""

from celery import shared_task

from deliberation.deliberative_polls import services
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.deliberative_polls.states import DPollState


@shared_task(name="deliberation.tasks.store_dpoll_report")
def store_dpoll_report(poll_id: int) -> int:
    """Queued when a poll closes (and when it is published); a poll gone since does nothing."""
    poll = DeliberativePoll.objects.filter(pk=poll_id).first()
    return services.store_dpoll_report(poll=poll) if poll is not None else 0


@shared_task(name="deliberation.tasks.store_missing_dpoll_reports")
def store_missing_dpoll_reports() -> int:
    """Every worker runs it on start: a closed poll whose report was never stored (the broker was away when
    it closed, or it closed before reports were stored) gets it now. Returns how many polls it stored."""
    polls = DeliberativePoll.objects.filter(state__in=[DPollState.CLOSED, DPollState.PUBLISHED],
                                            stored_reports__isnull=True)
    return sum(1 for poll in polls if services.store_dpoll_report(poll=poll))
