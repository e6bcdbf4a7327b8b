"""The proposals' cards and the listing's filter fields are rendered once per content and kept in the cache
(frontend/fragments.py): what a reader sees must still change the moment the proposal does, in the reader's
language, and one reader's filters must never show in another's form."""

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from frontend import fragments
from proposals import services
from proposals.models import Proposal
from proposals.templatetags.proposal_tags import CARD_TEMPLATE, card_content
from tests.factories import CategoryFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _card_key(proposal, language: str) -> str:
    proposal = Proposal.objects.select_related("category").get(pk=proposal.pk)
    with translation.override(language):
        return fragments.content_key("proposal-card", fragments.template_fingerprint(CARD_TEMPLATE),
                                     card_content(proposal))


def test_a_card_is_kept_in_the_cache_once_rendered(client, published):
    assert not cache.get_many([_card_key(published, "ko"), _card_key(published, "en")])
    response = client.get(reverse("proposals:list"))
    language = response.wsgi_request.LANGUAGE_CODE
    cached = cache.get(_card_key(published, language))
    assert cached is not None and published.title in cached


def test_a_new_support_shows_on_the_listing_at_once(client, published, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 0  # the fragments at once, not the whole page kept a few seconds
    assert "<strong>0</strong>" in client.get(reverse("proposals:list")).text
    services.add_support(proposal=published, user=ResidentFactory())
    text = client.get(reverse("proposals:list")).text
    assert "<strong>1</strong>" in text and "<strong>0</strong>" not in text


def test_an_edited_title_and_state_show_on_the_listing_at_once(client, published, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 0  # the fragments at once, not the whole page kept a few seconds
    client.get(reverse("proposals:list"))
    Proposal.objects.filter(pk=published.pk).update(title="Shade trees on Sejong-daero",
                                                    support_count=F("support_count") + 0)
    text = client.get(reverse("proposals:list")).text
    assert "Shade trees on Sejong-daero" in text and "Shade trees on Jongno-ro" not in text


def test_a_card_is_in_the_readers_language(client, published):
    client.cookies["django_language"] = "ko"
    korean = client.get(reverse("proposals:list")).text
    client.cookies["django_language"] = "en"
    english = client.get(reverse("proposals:list")).text
    labels = {}
    for language in ("ko", "en"):
        with translation.override(language):
            labels[language] = str(Proposal(state=published.state).get_state_display())
    assert labels["ko"] != labels["en"]
    assert f">{labels['ko']}<" in korean and f">{labels['en']}<" not in korean
    assert f">{labels['en']}<" in english and f">{labels['ko']}<" not in english


def test_one_readers_filters_never_show_in_anothers_form(client, published):
    first, second = CategoryFactory(code="water", name="Water"), CategoryFactory(code="air", name="Air")
    one = client.get(reverse("proposals:list") + f"?category={first.code}").text
    assert f'<option value="{first.code}" selected>' in one
    other = client.get(reverse("proposals:list") + f"?category={second.code}").text
    assert f'<option value="{second.code}" selected>' in other
    assert f'<option value="{first.code}" selected>' not in other
    plain = client.get(reverse("proposals:list")).text
    assert f'<option value="{first.code}" selected>' not in plain
    assert f'<option value="{second.code}" selected>' not in plain


def test_a_new_category_shows_in_the_filter_at_once(client, published, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 0  # the fragments at once, not the whole page kept a few seconds
    client.get(reverse("proposals:list"))
    CategoryFactory(code="noise", name="Noise at night")
    assert "Noise at night" in client.get(reverse("proposals:list")).text
