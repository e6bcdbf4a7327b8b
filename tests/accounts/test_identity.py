"""The identity-provider interface (PASS / 본인인증) and Kakao/Naver sign-in enabled only by their keys."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts import identity, services
from accounts.models import User
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


class FakePass(identity.IdentityProvider):
    """A provider as a city would write one, answering without a network call."""

    name = "fake-pass"

    def start(self, *, request, return_url):
        return f"https://pass.example/start?return={return_url}"

    def complete(self, *, request):
        return identity.VerifiedIdentity(provider=self.name, subject="opaque-1", lives_in_seoul=True,
                                         district="mapo")


def test_no_provider_is_configured_by_default(settings):
    settings.IDENTITY_PROVIDER = ""
    assert identity.configured_provider() is None


def test_a_configured_provider_is_loaded_and_must_be_an_identity_provider(settings):
    settings.IDENTITY_PROVIDER = "tests.accounts.test_identity.FakePass"
    assert isinstance(identity.configured_provider(), FakePass)
    settings.IDENTITY_PROVIDER = "tests.accounts.test_identity.ROOT"
    with pytest.raises(TypeError):
        identity.configured_provider()


@pytest.mark.django_db
def test_a_confirmed_seoul_address_verifies_the_resident():
    user = UserFactory()
    services.apply_verified_identity(user=user, identity=FakePass().complete(request=None))
    stored = User.objects.get(pk=user.pk)
    assert stored.is_verified_resident and stored.verified_at and stored.verified_by is None
    other = UserFactory()
    services.apply_verified_identity(user=other, identity=identity.VerifiedIdentity(provider="x", subject="2"))
    assert not User.objects.get(pk=other.pk).is_verified_resident


def _providers(env: dict) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps([a for a in settings.INSTALLED_APPS if '.providers.' in a]))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KAKAO_", "NAVER_"))}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kakao_and_naver_are_installed_only_when_their_keys_are_set():
    assert _providers({}) == []
    assert _providers({"KAKAO_CLIENT_ID": "k", "KAKAO_SECRET": "s"}) == ["allauth.socialaccount.providers.kakao"]
    assert set(_providers({"KAKAO_CLIENT_ID": "k", "NAVER_CLIENT_ID": "n"})) == {
        "allauth.socialaccount.providers.kakao", "allauth.socialaccount.providers.naver"}


def test_the_kakao_naver_sign_up_asks_the_same_consents(settings):
    from accounts.signup import SignupForm, SocialSignupForm

    assert settings.SOCIALACCOUNT_FORMS["signup"] == "accounts.signup.SocialSignupForm"
    assert settings.SOCIALACCOUNT_AUTO_SIGNUP is False  # a provider's email alone never makes an account
    consent_fields = {"agree_privacy", "agree_terms", "agree_optional", "age", "guardian_name", "guardian_contact",
                      "guardian_agrees"}
    assert consent_fields <= set(SocialSignupForm.base_fields) and consent_fields <= set(SignupForm.base_fields)
    assert SocialSignupForm.base_fields["agree_privacy"].required and SocialSignupForm.base_fields["age"].required
