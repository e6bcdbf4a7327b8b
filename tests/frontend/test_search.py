"""The site-wide search (/search/): each module's public records, grouped, and nothing the searcher may not see."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from deliberation.deliberative_polls.states import DPollState
from deliberation.rooms import services as room_services
from deliberation.rooms.states import Access
from frontend import search as site_search
from proposals import services as proposal_services
from proposals.states import State
from tests.factories import (
    AdminFactory, FacilitatorFactory, ProposalFactory, RoomFactory, UserFactory, make_jury, make_poll,
)
from tests.voting.factories import VoteFactory
from voting.states import VoteState

pytestmark = pytest.mark.django_db


def _proposal(title, body="본문입니다.", **fields):
    proposal = ProposalFactory(published=True, title=title, body=body, **fields)
    proposal_services.update_search_vector(proposal_ids=[proposal.pk])  # as publishing does (PostgreSQL)
    return proposal


def _ended_room(title, access=Access.PUBLIC):
    room = RoomFactory(title=title, description="공공자전거 토론", access=access, stage="open")
    room_services.end_room(room=room, actor=room.facilitator)
    return room


def _titles(client, query, **params):
    response = client.get(reverse("search"), {"q": query, **params})
    assert response.status_code == 200
    if response.context["only"]:
        return response, [r.title for r in response.context["results"]]
    return response, [row.title for g in response.context["groups"] for row in g.results]


def test_every_module_is_searched_and_grouped_with_counts(client, settings):
    settings.JURY_MIN_SIZE = 2  # a small jury (make_jury seats three)
    _proposal("따릉이 대여소 확충", "공공자전거가 부족합니다.")
    VoteFactory(title="자전거 도로 예산", state=VoteState.SCHEDULED)
    _ended_room("자전거 토론회")
    jury, *_ = make_jury()
    jury.title = "자전거 배심원단"
    jury.save()
    poll, *_ = make_poll(state=DPollState.T1_OPEN)
    poll.topic = "자전거 전용도로를 늘릴까요?"
    poll.save()

    response, titles = _titles(client, "자전거")

    counts = {g.group.key: g.count for g in response.context["groups"]}
    assert counts == {"proposals": 1, "votes": 1, "rooms": 1, "juries": 1, "polls": 1}
    assert set(titles) == {"따릉이 대여소 확충", "자전거 도로 예산", "자전거 토론회", "자전거 배심원단", poll.title}
    assert response.context["total"] == 5
    page = response.content.decode()
    assert 'value="자전거"' in page  # the query stays in the box
    assert reverse("rooms:record", args=[_room_pk(response)]) in page


def _room_pk(response) -> int:
    rooms = next(g for g in response.context["groups"] if g.group.key == "rooms")
    return rooms.queryset.get().pk


def test_hidden_draft_and_withdrawn_proposals_never_appear():
    _proposal("비밀 숨김 제안", state=State.HIDDEN, state_before_hidden=State.PUBLISHED)
    ProposalFactory(title="비밀 초안 제안")  # a draft
    _proposal("비밀 공개 제안")
    for viewer in (AnonymousUser(), UserFactory(), AdminFactory()):
        groups = site_search.search_groups(query="비밀", viewer=viewer, only="proposals")
        assert [p.title for p in groups[0].queryset] == ["비밀 공개 제안"]


def test_draft_votes_only_for_managers_and_their_author():
    author = UserFactory()
    VoteFactory(title="초안 투표", state=VoteState.DRAFT)
    VoteFactory(title="검토 대기 투표", state=VoteState.SUBMITTED, created_by=author)
    VoteFactory(title="공개 투표", state=VoteState.OPEN)

    def found(viewer):
        return sorted(v.title for v in site_search.search_groups(query="투표", viewer=viewer, only="votes")[0].queryset)

    assert found(AnonymousUser()) == ["공개 투표"]
    assert found(UserFactory()) == ["공개 투표"]
    assert found(author) == ["검토 대기 투표", "공개 투표"]
    assert found(AdminFactory()) == ["검토 대기 투표", "공개 투표", "초안 투표"]


def test_only_the_records_of_ended_public_rooms_are_found():
    _ended_room("회의 공개 종료")
    _ended_room("회의 초대 종료", access=Access.INVITED)
    RoomFactory(title="회의 공개 진행", access=Access.PUBLIC, stage="open")
    RoomFactory(title="회의 초안")
    for viewer in (AnonymousUser(), FacilitatorFactory(), AdminFactory()):
        rooms = site_search.search_groups(query="회의", viewer=viewer, only="rooms")[0].queryset
        assert [r.title for r in rooms] == ["회의 공개 종료"]


def test_polls_in_setup_only_for_those_who_run_polls():
    poll, actor, *_ = make_poll()  # setup, titled "Night buses"
    assert site_search.search_groups(query="Night", viewer=AnonymousUser(), only="polls")[0].count == 0
    assert site_search.search_groups(query="Night", viewer=UserFactory(), only="polls")[0].count == 0
    assert site_search.search_groups(query="Night", viewer=actor, only="polls")[0].count == 1


def test_every_word_must_match_and_title_matches_come_first():
    body_only = _proposal("녹지 확대", "가로수 그늘 자전거")
    in_title = _proposal("자전거 그늘막", "여름 대책")
    _proposal("자전거 보관소", "주차장")  # lacks 그늘
    groups = site_search.search_groups(query="자전거 그늘", viewer=AnonymousUser(), only="proposals")
    assert set(groups[0].queryset) == {body_only, in_title}
    assert list(groups[0].queryset)[0] == in_title


def test_one_group_is_paged_and_keeps_the_query(client):
    for n in range(site_search.PAGE_SIZE + 3):
        _proposal(f"가로등 {n}")
    response, titles = _titles(client, "가로등", type="proposals", page=2)
    assert len(titles) == 3
    assert response.context["page"].paginator.count == site_search.PAGE_SIZE + 3
    page = response.content.decode()
    assert 'name="type" value="proposals"' in page and 'value="가로등"' in page
    assert "page=1" in page  # the previous page's link keeps q and type


def test_nothing_found_and_empty_query_states(client):
    response = client.get(reverse("search"), {"q": "없는낱말"})
    assert response.status_code == 200 and b'data-testid="search-nothing"' in response.content
    response = client.get(reverse("search"), {"q": "!!!"})
    assert response.status_code == 200 and not response.context["searched"]
    assert client.get(reverse("search")).status_code == 200


def test_an_unknown_group_shows_every_group(client):
    _proposal("공원 조성")
    response = client.get(reverse("search"), {"q": "공원", "type": "nonsense"})
    assert response.context["only"] == "" and len(response.context["groups"]) == len(site_search.GROUPS)
