"""A write whose follow-up task cannot be sent (the broker, Redis, is away) still answers as done.

The row is committed before the task is sent; a send that fails after the commit used to turn the
person's reply into a 500 for something stored (they would post it again). Now the send is logged and
dropped (config.celery.queue_on_commit) and the sweep finds the unsent email in the database.
"""

from datetime import timedelta

import pytest
import redis
from django.core import mail
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from proposals import tasks
from proposals.models import Comment, Notification
from tests.factories import CommentFactory, ProposalFactory, ResidentFactory
from tests.processes import broker_pointed_at

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DEAD_BROKER = "redis://127.0.0.1:1/0"  # no Redis answers there


@pytest.fixture
def broker_away():
    """The real producer, pointed at a port where no Redis answers (as during an outage)."""
    with broker_pointed_at(DEAD_BROKER):
        yield


def test_a_reply_posted_while_the_broker_is_away_is_answered_as_done_and_its_email_sent_later(broker_away):
    proposal = ProposalFactory(published=True)
    parent = CommentFactory(proposal=proposal)
    replier = ResidentFactory()
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(replier)

    response = client.post(f"/proposals/{proposal.pk}/comments/", {"body": "I agree", "parent": parent.pk})
    assert response.status_code == 302  # a 500 before, with the reply already stored
    assert Comment.objects.filter(proposal=proposal, author=replier, parent=parent).count() == 1
    note = Notification.objects.get(user=parent.author, kind="comment_reply")
    assert note.emailed_at is None  # its task was not sent

    # Minutes later the sweep (beat, every 30 s) finds the email its task never sent and queues it again;
    # here the queued task runs in this process, as the worker would once the broker is back.
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    sent = []
    original = tasks.send_notification_emails.delay
    tasks.send_notification_emails.delay = lambda ids: sent.append(ids) or tasks.send_notification_emails(ids)
    try:
        result = tasks.sweep_deadlines()
    finally:
        tasks.send_notification_emails.delay = original
    assert result["emails_requeued"] == 1 and sent == [[note.pk]]
    note.refresh_from_db()
    assert note.emailed_at is not None and len(mail.outbox) == 1


def test_once_the_broker_is_back_tasks_reach_it_again(broker):
    """The process's producer follows the broker back (it once stayed on the dead port for good)."""
    queue = redis.Redis.from_url(celery_app.conf.broker_url)
    with broker_pointed_at(DEAD_BROKER), pytest.raises(OperationalError):
        tasks.send_notification_emails.apply_async(([0],), retry=False)
    before = queue.llen("celery")
    tasks.send_notification_emails.apply_async(([0],), retry=False)
    assert queue.llen("celery") == before + 1
    queue.delete("celery")  # a task for nobody: no later worker of this xdist worker should run it
