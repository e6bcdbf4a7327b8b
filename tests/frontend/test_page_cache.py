"""Whole pages kept a few seconds for readers who are not signed in (frontend/page_cache.py): each reader
still gets their own CSRF token (and the form it is in works), a signed-in reader never gets the kept
page nor leaves theirs for others, a message waiting for a reader is shown to them and kept for nobody,
each language has its own page, and a change shows once the few seconds are over."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from proposals.models import Proposal
from tests.factories import ProposalFactory, ResidentFactory
from voting.models import Option, Vote
from voting.states import VoteState

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _kept_pages(settings):
    settings.ANONYMOUS_PAGE_SECONDS = 60


@pytest.fixture
def proposal():
    return ProposalFactory(published=True, title="Shade trees on Jongno-ro")


def _url(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def test_a_second_reader_gets_the_page_from_the_cache_without_a_query(proposal, django_assert_num_queries):
    first = Client().get(_url(proposal))
    assert first.status_code == 200 and "Shade trees on Jongno-ro" in first.text
    with django_assert_num_queries(0):
        second = Client().get(_url(proposal))
    assert second.status_code == 200
    assert TOKEN.sub("", second.text) == TOKEN.sub("", first.text)


def test_each_reader_gets_their_own_token_and_the_kept_page_s_form_works(proposal):
    Client().get(_url(proposal))  # the page is kept
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(_url(proposal))
    token = TOKEN.search(page.text).group(1)
    assert "\x00" not in page.text and token != TOKEN.search(Client().get(_url(proposal)).text).group(1)
    assert page.cookies["csrftoken"].value  # their CSRF cookie is set, as on any page
    switched = reader.post("/i18n/setlang/", {"language": "en", "next": _url(proposal), "csrfmiddlewaretoken": token})
    assert switched.status_code == 302  # not 403: the token filled into the kept page matches the reader's cookie


def test_a_change_shows_to_readers_without_an_account_once_the_seconds_are_over(proposal, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 1
    assert "Shade trees on Jongno-ro" in Client().get(_url(proposal)).text
    Proposal.objects.filter(pk=proposal.pk).update(title="Shade trees on Sejong-daero")
    assert "Shade trees on Jongno-ro" in Client().get(_url(proposal)).text  # kept: at most a second old
    time.sleep(1.5)
    assert "Shade trees on Sejong-daero" in Client().get(_url(proposal)).text


def test_a_signed_in_reader_never_gets_the_kept_page_nor_leaves_theirs(proposal):
    assert "Shade trees on Jongno-ro" in Client().get(_url(proposal)).text  # kept for readers without an account
    Proposal.objects.filter(pk=proposal.pk).update(title="Shade trees on Sejong-daero")
    resident = Client()
    resident.force_login(ResidentFactory(display_name="Kim Minji"))
    own = resident.get(_url(proposal)).text
    assert "Shade trees on Sejong-daero" in own and "Kim Minji" in own
    anonymous = Client().get(_url(proposal)).text
    assert "Kim Minji" not in anonymous and "Shade trees on Jongno-ro" in anonymous


def test_the_listing_home_and_a_vote_page_are_kept_and_a_missing_page_is_not(proposal, django_assert_num_queries):
    now = timezone.now()
    vote = Vote.objects.create(title="Night buses", question="Extend the night buses?", state=VoteState.OPEN,
                               opens_at=now, closes_at=now + timezone.timedelta(days=1))
    Option.objects.create(vote=vote, position=1, label="Yes")
    urls = [reverse("proposals:list"), reverse("home"), reverse("voting:detail", args=[vote.pk]),
            reverse("proposals:list") + "?sort=supports"]
    for url in urls:
        assert Client().get(url).status_code == 200
    for url in urls:
        with django_assert_num_queries(0):
            assert Client().get(url).status_code == 200
    missing = reverse("proposals:detail", args=[proposal.pk + 1000])
    assert Client().get(missing).status_code == 404
    Proposal.objects.filter(pk=proposal.pk).update(title="Another")
    assert Client().get(missing).status_code == 404  # a 404 is not kept (another page may come to be there)


def test_each_language_has_its_own_page(proposal):
    korean = Client(HTTP_ACCEPT_LANGUAGE="ko").get(_url(proposal))
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url(proposal))
    assert korean["Content-Language"] == "ko" and english["Content-Language"] == "en"
    assert '<html lang="ko"' in Client(HTTP_ACCEPT_LANGUAGE="ko").get(_url(proposal)).text
    assert '<html lang="en"' in Client(HTTP_ACCEPT_LANGUAGE="en").get(_url(proposal)).text


def test_a_message_waiting_for_a_reader_is_shown_to_them_and_kept_for_nobody(proposal):
    Client().get(_url(proposal))  # the page is kept
    reader = Client()
    reader.force_login(ResidentFactory())
    assert reader.post(reverse("account_logout")).status_code == 302  # leaves "You have signed out." for the next page
    shown = reader.get(_url(proposal)).text
    assert 'class="messages"' in shown
    assert 'class="messages"' not in Client().get(_url(proposal)).text
    assert 'class="messages"' not in reader.get(_url(proposal)).text  # shown once


def test_a_reader_with_a_cookie_of_their_own_gets_the_page_rendered_for_them(proposal, django_assert_max_num_queries):
    Client().get(_url(proposal))
    reader = Client()
    reader.cookies["vote_receipt_1"] = "signed-code"
    with django_assert_max_num_queries(50) as queries:
        reader.get(_url(proposal))
    assert len(queries) > 0  # rendered, not taken from the cache


def test_zero_seconds_keeps_nothing(proposal, settings, django_assert_max_num_queries):
    settings.ANONYMOUS_PAGE_SECONDS = 0
    Client().get(_url(proposal))
    with django_assert_max_num_queries(50) as queries:
        Client().get(_url(proposal))
    assert len(queries) > 0
