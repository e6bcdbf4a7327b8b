"""Drafts: saving, validation that never damages a stored draft, publishing and withdrawing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from proposals import services
from proposals.models import Proposal, TimelineEntry
from proposals.states import Scope, State
from tests.factories import CategoryFactory, ProposalFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {"title": "자전거도로를 넓혀 주세요", "body": "한강까지 이어지는 **안전한** 길이 필요합니다."}


def _draft(author, **overrides):
    fields = {**GOOD, "category": CategoryFactory(), "tags": "교통 자전거", **overrides}
    return services.save_draft(author=author, **fields)


def _snapshot(proposal: Proposal) -> dict:
    proposal = Proposal.objects.get(pk=proposal.pk)
    return {
        "title": proposal.title, "body": proposal.body, "body_html": proposal.body_html,
        "scope": proposal.scope, "district": proposal.district, "state": proposal.state,
        "category": proposal.category_id, "updated_at": proposal.updated_at,
        "tags": sorted(proposal.tags.values_list("name", flat=True)),
    }


def test_save_draft_stores_what_the_author_wrote():
    author = UserFactory()
    category = CategoryFactory()

    draft = services.save_draft(
        author=author, title="  " + GOOD["title"] + "  ", body=GOOD["body"] + "\n\n", category=category,
        scope=Scope.DISTRICT, district="mapo", tags="#교통, 자전거 #교통",
    )

    draft = Proposal.objects.get(pk=draft.pk)
    assert (draft.author, draft.state, draft.category) == (author, State.DRAFT, category)
    assert (draft.title, draft.body) == (GOOD["title"], GOOD["body"])
    assert (draft.scope, draft.district) == (Scope.DISTRICT, "mapo")
    assert sorted(draft.tags.values_list("name", flat=True)) == ["교통", "자전거"]
    assert draft.published_at is None and draft.support_closes_at is None


def test_draft_body_is_rendered_to_sanitized_html():
    draft = _draft(UserFactory(), body="**굵게** <script>alert(1)</script> [x](javascript:alert(1))")

    assert "<strong>굵게</strong>" in draft.body_html
    assert "<script" not in draft.body_html
    assert "javascript:" not in draft.body_html


def test_citywide_scope_drops_a_district():
    draft = _draft(UserFactory(), scope=Scope.CITYWIDE, district="mapo")

    assert Proposal.objects.get(pk=draft.pk).district == ""


def test_longest_title_and_most_tags_are_accepted():
    draft = _draft(UserFactory(), title="가" * 120, tags=["a", "b", "c", "d", "e"])

    assert len(draft.title) == 120
    assert draft.tags.count() == 5


def test_saving_again_updates_the_same_draft():
    author = UserFactory()
    draft = _draft(author)

    services.save_draft(author=author, proposal=draft, title="새 제목", body="새 본문", category=draft.category,
                        tags="공원")

    assert Proposal.objects.count() == 1
    snapshot = _snapshot(draft)
    assert (snapshot["title"], snapshot["body"], snapshot["tags"]) == ("새 제목", "새 본문", ["공원"])


INVALID = [
    pytest.param({"title": "가" * 121}, "title", id="title-over-120"),
    pytest.param({"title": "   "}, "title", id="blank-title"),
    pytest.param({"body": ""}, "body", id="empty-body"),
    pytest.param({"body": " \n\t "}, "body", id="whitespace-body"),
    pytest.param({"body": "x" * 20_001}, "body", id="body-over-20000"),
    pytest.param({"scope": Scope.DISTRICT, "district": ""}, "district", id="district-scope-without-district"),
    pytest.param({"scope": Scope.DISTRICT, "district": "atlantis"}, "district", id="unknown-district"),
    pytest.param({"scope": "planet"}, "scope", id="unknown-scope"),
    pytest.param({"tags": "a b c d e f"}, "tags", id="six-tags"),
]


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_new_draft_is_refused_and_not_stored(change, field):
    with pytest.raises(ValidationError) as excinfo:
        _draft(UserFactory(), **change)

    assert field in excinfo.value.message_dict
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(("change", "field"), INVALID)
def test_invalid_edit_leaves_the_stored_draft_unchanged(change, field):
    author = UserFactory()
    draft = _draft(author)
    before = _snapshot(draft)
    fields = {**GOOD, "category": CategoryFactory(), "tags": "새태그", **change}

    with pytest.raises(ValidationError) as excinfo:
        services.save_draft(author=author, proposal=draft, **fields)

    assert field in excinfo.value.message_dict
    assert _snapshot(draft) == before


def test_only_the_author_edits_a_draft():
    draft = _draft(UserFactory())
    before = _snapshot(draft)

    with pytest.raises(PermissionDenied):
        services.save_draft(author=ResidentFactory(), proposal=draft, title="가로챔", body="본문",
                            category=draft.category)

    assert _snapshot(draft) == before


@pytest.mark.parametrize("state", [s for s in State.values if s != State.DRAFT])
def test_only_drafts_can_be_edited(state):
    proposal = ProposalFactory(published=True, state=state)
    before = _snapshot(proposal)

    with pytest.raises(PermissionDenied):
        services.save_draft(author=proposal.author, proposal=proposal, title="바뀐 제목", body="본문",
                            category=proposal.category)

    assert _snapshot(proposal) == before


def test_publish_opens_the_support_window_for_the_category_window():
    author = UserFactory()
    draft = _draft(author, category=CategoryFactory(support_window_days=10))
    before = timezone.now()

    services.publish_proposal(proposal=draft, actor=author)

    after = timezone.now()
    proposal = Proposal.objects.get(pk=draft.pk)
    assert proposal.state == State.PUBLISHED
    assert before <= proposal.published_at <= after
    assert proposal.support_closes_at == proposal.published_at + timedelta(days=10)
    assert proposal.is_support_open
    entry = TimelineEntry.objects.get(proposal=proposal)
    assert (entry.kind, entry.from_state, entry.to_state, entry.actor) == (
        TimelineEntry.Kind.TRANSITION, State.DRAFT, State.PUBLISHED, author,
    )
    assert entry.created_at == proposal.published_at


def test_only_the_author_publishes():
    draft = _draft(UserFactory())

    with pytest.raises(PermissionDenied):
        services.publish_proposal(proposal=draft, actor=ResidentFactory())

    proposal = Proposal.objects.get(pk=draft.pk)
    assert (proposal.state, proposal.published_at) == (State.DRAFT, None)
    assert not proposal.timeline.exists()


def test_publishing_twice_is_refused_and_keeps_the_first_deadline():
    author = UserFactory()
    draft = _draft(author)
    services.publish_proposal(proposal=draft, actor=author)
    first = Proposal.objects.get(pk=draft.pk)

    with pytest.raises(PermissionDenied):
        services.publish_proposal(proposal=draft, actor=author)

    again = Proposal.objects.get(pk=draft.pk)
    assert (again.published_at, again.support_closes_at) == (first.published_at, first.support_closes_at)
    assert again.timeline.count() == 1


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_author_withdraws_a_draft_or_open_proposal(published):
    proposal = ProposalFactory(published=published)

    services.withdraw_proposal(proposal=proposal, actor=proposal.author, reason="  중복 제안  ")

    proposal.refresh_from_db()
    assert proposal.state == State.WITHDRAWN
    entry = proposal.timeline.get()
    assert (entry.to_state, entry.actor, entry.reason) == (State.WITHDRAWN, proposal.author, "중복 제안")
    assert not proposal.is_support_open


@pytest.mark.parametrize("state", [State.ESCALATED, State.CLOSED, State.ANSWERED, State.WITHDRAWN])
def test_withdrawing_after_escalation_or_closing_is_refused(state):
    proposal = ProposalFactory(published=True, state=state)

    with pytest.raises(PermissionDenied):
        services.withdraw_proposal(proposal=proposal, actor=proposal.author)

    proposal.refresh_from_db()
    assert proposal.state == state
    assert not proposal.timeline.exists()
