"""Comments (one level of replies) and citizens' flags (one open report per reporter and target)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from proposals import services
from proposals.models import Comment, Flag, Notification
from proposals.states import State
from tests.factories import (
    CommentFactory, FlagFactory, ModeratorFactory, ProposalFactory, ResidentFactory, UserFactory,
)

pytestmark = pytest.mark.django_db


# --- Comments ---------------------------------------------------------------------------------------


def test_comment_is_stored_with_sanitized_html():
    proposal = ProposalFactory(published=True)
    author = UserFactory()

    comment = services.add_comment(author=author, proposal=proposal, body="  **좋아요** <img src=x onerror=alert(1)>  ")

    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.author, comment.proposal, comment.parent) == (author, proposal, None)
    assert comment.body == "**좋아요** <img src=x onerror=alert(1)>"
    assert "<strong>좋아요</strong>" in comment.body_html
    assert "onerror" not in comment.body_html and "<img" not in comment.body_html


@pytest.mark.parametrize("body", ["", "   \n ", "가" * 3001], ids=["empty", "blank", "over-3000"])
def test_empty_or_too_long_comment_is_refused(body):
    proposal = ProposalFactory(published=True)

    with pytest.raises(ValidationError) as excinfo:
        services.add_comment(author=UserFactory(), proposal=proposal, body=body)

    assert "body" in excinfo.value.message_dict
    assert not Comment.objects.exists()


def test_longest_comment_is_accepted():
    comment = services.add_comment(author=UserFactory(), proposal=ProposalFactory(published=True), body="가" * 3000)

    assert len(comment.body) == 3000


def test_anonymous_cannot_comment():
    with pytest.raises(PermissionDenied):
        services.add_comment(author=AnonymousUser(), proposal=ProposalFactory(published=True), body="익명")

    assert not Comment.objects.exists()


@pytest.mark.parametrize("state", [State.DRAFT, State.HIDDEN])
def test_comments_on_drafts_and_hidden_proposals_are_refused(state):
    proposal = ProposalFactory(published=True, state=state, state_before_hidden=State.PUBLISHED)

    with pytest.raises(PermissionDenied):
        services.add_comment(author=UserFactory(), proposal=proposal, body="보이나요?")

    assert not Comment.objects.exists()


@pytest.mark.parametrize("state", [State.CLOSED, State.ESCALATED, State.COMPLETED, State.WITHDRAWN])
def test_public_proposals_take_comments_after_the_support_window(state):
    proposal = ProposalFactory(published=True, state=state)

    services.add_comment(author=UserFactory(), proposal=proposal, body="결과가 궁금합니다")

    assert proposal.comments.count() == 1


def test_reply_to_a_top_level_comment_is_accepted_and_notifies_its_author():
    parent = CommentFactory()
    replier = UserFactory()

    reply = services.add_comment(author=replier, proposal=parent.proposal, body="동의합니다", parent=parent)

    assert reply.parent == parent
    note = Notification.objects.get()
    assert (note.user, note.kind, note.proposal) == (parent.author, Notification.Kind.COMMENT_REPLY, parent.proposal)


def test_replying_to_ones_own_comment_notifies_nobody():
    parent = CommentFactory()

    services.add_comment(author=parent.author, proposal=parent.proposal, body="덧붙이면", parent=parent)

    assert not Notification.objects.exists()


def test_reply_to_a_reply_is_refused():
    parent = CommentFactory()
    reply = CommentFactory(proposal=parent.proposal, parent=parent)

    with pytest.raises(PermissionDenied):
        services.add_comment(author=UserFactory(), proposal=parent.proposal, body="세 번째 단계", parent=reply)

    assert Comment.objects.count() == 2


def test_reply_to_another_proposals_comment_is_refused():
    elsewhere = CommentFactory()
    proposal = ProposalFactory(published=True)

    with pytest.raises(PermissionDenied):
        services.add_comment(author=UserFactory(), proposal=proposal, body="엉뚱한 곳", parent=elsewhere)

    assert not proposal.comments.exists()


def test_reply_to_a_hidden_comment_is_refused():
    parent = CommentFactory(is_hidden=True)

    with pytest.raises(PermissionDenied):
        services.add_comment(author=UserFactory(), proposal=parent.proposal, body="숨김 답글", parent=parent)

    assert not parent.replies.exists()


# --- Flags ------------------------------------------------------------------------------------------


def test_citizen_flags_a_proposal():
    proposal = ProposalFactory(published=True)
    reporter = UserFactory()

    flag = services.flag_content(reporter=reporter, proposal=proposal, reason="  욕설  ")

    flag = Flag.objects.get(pk=flag.pk)
    assert (flag.reporter, flag.proposal, flag.comment, flag.reason, flag.resolved_at) == (
        reporter, proposal, None, "욕설", None,
    )


def test_second_open_flag_by_the_same_reporter_is_refused():
    comment = CommentFactory()
    reporter = UserFactory()
    services.flag_content(reporter=reporter, comment=comment, reason="광고")

    with pytest.raises(ValidationError) as excinfo:
        services.flag_content(reporter=reporter, comment=comment, reason="광고 또")

    assert excinfo.value.code == "duplicate_flag"
    assert Flag.objects.filter(comment=comment).count() == 1


def test_other_reporters_may_flag_the_same_target():
    proposal = ProposalFactory(published=True)

    for reporter in UserFactory.create_batch(3):
        services.flag_content(reporter=reporter, proposal=proposal, reason="허위 사실")

    assert Flag.objects.filter(proposal=proposal, resolved_at__isnull=True).count() == 3


def test_reporter_may_flag_again_once_the_first_flag_is_resolved():
    flag = FlagFactory(resolved_at=timezone.now(), resolved_by=ModeratorFactory())

    services.flag_content(reporter=flag.reporter, proposal=flag.proposal, reason="다시 올라왔어요")

    assert Flag.objects.filter(proposal=flag.proposal, reporter=flag.reporter).count() == 2


def test_flagging_ones_own_proposal_is_refused():
    proposal = ProposalFactory(published=True)

    with pytest.raises(PermissionDenied):
        services.flag_content(reporter=proposal.author, proposal=proposal, reason="내 글")

    assert not Flag.objects.exists()


def test_flagging_ones_own_comment_is_refused():
    comment = CommentFactory()

    with pytest.raises(PermissionDenied):
        services.flag_content(reporter=comment.author, comment=comment, reason="내 댓글")

    assert not Flag.objects.exists()


def test_anonymous_cannot_flag():
    with pytest.raises(PermissionDenied):
        services.flag_content(reporter=AnonymousUser(), proposal=ProposalFactory(published=True), reason="익명")

    assert not Flag.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "가" * 301], ids=["empty", "blank", "over-300"])
def test_flag_needs_a_reason_of_reasonable_length(reason):
    with pytest.raises(ValidationError):
        services.flag_content(reporter=ResidentFactory(), proposal=ProposalFactory(published=True), reason=reason)

    assert not Flag.objects.exists()


@pytest.mark.parametrize("targets", ["none", "both"])
def test_flag_needs_exactly_one_target(targets):
    comment = CommentFactory()
    kwargs = {} if targets == "none" else {"proposal": comment.proposal, "comment": comment}

    with pytest.raises(ValueError):
        services.flag_content(reporter=UserFactory(), reason="?", **kwargs)

    assert not Flag.objects.exists()
