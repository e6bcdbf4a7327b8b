"""Notifications: who is told of an escalation or an answer, in-site and by email, exactly once."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from proposals import services, tasks
from proposals.models import Notification
from proposals.notices import notification_text
from proposals.states import State, Verdict
from tests.factories import (
    FollowUpFactory, ModeratorFactory, OfficerFactory, ProposalFactory, ResidentFactory, UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    """An open proposal (thresholds 2/3/5) by an author who wants email, with two supporters."""
    proposal = ProposalFactory(published=True, author=UserFactory(email="author@example.org"))
    services.add_support(proposal=proposal, user=ResidentFactory(email="wants@example.org"))
    services.add_support(proposal=proposal, user=ResidentFactory(email="quiet@example.org", email_notifications=False))
    return proposal


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_escalation_tells_the_author_and_every_supporter(proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_support(proposal=proposal, user=ResidentFactory(email="third@example.org"))

    notes = Notification.objects.filter(kind=Notification.Kind.ESCALATED, proposal=proposal)
    assert sorted(notes.values_list("user__email", flat=True)) == [
        "author@example.org", "quiet@example.org", "third@example.org", "wants@example.org",
    ]
    assert all(n.state == State.ESCALATED for n in notes)
    # Email only to those who did not turn it off.
    assert _recipients() == ["author@example.org", "third@example.org", "wants@example.org"]
    assert all(n.emailed_at is not None for n in notes)


def test_email_names_the_proposal_and_links_to_it(proposal, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://participation.example"
    with django_capture_on_commit_callbacks(execute=True):
        services.add_support(proposal=proposal, user=ResidentFactory())

    message = mail.outbox[0]
    assert proposal.title in message.subject
    assert "\n" not in message.subject
    assert "https://participation.example" + proposal.get_absolute_url() in message.body


def test_answer_tells_the_author_and_every_supporter(django_capture_on_commit_callbacks):
    follow_up = FollowUpFactory(proposal__author=UserFactory(email="author@example.org"))
    for email in ("a@example.org", "b@example.org"):
        services.add_support(proposal=follow_up.proposal, user=ResidentFactory(email=email))
    officer = OfficerFactory(department=follow_up.department)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.ACCEPTED, body="수용합니다")

    notes = Notification.objects.filter(kind=Notification.Kind.ANSWERED)
    assert sorted(notes.values_list("user__email", flat=True)) == ["a@example.org", "author@example.org",
                                                                  "b@example.org"]
    assert _recipients() == ["a@example.org", "author@example.org", "b@example.org"]
    assert officer.email not in _recipients()


def test_sending_the_same_notifications_twice_emails_once(proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.add_support(proposal=proposal, user=ResidentFactory(email="third@example.org"))
    ids = list(Notification.objects.values_list("pk", flat=True))

    first = tasks.send_notification_emails(ids)
    second = tasks.send_notification_emails(ids)

    assert (first, second) == (3, 0)
    assert len(mail.outbox) == 3


def test_a_change_that_rolls_back_tells_nobody(proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.add_support(proposal=proposal, user=ResidentFactory())  # crosses escalation
            raise RuntimeError("something later in the same request failed")

    assert callbacks == []
    assert not Notification.objects.filter(kind=Notification.Kind.ESCALATED).exists()
    assert mail.outbox == []
    assert proposal.follow_ups.count() == 0


def test_closing_the_window_tells_the_followers(proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.close_support_window(proposal_id=proposal.pk, now=proposal.support_closes_at)

    notes = Notification.objects.filter(proposal=proposal, kind=Notification.Kind.STATE_CHANGED)
    assert notes.count() == 3
    assert set(notes.values_list("state", flat=True)) == {State.CLOSED}
    assert _recipients() == ["author@example.org", "wants@example.org"]


def test_hiding_and_restoring_notify_nobody(proposal):
    moderator = ModeratorFactory()
    services.hide_proposal(moderator=moderator, proposal=proposal, reason="검토")
    services.restore_proposal(moderator=moderator, proposal=proposal, reason="문제 없음")

    assert not Notification.objects.exists()


def test_notifications_are_worded_in_the_readers_language(proposal):
    services.add_support(proposal=proposal, user=ResidentFactory())
    note = Notification.objects.filter(kind=Notification.Kind.ESCALATED).first()

    with translation.override("en"):
        assert proposal.title in notification_text(note)
        assert "department" in notification_text(note)
