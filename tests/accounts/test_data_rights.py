"""Download my data, delete my account: what is given, what is erased, what stays under "former member"."""

import json

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Consent, User
from proposals.models import Comment, Follow, Notification, NotificationSetting, Proposal
from tests.factories import (AdminFactory, CommentFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory,
                             ProposalFactory, UserFactory)

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"  # the factories' password


def test_download_my_data_is_for_the_signed_in_person_only(client):
    url = reverse("accounts:download_data")
    assert "/accounts/login/" in client.get(url)["Location"]
    someone, _other = UserFactory(), UserFactory(email="other@example.org")
    client.force_login(someone)
    data = json.loads(client.get(url).content)
    assert data["account"]["email"] == someone.email
    assert "other@example.org" not in json.dumps(data)


def test_download_holds_account_consents_profile_proposals_comments_and_notifications(client):
    user = UserFactory(display_name="마포 산책자")
    services.record_signup_consents(user=user, optional_profile=True)
    services.update_profile(user=user, district="mapo")
    proposal = ProposalFactory(author=user, published=True, title="Shade on Mapo-daero")
    CommentFactory(author=user, body="my comment")
    Notification.objects.create(user=user, kind="state_changed", proposal=proposal, state="published")
    Follow.objects.create(user=user, proposal=ProposalFactory(published=True))
    NotificationSetting.objects.create(user=user, kind="state_changed", in_site=True, email=False)
    User.objects.filter(pk=user.pk).update(profile_public=True, profile_handle="mapo-walker")
    client.force_login(user)
    response = client.get(reverse("accounts:download_data"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["display_name"] == "마포 산책자"
    assert data["profile"]["district"] == "mapo"
    assert {c["kind"] for c in data["consents"]} == {"privacy", "terms", "optional_profile"}
    assert [p["title"] for p in data["proposals"]] == ["Shade on Mapo-daero"]
    assert [c["body"] for c in data["comments"]] == ["my comment"]
    assert data["notifications"][0]["proposal"] == proposal.pk
    assert len(data["follows"]) == 1 and data["follows"][0]["vote"] is None
    assert data["notification_settings"] == [{"kind": "state_changed", "in_site": True, "email": False}]
    assert data["public_profile"]["published"] is True and data["public_profile"]["address"] == "mapo-walker"
    for section in ("supports", "votes_cast", "invitations", "room_messages", "pool_memberships"):
        assert data[section] == []


def test_deleting_needs_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:delete_account"), {"password": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors["password"]
    assert User.objects.get(pk=user.pk).is_active


def test_deleting_erases_personal_data_and_keeps_published_text_under_former_member(client):
    user = UserFactory(email="leaving@example.org", display_name="곧 떠남", district="mapo", birth_year=1980)
    services.record_signup_consents(user=user, optional_profile=True, guardian_name="보호자", guardian_contact="010")
    published = ProposalFactory(author=user, published=True)
    draft = ProposalFactory(author=user)
    comment = CommentFactory(author=user)
    client.force_login(user)

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    stored = User.objects.get(pk=user.pk)
    assert not stored.is_active and stored.deleted_at is not None
    assert "leaving" not in stored.email and stored.display_name == ""
    assert (stored.district, stored.birth_year) == ("", None)
    assert not stored.has_usable_password()
    assert str(stored.public_name) == "Former member"
    assert Proposal.objects.filter(pk=published.pk).exists() and not Proposal.objects.filter(pk=draft.pk).exists()
    assert Comment.objects.filter(pk=comment.pk).exists()
    consents = Consent.objects.filter(user=stored)
    assert all(c.withdrawn_at for c in consents) and not any(c.guardian_name for c in consents)
    page = client.get(reverse("proposals:detail", args=[published.pk])).text
    assert "Former member" in page and "곧 떠남" not in page
    assert not client.login(email="leaving@example.org", password=PASSWORD)


def test_staff_accounts_are_not_deleted_from_the_profile(client):
    moderator = ModeratorFactory()
    client.force_login(moderator)
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.get(pk=moderator.pk).is_active


@pytest.mark.parametrize(("factory", "allowed"), [
    (UserFactory, True), (FacilitatorFactory, False), (OfficerFactory, False), (ModeratorFactory, False),
    (AdminFactory, False),
])
def test_who_may_delete_their_account_from_the_profile(client, factory, allowed):
    person = factory()
    client.force_login(person)
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == (302 if allowed else 403)
    assert User.objects.get(pk=person.pk).is_active is not allowed


def test_anonymous_visitors_are_sent_to_sign_in_for_data_rights(client):
    for name in ("accounts:delete_account", "accounts:download_data"):
        response = client.post(reverse(name), {"password": PASSWORD})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
