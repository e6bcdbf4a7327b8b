"""Sign-up with email verification, login, password reset: allauth wired to the custom user model."""

import re

import pytest
from django.core import mail

from accounts.models import Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-passphrase-2026"
CONSENTS = {"agree_terms": "on", "agree_privacy": "on", "age": "14+"}


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_signup_sends_a_verification_email_and_login_waits_for_it(client):
    response = client.post("/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD,
                                                 "password2": PASSWORD, **CONSENTS})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.role == Role.CITIZEN and not user.is_verified_resident
    assert len(mail.outbox) == 1 and "new@example.org" in mail.outbox[0].to

    client.logout()
    response = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # not before the address is confirmed

    confirm_url = _link(mail.outbox[0])
    client.post(confirm_url)
    response = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_with_a_bad_password_keeps_the_email_typed(client):
    response = client.post("/accounts/signup/", {"email": "keep@example.org", "password1": "123",
                                                 "password2": "123", **CONSENTS})
    assert response.status_code == 200
    assert 'value="keep@example.org"' in response.content.decode()
    assert not User.objects.filter(email="keep@example.org").exists()


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = User.objects.create_user(email="forgot@example.org", password="old-Passphrase-1")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "forgot@example.org"})
    assert len(mail.outbox) == 1
    response = client.get(_link(mail.outbox[0]), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else _link(mail.outbox[0])
    client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
