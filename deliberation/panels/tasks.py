"""Celery tasks of drawing panels: a maximin draw's job, invitation emails and deadlines; all idempotent.

Their names stay ``deliberation.tasks.*`` (queued messages and the beat schedule name them); the app's
``deliberation/tasks.py`` imports this module, so the worker registers them.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from deliberation.panels import selectors, services as panel_services
from deliberation.panels.models import Draw, Invitation
from deliberation.panels.services import draws


@shared_task(name="deliberation.tasks.expire_invitations")
def expire_invitations() -> int:
    """Panel invitations unanswered at their deadline end, and the reserve is asked; idempotent (a second
    run, or a late one, finds nothing more to do). Returns how many it expired."""
    return panel_services.expire_due_invitations()


@shared_task(name="deliberation.tasks.resend_lost_invitation_emails")
def resend_lost_invitation_emails() -> int:
    """Beat, every minute: invitation emails whose task was lost (the broker was away at the commit) are
    queued again; ``emailed_at`` keeps each to one email. Returns how many were queued."""
    unsent = selectors.unemailed_invitation_ids(now=timezone.now())
    if unsent:
        send_invitation_emails.delay(unsent)
    return len(unsent)


def resume_draw_jobs() -> int:
    """Queue again every maximin job a stopped worker left unfinished (a draw still "preparing"): a
    restart loses no draw. The job is idempotent; a duplicate finds the draw published and stops."""
    pending = list(Draw.objects.filter(state=Draw.State.PREPARING).values_list("pk", flat=True))
    for draw_id in pending:
        compute_draw_distribution.delay(draw_id)
    return len(pending)


@shared_task(name="deliberation.tasks.compute_draw_distribution")
def compute_draw_distribution(draw_id: int) -> bool:
    """A maximin draw's distribution (minutes on a large pool): computed off the web process; idempotent."""
    return draws.compute(draw_id=draw_id)


@shared_task(name="deliberation.tasks.send_invitation_emails", bind=True, max_retries=5, default_retry_delay=60)
def send_invitation_emails(self, invitation_ids: list[int]) -> int:
    """Email each invited user once (``emailed_at``), if they want email: what the panel is for, the deadline
    and the link to /invitations/ (signed in; the token link is for letters). Safe twice; retried when the
    mail server is down (the proposals' notification email is the model)."""
    sent = 0
    for pk in invitation_ids:
        with transaction.atomic():
            invitation = (Invitation.objects.select_for_update(skip_locked=True, of=("self",))
                          .select_related("user", "draw").filter(pk=pk, emailed_at__isnull=True).first())
            if invitation is None:
                continue
            user = invitation.user
            if user is not None and user.email and user.email_notifications and invitation.state == "invited":
                with translation.override(settings.LANGUAGE_CODE):
                    context = {"invitation": invitation, "user": user,
                               "url": settings.SITE_URL.rstrip("/") + reverse("panels:invitations")}
                    subject = render_to_string("deliberation/email/invitation_subject.txt", context).strip()
                    body = render_to_string("deliberation/email/invitation_body.txt", context)
                try:
                    send_mail(subject, body, None, [user.email])
                except OSError as exc:  # mail server down: retry later, nothing marked as sent
                    raise self.retry(exc=exc)
                sent += 1
            invitation.emailed_at = timezone.now()
            invitation.save(update_fields=["emailed_at"])
    return sent
