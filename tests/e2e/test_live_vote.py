"""Live results in real Chromium over a real daphne: one resident watches a vote's page while another
votes in their own browser; the watcher's turnout and counts move without a reload, and the page
says when the vote closes. In a secret vote only the turnout moves, and the page says the counts come
at the close."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.threads import in_a_thread
from tests.factories import ResidentFactory
from voting import services
from voting.models import Option, Vote
from voting.states import VoteKind, VoteState

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def open_live_vote(title: str, question: str, labels: tuple[str, ...], *, secret: bool) -> Vote:
    """An open single-choice vote with live results, its options numbered from 1."""
    now = timezone.now()
    vote = Vote.objects.create(
        title=title, question=question, kind=VoteKind.SINGLE, state=VoteState.OPEN, live_results=True,
        secret=secret, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1))
    for position, label in enumerate(labels, start=1):
        Option.objects.create(vote=vote, position=position, label=label)
    return vote


def test_a_watcher_sees_turnout_and_counts_move_as_another_resident_votes(signed_in_page):
    vote = open_live_vote("한강공원 야간 개방", "한강공원을 밤 12시까지 열까요?", ("찬성", "반대", "모르겠다"), secret=False)
    watcher, voter = ResidentFactory(), ResidentFactory()
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[1])

    watching = signed_in_page(watcher)
    watching.goto(f"/votes/{vote.pk}/")
    turnout = watching.locator("[data-live-turnout]")
    expect(turnout).to_have_text("1")
    expect(watching.locator("[data-live-count='2']")).to_have_text("0")

    voting = signed_in_page(voter)
    voting.goto(f"/votes/{vote.pk}/")
    voting.check("input[name=choice][value='2']")
    with voting.expect_navigation():
        voting.locator("form.ballot button[type=submit]").click()
    expect(voting.locator("[data-testid=receipt-code]")).to_be_visible()

    expect(turnout).to_have_text("2")  # pushed over the WebSocket: no reload
    expect(watching.locator("[data-live-count='2']")).to_have_text("1")
    expect(watching.locator("[data-live-count='1']")).to_have_text("1")
    expect(watching.locator("[data-live-bar='2']")).to_have_attribute("style", "width: 50%;")

    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    in_a_thread(services.sweep_votes)  # as the worker would (this thread runs Playwright's event loop)
    expect(watching.locator("[data-live-closed]")).to_be_visible()


def test_a_watcher_of_a_secret_vote_sees_the_turnout_move_and_the_counts_only_after_the_close(signed_in_page):
    vote = open_live_vote("도서관 야간 개방", "구립도서관을 밤 10시까지 열까요?", ("찬성", "반대"), secret=True)
    watcher, voter = ResidentFactory(), ResidentFactory()
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[1])

    watching = signed_in_page(watcher)
    watching.goto(f"/votes/{vote.pk}/")
    turnout = watching.locator("[data-live-turnout]")
    expect(turnout).to_have_text("1")
    expect(watching.locator("main")).to_contain_text("집계는 투표가 끝나면 공개됩니다")
    expect(watching.locator("[data-live-count]")).to_have_count(0)

    voting = signed_in_page(voter)
    voting.goto(f"/votes/{vote.pk}/")
    voting.check("input[name=choice][value='2']")
    with voting.expect_navigation():
        voting.locator("form.ballot button[type=submit]").click()
    expect(voting.locator("[data-testid=receipt-code]")).to_be_visible()
    expect(turnout).to_have_text("2")  # the turnout is pushed; no count that moved by this one ballot
    expect(watching.locator("[data-live-count]")).to_have_count(0)

    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    in_a_thread(services.sweep_votes)
    expect(watching.locator("[data-live-closed]")).to_be_visible()
    watching.goto(f"/votes/{vote.pk}/results/")
    expect(watching.locator("main")).to_contain_text("반대")
    vote.refresh_from_db()
    assert vote.result["counts"] == {"1": 1, "2": 1}
