"""The overdue-minutes notice: the secretariat is told once when a meeting's minutes pass their due date.

Idempotent and safe late: every held meeting past its stored due date whose notice was never sent is
claimed on its row (``minutes_overdue_notified_at``) and emailed in the same transaction, so a failed send
is tried again on the next run and a sent one never twice.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.meetings import selectors
from governance.meetings.services.meetings import mark_minutes_overdue_notified


def notify_overdue_minutes(*, now=None) -> int:
    """Send each due notice once; returns how many meetings were dealt with."""
    now = now or timezone.now()
    sent = 0
    pending = selectors.overdue_minutes(now=now).filter(minutes_overdue_notified_at__isnull=True)
    for meeting in pending.select_related("committee"):
        with transaction.atomic():
            if not mark_minutes_overdue_notified(meeting.pk, now=now):
                continue
            recipients = selectors.minutes_recipients(meeting)
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
