"""Sign-up asks what Korean law requires (PIPA) and records each consent with its document's version."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.legal import DOCUMENT_VERSIONS, ConsentKind
from accounts.models import Consent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-passphrase-2026"


def _signup(client, **extra):
    data = {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD,
            "agree_terms": "on", "agree_privacy": "on", "age": "14+", **extra}
    return client.post("/accounts/signup/", {k: v for k, v in data.items() if v is not None})


def test_signup_form_states_items_purpose_retention_and_the_right_to_refuse(client):
    page = client.get("/accounts/signup/").text
    assert 'data-testid="consent-notice"' in page
    for words in ("Email address, password", "Purpose", "Until you delete your account", "right to refuse",
                  "cannot create an account", "14 or older", "(optional)", reverse("privacy"), reverse("terms")):
        assert words in page, words


def test_signup_records_both_required_consents_with_their_versions(client):
    assert _signup(client).status_code == 302
    user = User.objects.get(email="new@example.org")
    kinds = {c.kind: c.version for c in Consent.objects.filter(user=user)}
    assert kinds == {ConsentKind.PRIVACY: DOCUMENT_VERSIONS[ConsentKind.PRIVACY],
                     ConsentKind.TERMS: DOCUMENT_VERSIONS[ConsentKind.TERMS]}


def test_optional_consent_is_recorded_only_when_ticked(client):
    _signup(client, agree_optional="on")
    user = User.objects.get(email="new@example.org")
    assert Consent.objects.filter(user=user, kind=ConsentKind.OPTIONAL_PROFILE, withdrawn_at=None).exists()


@pytest.mark.parametrize("missing", ["agree_terms", "agree_privacy", "age"])
def test_signup_without_a_required_answer_is_refused_and_keeps_the_email(client, missing):
    response = _signup(client, **{missing: None})
    assert response.status_code == 200
    assert response.context["form"].errors[missing]
    assert 'value="new@example.org"' in response.text
    assert not User.objects.filter(email="new@example.org").exists()


def test_under_14_without_a_guardian_is_refused_with_a_clear_message(client):
    response = _signup(client, age="under14")
    assert response.status_code == 200
    assert "need their legal guardian" in response.text
    assert not User.objects.exists()


def test_under_14_with_a_guardian_records_the_guardian_consent(client):
    response = _signup(client, age="under14", guardian_name="김보호", guardian_contact="010-1234-5678",
                       guardian_agrees="on")
    assert response.status_code == 302
    consent = Consent.objects.get(kind=ConsentKind.GUARDIAN)
    assert (consent.guardian_name, consent.guardian_contact) == ("김보호", "010-1234-5678")
    assert consent.version == DOCUMENT_VERSIONS[ConsentKind.GUARDIAN]


def test_confirming_the_email_signs_the_person_in(client):
    _signup(client)
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    client.post(link)
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="new@example.org").pk


def test_optional_fields_are_refused_without_the_optional_consent():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.update_profile(user=user, district="mapo")
    services.update_profile(user=user, display_name="still fine")  # not covered by the optional consent
    assert User.objects.get(pk=user.pk).district == ""


def test_profile_form_asks_for_the_optional_consent_and_records_it(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"district": "mapo"})
    assert response.status_code == 200 and response.context["form"].errors["optional_consent"]
    client.post(reverse("accounts:profile"), {"district": "mapo", "optional_consent": "on"})
    user.refresh_from_db()
    assert user.district == "mapo"
    assert Consent.objects.filter(user=user, kind=ConsentKind.OPTIONAL_PROFILE, withdrawn_at=None).exists()


def test_withdrawing_the_optional_consent_clears_the_optional_fields(client):
    user = UserFactory()
    services.give_optional_consent(user=user)
    services.update_profile(user=user, district="mapo", birth_year=1980, gender="female")
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).text
    assert "Optional profile information" in page
    response = client.post(reverse("accounts:withdraw_consent", args=["optional_profile"]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.district, user.birth_year, user.gender) == ("", None, "")
    assert Consent.objects.get(user=user, kind=ConsentKind.OPTIONAL_PROFILE).withdrawn_at is not None


@pytest.mark.parametrize("kind", [ConsentKind.PRIVACY, ConsentKind.TERMS])
def test_a_required_consent_cannot_be_withdrawn_short_of_deleting_the_account(kind):
    user = UserFactory()
    services.record_signup_consents(user=user, optional_profile=False)
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(user=user, kind=kind)
    assert Consent.objects.get(user=user, kind=kind).withdrawn_at is None


def test_withdraw_is_post_only_and_for_the_signed_in(client):
    url = reverse("accounts:withdraw_consent", args=["optional_profile"])
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 405
    assert client.post(reverse("accounts:withdraw_consent", args=["nonsense"])).status_code == 404
