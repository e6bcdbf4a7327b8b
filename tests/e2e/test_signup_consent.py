"""Sign-up with the law's consents through the real form in Chromium (Korean, phone size), then the
resident-verification request and a moderator's answer.

A new person is refused without the required consents (the email typed is kept) and when under 14
without a guardian; with them the account is made, the confirmation link signs them in, and the
profile lists the consents with their versions. They ask to be verified; a moderator approves in
another browser; the person sees the answer on the profile.
"""

from datetime import date

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from accounts.legal import DOCUMENT_VERSIONS, ConsentKind
from accounts.models import Consent, User
from tests.factories import ModeratorFactory

from .conftest import login, screenshot

PASSWORD = "a-Long-passphrase-2026"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form.signup-form button[type=submit]").click()


def test_signup_with_consent_then_verification_request_and_answer(new_page, live_server):
    page = new_page()
    page.goto("/accounts/signup/")
    expect(page.get_by_test_id("consent-notice")).to_be_visible()
    screenshot(page, "signup-consent")
    page.fill("input[name=email]", "new.citizen@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit(page)  # no consent ticked: refused, the email kept
    expect(page.locator("input[name=email]")).to_have_value("new.citizen@example.org")
    expect(page.locator(".form-errors")).to_be_visible()
    assert not User.objects.filter(email="new.citizen@example.org").exists()

    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=agree_privacy]")
    page.check("input[name=agree_terms]")
    page.check("input[name=age][value=under14]")
    _submit(page)  # under 14 without a guardian: refused with the reason
    expect(page.locator("#id_guardian_name ~ .errorlist, .field.has-error").first).to_be_visible()
    assert not User.objects.filter(email="new.citizen@example.org").exists()

    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=age][value='14+']")
    page.check("input[name=agree_optional]")
    _submit(page)
    screenshot(page, "signup-verification-sent")
    user = User.objects.get(email="new.citizen@example.org")
    assert {c.kind for c in Consent.objects.filter(user=user)} == {"privacy", "terms", "optional_profile"}

    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.goto("/me/profile/")  # signed in by the confirmation
    consents = page.locator("#consents")
    in_force = date.fromisoformat(DOCUMENT_VERSIONS[ConsentKind.PRIVACY])
    expect(consents).to_contain_text(f"{in_force.year}년 {in_force.month}월 {in_force.day}일")  # the version's date

    page.select_option("#verification select[name=district]", "mapo")
    page.fill("#verification textarea[name=note]", "망원동 주민센터에서 확인 가능")
    with page.expect_navigation():
        page.locator("#verification button[type=submit]").click()
    expect(page.get_by_test_id("verification-state")).to_be_visible()

    moderator = ModeratorFactory(email="mod@example.org")
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    staff = new_page()
    login(staff, "mod@example.org", "pw-for-tests-123")
    staff.goto("/accounts/residents/")
    request_card = staff.get_by_test_id("verification-request").filter(has_text="new.citizen@example.org")
    expect(request_card).to_contain_text("망원동 주민센터에서 확인 가능")
    with staff.expect_navigation():
        request_card.locator("button[value=approve]").click()

    page.reload()
    expect(page.locator(".badge.verified")).to_be_visible()
    assert User.objects.get(pk=user.pk).is_verified_resident
    page.locator("footer a[href='/privacy/']").click()
    expect(page).to_have_url(re.compile(r"/privacy/$"))
    screenshot(page, "privacy-policy")
    page.goto("/me/profile/")
    screenshot(page, "profile-consents")
