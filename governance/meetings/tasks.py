"""Celery beat: tell a committee's secretariat once when a meeting's minutes pass their due date.

Idempotent and safe late: it looks for every held meeting past its stored due date whose notice was never
sent, claims the notice on the row (``minutes_overdue_notified_at``) and emails in the same transaction,
so a failed send is tried again on the next run and a sent one never twice.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from governance.meetings import selectors, services


def _recipients(meeting) -> list[str]:
    committee = meeting.committee
    people = committee.secretaries.filter(is_active=True)
    if not people.exists():  # no secretariat named: the department's officers keep the minutes
        people = User.objects.filter(is_active=True, role="officer", department_id=committee.department_id)
    return sorted({u.email for u in people.filter(email_notifications=True, deleted_at__isnull=True) if u.email})


@shared_task
def notify_overdue_minutes() -> int:
    now = timezone.now()
    sent = 0
    pending = selectors.overdue_minutes(now=now).filter(minutes_overdue_notified_at__isnull=True)
    for meeting in pending.select_related("committee"):
        with transaction.atomic():
            if not services.mark_minutes_overdue_notified(meeting.pk, now=now):
                continue
            recipients = _recipients(meeting)
            if recipients:
                with translation.override(settings.LANGUAGE_CODE):
                    url = settings.SITE_URL.rstrip("/") + reverse("meetings:meeting", args=[meeting.pk])
                    subject = _("Minutes overdue: %(committee)s, meeting %(number)d") % {
                        "committee": meeting.committee.name, "number": meeting.number}
                    body = _("The minutes of “%(title)s” (held %(held)s) were due by %(due)s and are not "
                             "published yet. The meeting's page shows them as overdue until they are: %(url)s") % {
                        "title": meeting.title, "held": timezone.localtime(meeting.held_at).strftime("%Y-%m-%d"),
                        "due": timezone.localtime(meeting.minutes_due_at).strftime("%Y-%m-%d"), "url": url}
                send_mail(subject, body, None, recipients)
            sent += 1
    return sent
