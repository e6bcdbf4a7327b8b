"""Reads: the public listing (filters, sorts, Korean search on both backends) and page data."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from proposals import selectors, services
from proposals.models import Proposal
from proposals.selectors import ProposalFilters
from proposals.states import FollowUpState, Scope, State, Verdict
from tests.factories import (
    CategoryFactory, FollowUpFactory, ProposalFactory, ResidentFactory, SupportFactory, UserFactory,
)

pytestmark = pytest.mark.django_db


def _listed(**filters) -> list:
    return list(selectors.list_proposals(filters=ProposalFilters(**filters)))


def _published(days_ago: float = 0, **kwargs):
    published_at = timezone.now() - timedelta(days=days_ago)
    fields = {"published_at": published_at, "support_closes_at": published_at + timedelta(days=30), **kwargs}
    return ProposalFactory(published=True, **fields)


def test_listing_shows_public_proposals_newest_first():
    old = _published(days_ago=3)
    new = _published(days_ago=1)
    closed = _published(days_ago=2, state=State.CLOSED)
    ProposalFactory()  # a draft
    _published(state=State.HIDDEN, state_before_hidden=State.PUBLISHED)

    assert _listed() == [new, closed, old]


def test_listing_filters_by_category_district_and_state():
    transport = CategoryFactory(code="transport")
    match = _published(category=transport, scope=Scope.DISTRICT, district="mapo")
    _published(category=transport, scope=Scope.DISTRICT, district="jongno")
    _published(scope=Scope.DISTRICT, district="mapo")
    closed = _published(category=transport, scope=Scope.DISTRICT, district="mapo", state=State.CLOSED)

    assert _listed(category="transport", district="mapo", state=State.PUBLISHED) == [match]
    assert set(_listed(category="transport", district="mapo")) == {match, closed}
    assert _listed(state=State.CLOSED) == [closed]


def test_asking_for_drafts_or_hidden_state_still_lists_only_public_ones():
    public = _published()
    ProposalFactory()
    _published(state=State.HIDDEN, state_before_hidden=State.PUBLISHED)

    assert _listed(state=State.DRAFT) == [public]
    assert _listed(state=State.HIDDEN) == [public]


def test_sort_by_support_puts_the_most_supported_first():
    low = _published(days_ago=1, support_count=3)
    high = _published(days_ago=2, support_count=40)
    tie_newer = _published(days_ago=0, support_count=3)

    assert _listed(sort="supported") == [high, tie_newer, low]


def test_sort_by_closing_lists_open_windows_ending_soonest_first():
    now = timezone.now()
    later = _published(support_closes_at=now + timedelta(days=9))
    sooner = _published(support_closes_at=now + timedelta(days=1))
    escalated = _published(support_closes_at=now + timedelta(days=5), state=State.ESCALATED)
    _published(support_closes_at=now - timedelta(minutes=1))  # deadline passed, not swept yet
    _published(support_closed_at=now, support_closes_at=now + timedelta(days=2))
    _published(state=State.CLOSED, support_closes_at=now + timedelta(days=3))

    assert _listed(sort="closing") == [sooner, escalated, later]


@pytest.fixture
def korean_proposals():
    bike = _published(title="자전거도로를 한강까지 이어 주세요", body="출퇴근길이 위험합니다.")
    park = _published(title="공원에 그늘막을", body="여름에 자전거를 타고 오는 가족이 많습니다.")
    other = _published(title="도서관 운영 시간 연장", body="밤 10시까지 열어 주세요.")
    draft = ProposalFactory(title="자전거 보관소 (초안)")
    hidden = _published(title="자전거 스팸", state=State.HIDDEN, state_before_hidden=State.PUBLISHED)
    # Published through factories, not publish_proposal: fill the vector as publishing does (no-op on SQLite).
    services.update_search_vector()
    return {"bike": bike, "park": park, "other": other, "draft": draft, "hidden": hidden}


def test_search_finds_a_korean_word_with_a_particle_attached(korean_proposals):
    # "자전거" must find "자전거도로를" (title) and "자전거를" (body): Korean attaches particles.
    assert set(_listed(query="자전거")) == {korean_proposals["bike"], korean_proposals["park"]}


def test_search_needs_every_word(korean_proposals):
    assert _listed(query="자전거 한강") == [korean_proposals["bike"]]
    assert _listed(query="자전거 도서관") == []


def test_search_leaves_out_drafts_and_hidden_proposals(korean_proposals):
    found = _listed(query="자전거")

    assert korean_proposals["draft"] not in found
    assert korean_proposals["hidden"] not in found


def test_search_ignores_punctuation_and_operators(korean_proposals):
    assert _listed(query="도서관! & | :* ' (운영)") == [korean_proposals["other"]]
    assert _listed(query="  !!! ") == _listed()


def test_search_is_case_insensitive_for_latin_words():
    match = _published(title="Seoul Bike 확대")
    _published(title="Another idea")
    services.update_search_vector()

    assert _listed(query="seoul bike") == [match]


def test_search_combines_with_filters(korean_proposals):
    Proposal.objects.filter(pk=korean_proposals["park"].pk).update(state=State.CLOSED)

    assert _listed(query="자전거", state=State.CLOSED) == [korean_proposals["park"]]


def test_proposal_page_says_whether_the_viewer_supports_it():
    support = SupportFactory()
    proposal = support.proposal

    assert selectors.get_proposal_page_data(proposal=proposal, viewer=support.user)["has_supported"] is True
    assert selectors.get_proposal_page_data(proposal=proposal, viewer=ResidentFactory())["has_supported"] is False
    assert selectors.get_proposal_page_data(proposal=proposal, viewer=AnonymousUser())["has_supported"] is False


def test_proposal_page_lists_timeline_and_follow_ups():
    follow_up = FollowUpFactory()
    proposal = follow_up.proposal
    services.transition(proposal=proposal, to=State.HIDDEN)
    services.transition(proposal=proposal, to=State.ESCALATED)

    data = selectors.get_proposal_page_data(proposal=proposal, viewer=AnonymousUser())

    assert [e.to_state for e in data["timeline"]] == [State.HIDDEN, State.ESCALATED]
    assert data["follow_ups"] == [follow_up]


def test_public_overdue_list_leaves_out_answered_and_hidden_items():
    past = timezone.now() - timedelta(days=1)
    overdue = FollowUpFactory(due_at=past)
    FollowUpFactory(due_at=past, state=FollowUpState.ANSWERED, verdict=Verdict.ACCEPTED)
    FollowUpFactory(due_at=timezone.now() + timedelta(days=1))
    FollowUpFactory(due_at=past, proposal__state=State.HIDDEN)

    assert list(selectors.public_follow_ups(overdue_only=True)) == [overdue]


def test_drafts_and_unread_notifications_belong_to_their_user():
    author = UserFactory()
    mine = ProposalFactory(author=author)
    ProposalFactory()
    services.notify(kind="state_changed", proposal=mine, recipients=[author.pk])

    assert list(selectors.drafts_of(user=author)) == [mine]
    assert selectors.unread_notification_count(user=author) == 1
    assert selectors.unread_notification_count(user=UserFactory()) == 0


def test_search_within_the_cap_is_counted_exactly(monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_RESULT_CAP", 3)
    for i in range(3):
        _published(days_ago=i, title=f"버스정류장 그늘막 {i}")
    services.update_search_vector()
    listing = selectors.proposal_listing(filters=ProposalFilters(query="버스", sort="relevance"))
    assert listing.count == 3 and not listing.is_broad
    assert len(list(listing.proposals)) == 3


def test_broad_search_shows_the_newest_matches_up_to_the_cap(monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_RESULT_CAP", 2)
    oldest, middle, newest = (_published(days_ago=d, title=f"버스 노선 {d}") for d in (3, 2, 1))
    _published(title="공원 벤치")  # not a match
    services.update_search_vector()
    listing = selectors.proposal_listing(filters=ProposalFilters(query="버스", sort="relevance"))
    assert listing.is_broad and listing.count == 2
    assert list(listing.proposals) == [newest, middle]


def test_broad_search_page_says_so(client, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_RESULT_CAP", 1)
    for d in (1, 2):
        _published(days_ago=d, title=f"버스 노선 {d}")
    services.update_search_vector()
    html = client.get("/proposals/?q=버스").content.decode()
    assert "More than 1 proposals match; the newest 1 are shown." in html
