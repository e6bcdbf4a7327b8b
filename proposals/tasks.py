"""Celery tasks of the proposals module: thin, idempotent, safe to run twice or late."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import selectors, services
from .models import Notification

SWEEP_SECONDS = settings.CELERY_BEAT_SCHEDULE["sweep-deadlines"]["schedule"]


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def close_support_window(self, proposal_id: int) -> bool:
    """Queued for the deadline at publish time; does nothing if the window is already closed."""
    return services.close_support_window(proposal_id=proposal_id)


@shared_task
def sweep_deadlines() -> dict:
    """Run by beat every SWEEP_SECONDS (and by the embedded sweeper).

    Closes every window whose deadline passed (also those missed while the server was down), and
    arms an exact-time task for each window ending before the next sweep, so a deadline is met to
    the second without queueing month-long ETA tasks (which Redis would redeliver every
    visibility timeout).
    """
    now = timezone.now()
    result = {
        "closed_windows": services.close_expired_windows(now=now),
        "overdue_notified": services.notify_overdue(now=now),
        "armed": 0,
    }
    if not sweep_deadlines.app.conf.task_always_eager:
        for proposal_id, deadline in services.windows_closing_soon(now=now, within_seconds=SWEEP_SECONDS + 5):
            close_support_window.apply_async(args=[proposal_id], eta=deadline)
            result["armed"] += 1
        # Emails whose task was lost (the broker was away at the commit): queued again; emailed_at keeps it once.
        unsent = selectors.unsent_notification_ids(now=now)
        if unsent:
            send_notification_emails.delay(unsent)
        result["emails_requeued"] = len(unsent)
    return result


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """Email each notification once to users who want email; ``emailed_at`` makes it idempotent."""
    sent = 0
    for note_id in notification_ids:
        with transaction.atomic():
            # Lock only the notification: PostgreSQL refuses FOR UPDATE on the outer-joined nullable links.
            note = (Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("user", "proposal", "follow_up", "vote").filter(pk=note_id, emailed_at__isnull=True)
                    .first())
            if note is None:
                continue
            if note.user.email_notifications and note.user.email and selectors.wants_email(note.user_id, note.kind):
                with translation.override(settings.LANGUAGE_CODE):
                    site = getattr(settings, "SITE_URL", "").rstrip("/")
                    settings_url = site + reverse("proposals:notification_settings")
                    context = {"note": note, "user": note.user, "settings_url": settings_url}
                    subject = render_to_string("proposals/email/notification_subject.txt", context).strip()
                    body = render_to_string("proposals/email/notification_body.txt", context)
                try:
                    send_mail(subject, body, None, [note.user.email])
                except OSError as exc:  # mail server down: retry later, nothing marked as sent
                    raise self.retry(exc=exc)
                sent += 1
            note.emailed_at = timezone.now()
            note.save(update_fields=["emailed_at"])
    return sent
