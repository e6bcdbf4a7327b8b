"""Telling people: in-site notifications now, emails after the commit (by a Celery task)."""

from django.utils import timezone

from config.celery import queue_on_commit

from ..models import Notification, Proposal


def followers_of(proposal: Proposal) -> list[int]:
    """The author and every supporter."""
    ids = set(proposal.supports.values_list("user_id", flat=True))
    ids.add(proposal.author_id)
    return sorted(ids)


def notify(*, kind: str, proposal: Proposal | None = None, follow_up=None, state: str = "",
           recipients: list[int] | None = None) -> int:
    """Store notifications in this transaction; email them once it commits."""
    if recipients is None:
        recipients = followers_of(proposal) if proposal is not None else []
    rows = [
        Notification(user_id=uid, kind=kind, proposal=proposal, follow_up=follow_up, state=state)
        for uid in recipients
    ]
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if created:
        from ..tasks import send_notification_emails  # in here: the task imports services (a cycle)

        ids = [n.pk for n in created]  # both PostgreSQL and SQLite >= 3.35 return the new keys

        queue_on_commit(send_notification_emails, ids)
    return len(created)


def notify_state_change(*, proposal: Proposal, state: str) -> None:
    kind = {"escalated": "escalated", "answered": "answered"}.get(state, "state_changed")
    notify(kind=kind, proposal=proposal, state=state)


def mark_all_read(*, user) -> int:
    """Mark the user's own unread notifications as read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
