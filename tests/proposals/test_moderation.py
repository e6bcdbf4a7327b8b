"""Moderation: hiding and restoring with a reason on record, and what the public then sees."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from proposals import selectors, services
from proposals.models import Comment, Flag, ModerationAction, Proposal, TimelineEntry
from proposals.selectors import ProposalFilters
from proposals.states import State
from tests.factories import (
    AdminFactory, CommentFactory, FacilitatorFactory, FlagFactory, ModeratorFactory, OfficerFactory,
    ProposalFactory, ResidentFactory, UserFactory,
)

pytestmark = pytest.mark.django_db

NOT_MODERATORS = [AnonymousUser, UserFactory, ResidentFactory, FacilitatorFactory, OfficerFactory]
NOT_MODERATOR_IDS = ["anonymous", "citizen", "resident", "facilitator", "officer"]


def test_moderator_hides_a_proposal_with_a_reason_on_record():
    proposal = ProposalFactory(published=True, state=State.ESCALATED)
    moderator = ModeratorFactory()
    flags = FlagFactory.create_batch(2, proposal=proposal)

    services.hide_proposal(moderator=moderator, proposal=proposal, reason="  개인정보 노출  ")

    proposal.refresh_from_db()
    assert (proposal.state, proposal.state_before_hidden) == (State.HIDDEN, State.ESCALATED)
    action = ModerationAction.objects.get(proposal=proposal)
    assert (action.moderator, action.action, action.reason) == (moderator, "hide", "개인정보 노출")
    entry = proposal.timeline.get()
    assert (entry.to_state, entry.actor, entry.reason) == (State.HIDDEN, moderator, "개인정보 노출")
    assert all(f.resolved_by == moderator for f in Flag.objects.filter(pk__in=[f.pk for f in flags]))


@pytest.mark.parametrize("make_user", NOT_MODERATORS, ids=NOT_MODERATOR_IDS)
def test_hiding_needs_a_moderator(make_user):
    proposal = ProposalFactory(published=True)

    with pytest.raises(PermissionDenied):
        services.hide_proposal(moderator=make_user(), proposal=proposal, reason="이유")

    assert Proposal.objects.get(pk=proposal.pk).state == State.PUBLISHED
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
def test_hiding_needs_a_reason(reason):
    proposal = ProposalFactory(published=True)

    with pytest.raises(ValidationError) as excinfo:
        services.hide_proposal(moderator=ModeratorFactory(), proposal=proposal, reason=reason)

    assert "reason" in excinfo.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).state == State.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_admin_can_hide_and_restore():
    proposal = ProposalFactory(published=True)
    admin = AdminFactory()

    services.hide_proposal(moderator=admin, proposal=proposal, reason="스팸")
    services.restore_proposal(moderator=admin, proposal=proposal, reason="오판")

    assert Proposal.objects.get(pk=proposal.pk).state == State.PUBLISHED


def test_hiding_a_draft_is_refused_and_leaves_nothing_on_record():
    draft = ProposalFactory()
    flag = FlagFactory(proposal=draft)

    with pytest.raises(services.TransitionError):
        services.hide_proposal(moderator=ModeratorFactory(), proposal=draft, reason="이유")

    assert Proposal.objects.get(pk=draft.pk).state == State.DRAFT
    assert not ModerationAction.objects.exists()
    assert Flag.objects.get(pk=flag.pk).resolved_at is None


def test_restore_returns_to_the_state_before_hiding_and_keeps_the_record():
    proposal = ProposalFactory(published=True, state=State.ANSWERED)
    moderator = ModeratorFactory()
    services.hide_proposal(moderator=moderator, proposal=proposal, reason="신고 접수")

    services.restore_proposal(moderator=moderator, proposal=proposal, reason="문제 없음")

    proposal.refresh_from_db()
    assert (proposal.state, proposal.state_before_hidden) == (State.ANSWERED, "")
    actions = ModerationAction.objects.filter(proposal=proposal).order_by("created_at", "pk")
    assert [(a.action, a.reason) for a in actions] == [("hide", "신고 접수"), ("restore", "문제 없음")]
    assert list(proposal.timeline.values_list("from_state", "to_state")) == [
        (State.ANSWERED, State.HIDDEN), (State.HIDDEN, State.ANSWERED),
    ]


@pytest.mark.parametrize("make_user", NOT_MODERATORS, ids=NOT_MODERATOR_IDS)
def test_restoring_needs_a_moderator(make_user):
    proposal = ProposalFactory(published=True, state=State.HIDDEN, state_before_hidden=State.PUBLISHED)

    with pytest.raises(PermissionDenied):
        services.restore_proposal(moderator=make_user(), proposal=proposal, reason="복구")

    assert Proposal.objects.get(pk=proposal.pk).state == State.HIDDEN


def test_restoring_needs_a_reason():
    proposal = ProposalFactory(published=True, state=State.HIDDEN, state_before_hidden=State.PUBLISHED)

    with pytest.raises(ValidationError):
        services.restore_proposal(moderator=ModeratorFactory(), proposal=proposal, reason=" ")

    assert Proposal.objects.get(pk=proposal.pk).state == State.HIDDEN


def test_restoring_a_proposal_that_is_not_hidden_is_refused():
    proposal = ProposalFactory(published=True)

    with pytest.raises(services.TransitionError):
        services.restore_proposal(moderator=ModeratorFactory(), proposal=proposal, reason="복구")

    assert not ModerationAction.objects.exists()
    assert not proposal.timeline.exists()


def test_hidden_proposals_are_left_out_of_every_listing():
    visible = ProposalFactory(published=True, title="공원 벤치")
    hidden = ProposalFactory(published=True, title="공원 벤치 스팸")
    services.update_search_vector()
    services.hide_proposal(moderator=ModeratorFactory(), proposal=hidden, reason="스팸")

    for filters in [ProposalFilters(), ProposalFilters(query="공원"), ProposalFilters(sort="closing"),
                    ProposalFilters(state=State.HIDDEN), ProposalFilters(sort="supported")]:
        assert list(selectors.list_proposals(filters=filters)) == [visible], filters


# --- Comments ---------------------------------------------------------------------------------------


def test_moderator_hides_and_restores_a_comment_with_both_actions_kept():
    comment = CommentFactory()
    flag = FlagFactory(proposal=None, comment=comment)
    moderator = ModeratorFactory()

    services.set_comment_hidden(moderator=moderator, comment=comment, hidden=True, reason="욕설")
    assert Comment.objects.get(pk=comment.pk).is_hidden
    assert Flag.objects.get(pk=flag.pk).resolved_by == moderator

    services.set_comment_hidden(moderator=moderator, comment=comment, hidden=False, reason="재검토")
    assert not Comment.objects.get(pk=comment.pk).is_hidden

    actions = ModerationAction.objects.filter(comment=comment).order_by("created_at", "pk")
    assert [(a.action, a.reason) for a in actions] == [("hide", "욕설"), ("restore", "재검토")]
    codes = TimelineEntry.objects.filter(proposal=comment.proposal, kind=TimelineEntry.Kind.MODERATION)
    assert list(codes.values_list("code", flat=True)) == ["comment_hidden", "comment_restored"]


@pytest.mark.parametrize("make_user", NOT_MODERATORS, ids=NOT_MODERATOR_IDS)
def test_hiding_a_comment_needs_a_moderator(make_user):
    comment = CommentFactory()

    with pytest.raises(PermissionDenied):
        services.set_comment_hidden(moderator=make_user(), comment=comment, hidden=True, reason="이유")

    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_hiding_a_comment_needs_a_reason():
    comment = CommentFactory()

    with pytest.raises(ValidationError):
        services.set_comment_hidden(moderator=ModeratorFactory(), comment=comment, hidden=True, reason="")

    assert not Comment.objects.get(pk=comment.pk).is_hidden
    assert not ModerationAction.objects.exists()


def test_hiding_a_hidden_comment_again_is_refused():
    comment = CommentFactory(is_hidden=True)

    with pytest.raises(ValidationError) as excinfo:
        services.set_comment_hidden(moderator=ModeratorFactory(), comment=comment, hidden=True, reason="또")

    assert excinfo.value.code == "no_change"
    assert not ModerationAction.objects.exists()


def test_dismissing_flags_keeps_the_content_and_records_why():
    comment = CommentFactory()
    FlagFactory.create_batch(3, proposal=None, comment=comment)
    moderator = ModeratorFactory()

    assert services.dismiss_flags(moderator=moderator, comment=comment, reason="정당한 비판") == 3

    assert not Comment.objects.get(pk=comment.pk).is_hidden
    assert not selectors.open_flags_for(comment_id=comment.pk).exists()
    action = ModerationAction.objects.get(comment=comment)
    assert (action.action, action.reason, action.moderator) == ("dismiss", "정당한 비판", moderator)


def test_moderation_queue_counts_open_reports_per_target():
    busy = CommentFactory()
    FlagFactory.create_batch(3, proposal=None, comment=busy)
    quiet = ProposalFactory(published=True)
    FlagFactory(proposal=quiet)

    queue = list(selectors.moderation_queue())

    assert queue == [
        {"proposal_id": None, "comment_id": busy.pk, "reports": 3},
        {"proposal_id": quiet.pk, "comment_id": None, "reports": 1},
    ]


@pytest.fixture
def discussion():
    """A proposal with a visible thread, a hidden comment and a hidden reply."""
    proposal = ProposalFactory(published=True)
    visible = CommentFactory(proposal=proposal, body="보이는 댓글")
    hidden = CommentFactory(proposal=proposal, body="숨긴 댓글", is_hidden=True)
    visible_reply = CommentFactory(proposal=proposal, parent=visible, body="보이는 답글")
    hidden_reply = CommentFactory(proposal=proposal, parent=visible, body="숨긴 답글", is_hidden=True)
    return proposal, visible, hidden, visible_reply, hidden_reply


@pytest.mark.parametrize("make_viewer", [AnonymousUser, UserFactory, OfficerFactory],
                         ids=["anonymous", "citizen", "officer"])
def test_hidden_comments_are_left_out_of_the_public_page(discussion, make_viewer):
    proposal, visible, _hidden, visible_reply, _hidden_reply = discussion

    data = selectors.get_proposal_page_data(proposal=proposal, viewer=make_viewer())

    comments = list(data["comments"])
    assert comments == [visible]
    assert list(comments[0].replies.all()) == [visible_reply]
    assert list(data["moderation_actions"]) == []


@pytest.mark.parametrize("make_viewer", [ModeratorFactory, AdminFactory])
def test_moderators_see_hidden_comments_on_the_page(discussion, make_viewer):
    proposal, visible, hidden, visible_reply, hidden_reply = discussion

    data = selectors.get_proposal_page_data(proposal=proposal, viewer=make_viewer())

    comments = list(data["comments"])
    assert comments == [hidden, visible]  # top-level comments are newest first
    assert list(comments[1].replies.all()) == [visible_reply, hidden_reply]  # replies in conversation order
