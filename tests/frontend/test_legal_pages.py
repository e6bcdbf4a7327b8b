"""The privacy policy, terms and accessibility pages, and the demo's first hour (site name, mail hint, error pages)."""

from datetime import date

import pytest
from django.contrib.sites.models import Site
from django.test import override_settings
from django.urls import reverse
from django.utils import formats

from accounts.legal import DOCUMENT_VERSIONS, ConsentKind
from frontend.errors import FriendlyErrorPagesMiddleware

pytestmark = pytest.mark.django_db


def _in_force(kind) -> str:
    """The document's version as the page writes it: its date in the page's (here English) date style."""
    return formats.date_format(date.fromisoformat(DOCUMENT_VERSIONS[kind]), "DATE_FORMAT")


def test_privacy_policy_names_items_purposes_retention_third_parties_rights_and_the_officer(client, settings):
    settings.PRIVACY_OFFICER = {"name": "Hong Gildong", "department": "Data Policy", "email": "privacy@seoul.example",
                                "phone": "02-120"}
    page = client.get(reverse("privacy")).text
    for words in ("What is collected", "Why personal information is processed", "Retention",
                  "gives no personal information to third parties", "Download my data", "Former member",
                  "Hong Gildong", "privacy@seoul.example", "118", _in_force(ConsentKind.PRIVACY),
                  'id="after-deletion"', "Secret ballots"):
        assert words in page, words


def test_privacy_policy_says_where_the_operator_sets_the_officer(client):
    assert "PRIVACY_OFFICER_EMAIL" in client.get(reverse("privacy")).text


def test_terms_and_accessibility_pages(client):
    terms = client.get(reverse("terms")).text
    assert "Article 1" in terms and _in_force(ConsentKind.TERMS) in terms
    a11y = client.get(reverse("accessibility")).text
    for words in ("KWCAG 2.2", "WCAG 2.1", "axe-core", "390 × 844", "Report a barrier"):
        assert words in a11y, words


def test_pages_are_korean_by_default(client):
    client.cookies.clear()
    response = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="ko")
    assert "개인정보 처리방침" in response.text


def test_the_footer_links_the_three_pages_everywhere(client):
    page = client.get(reverse("home")).text
    footer = page[page.index('<footer'):]
    for name in ("privacy", "terms", "accessibility"):
        assert f'href="{reverse(name)}"' in footer


def test_the_site_is_named_for_emails_not_example_com():
    site = Site.objects.get_current()
    assert site.domain != "example.com" and site.name == "서울 시민참여"


def test_verification_sent_page_says_the_demo_prints_mail_in_the_console(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    page = client.get(reverse("account_email_verification_sent")).text
    assert 'data-testid="console-email"' in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = client.get(reverse("account_email_verification_sent")).text
    assert 'data-testid="console-email"' not in page and "spam" in page


@override_settings(DEBUG=True)
def test_with_debug_on_a_missing_page_is_the_sites_404_not_djangos(client, settings):
    settings.MIDDLEWARE = ["frontend.errors.FriendlyErrorPagesMiddleware", *settings.MIDDLEWARE]
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist" in response.text and "URLconf" not in response.text


def test_the_middleware_leaves_a_views_own_404_and_swaps_a_technical_500(rf):
    from django.http import HttpResponseNotFound, HttpResponseServerError

    own = HttpResponseNotFound("<p>our own</p>")
    assert FriendlyErrorPagesMiddleware(lambda r: own)(rf.get("/x")) is own
    technical = HttpResponseServerError(b'<html><head><meta name="robots" content="NONE,NOARCHIVE"></head>Traceback')
    swapped = FriendlyErrorPagesMiddleware(lambda r: technical)(rf.get("/x"))
    assert swapped.status_code == 500 and b"Traceback" not in swapped.content
    assert b"Something went wrong" in swapped.content
