"""Notification settings by kind: the page (who may use it), and services that respect each choice."""

import pytest
from django.core import mail
from django.urls import reverse

from proposals import services
from proposals.models import Notification, NotificationSetting
from tests.factories import AdminFactory, CommentFactory, OfficerFactory, ProposalFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "proposals:notification_settings"


def _all_on_but(*off: str, email_off: tuple[str, ...] = ()) -> dict:
    """The POST of the settings form: every box ticked except ``off`` (both) and ``email_off`` (email only)."""
    data = {}
    for kind in Notification.Kind.values:
        if kind not in off:
            data[f"in_site_{kind}"] = "on"
            if kind not in email_off:
                data[f"email_{kind}"] = "on"
    return data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for method in (client.get, client.post):
        response = method(reverse(URL))
        assert response.status_code == 302 and "login" in response["Location"]
    assert not NotificationSetting.objects.exists()


@pytest.mark.parametrize("factory", [UserFactory, AdminFactory])
def test_each_person_saves_their_own_settings_only(client, factory):
    person, other = factory(), UserFactory()
    client.force_login(person)
    response = client.post(reverse(URL), _all_on_but("comment_reply", email_off=("escalated",)))
    assert response.status_code == 302
    assert set(NotificationSetting.objects.values_list("user_id", "kind", "in_site", "email")) == {
        (person.pk, "comment_reply", False, False), (person.pk, "escalated", True, False),
    }
    assert not NotificationSetting.objects.filter(user=other).exists()
    page = client.get(reverse(URL)).content.decode()
    assert 'name="in_site_comment_reply" id="in_site_comment_reply" aria-describedby="help-comment_reply">' in page
    # Turning it back on removes the row: the default needs none.
    client.post(reverse(URL), _all_on_but())
    assert not NotificationSetting.objects.filter(user=person).exists()


def test_the_overdue_kind_is_offered_to_officers_only(client):
    client.force_login(UserFactory())
    assert 'data-testid="kind-overdue"' not in client.get(reverse(URL)).content.decode()
    client.force_login(OfficerFactory())
    assert 'data-testid="kind-overdue"' in client.get(reverse(URL)).content.decode()


def test_the_notifications_page_links_to_the_settings(client):
    client.force_login(UserFactory())
    assert reverse(URL) in client.get(reverse("proposals:notifications")).content.decode()


def test_a_kind_turned_off_is_not_stored_for_that_person(django_capture_on_commit_callbacks):
    proposal = ProposalFactory(published=True)  # thresholds 2 / 3 / 5
    quiet, loud = ResidentFactory(), ResidentFactory()
    services.save_notification_settings(user=quiet, choices={"escalated": (False, False)})
    services.add_support(proposal=proposal, user=quiet)
    services.add_support(proposal=proposal, user=loud)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_support(proposal=proposal, user=ResidentFactory())
    escalated = Notification.objects.filter(kind="escalated", proposal=proposal)
    assert escalated.filter(user=loud).exists()
    assert not escalated.filter(user=quiet).exists()


def test_a_kind_with_email_off_is_shown_in_the_site_but_not_emailed(django_capture_on_commit_callbacks):
    parent = CommentFactory(author=UserFactory(email="parent@example.org"))
    services.save_notification_settings(user=parent.author, choices={"comment_reply": (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(proposal=parent.proposal, author=UserFactory(), body="답글입니다.", parent=parent)
    assert Notification.objects.filter(user=parent.author, kind="comment_reply").exists()
    assert mail.outbox == []
    # Other kinds still email.
    other = CommentFactory(author=parent.author, proposal=parent.proposal)
    services.save_notification_settings(user=parent.author, choices={"comment_reply": (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(proposal=other.proposal, author=UserFactory(), body="또 답글.", parent=other)
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        services.save_notification_settings(user=UserFactory(), choices={"nonsense": (True, True)})
