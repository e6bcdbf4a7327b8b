"""Per-user rate limits in the cache, and the writes they guard."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.ratelimit import RateLimited, check_rate
from proposals import services
from proposals.models import Comment, Flag, Proposal
from tests.factories import CategoryFactory, ProposalFactory, ResidentFactory, UserFactory


@pytest.fixture
def limits(settings):
    """Small limits for every action; a test changes the one it needs."""
    settings.RATE_LIMITS = {
        "proposal.create": (2, 3600),
        "comment.create": (2, 600),
        "flag.create": (2, 3600),
        "support.toggle": (2, 60),
        "test.action": (3, 120),
    }
    return settings.RATE_LIMITS


def test_uses_within_the_limit_pass_and_the_next_is_refused(limits):
    for _ in range(3):
        check_rate(action="test.action", user_id=1)

    with translation.override("en"), pytest.raises(RateLimited) as excinfo:
        check_rate(action="test.action", user_id=1)

    assert excinfo.value.code == "rate_limited"
    assert isinstance(excinfo.value, ValidationError)  # forms show it like any other error
    with translation.override("en"):
        assert "3 times in 2 minutes" in excinfo.value.messages[0]


def test_refusals_continue_until_the_window_ends(limits):
    for _ in range(3):
        check_rate(action="test.action", user_id=1)

    for _ in range(5):
        with pytest.raises(RateLimited):
            check_rate(action="test.action", user_id=1)


def test_limits_are_per_user_and_per_action(limits):
    for _ in range(3):
        check_rate(action="test.action", user_id=1)

    check_rate(action="test.action", user_id=2)
    check_rate(action="comment.create", user_id=1)
    with pytest.raises(RateLimited):
        check_rate(action="test.action", user_id=1)


def test_a_new_window_starts_after_the_old_one_ends(limits):
    limits["test.action"] = (1, 1)
    check_rate(action="test.action", user_id=1)
    with pytest.raises(RateLimited):
        check_rate(action="test.action", user_id=1)

    # The cache expires the counter after one second (generous timeout: this is not a speed test).
    deadline = time.monotonic() + 10
    while True:
        time.sleep(0.25)
        try:
            check_rate(action="test.action", user_id=1)
            break
        except RateLimited:
            assert time.monotonic() < deadline, "the window never ended"


@pytest.mark.django_db
def test_creating_drafts_is_rate_limited_with_a_clear_message(limits):
    author = UserFactory()
    category = CategoryFactory()
    first = services.save_draft(author=author, title="하나", body="본문", category=category)
    services.save_draft(author=author, title="둘", body="본문", category=category)

    with translation.override("en"), pytest.raises(RateLimited) as excinfo:
        services.save_draft(author=author, title="셋", body="본문", category=category)

    with translation.override("en"):
        assert "too often" in excinfo.value.messages[0]
        assert "2 times in 60 minutes" in excinfo.value.messages[0]
    assert Proposal.objects.filter(author=author).count() == 2
    # Editing an existing draft is not creating one: still allowed.
    services.save_draft(author=author, proposal=first, title="하나 (고침)", body="본문", category=category)
    assert Proposal.objects.get(pk=first.pk).title == "하나 (고침)"
    # Another author is not affected.
    services.save_draft(author=UserFactory(), title="다른 사람", body="본문", category=category)


@pytest.mark.django_db
def test_invalid_draft_attempts_do_not_use_up_the_limit(limits):
    author = UserFactory()
    category = CategoryFactory()
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.save_draft(author=author, title="제목", body="", category=category)

    services.save_draft(author=author, title="고쳐서 다시", body="본문", category=category)

    assert Proposal.objects.filter(author=author).count() == 1


@pytest.mark.django_db
def test_commenting_is_rate_limited(limits):
    proposal = ProposalFactory(published=True)
    author = UserFactory()
    for n in range(2):
        services.add_comment(author=author, proposal=proposal, body=f"댓글 {n}")

    with pytest.raises(RateLimited):
        services.add_comment(author=author, proposal=proposal, body="하나 더")

    assert Comment.objects.filter(author=author).count() == 2


@pytest.mark.django_db
def test_flagging_is_rate_limited(limits):
    reporter = UserFactory()
    for proposal in ProposalFactory.create_batch(2, published=True):
        services.flag_content(reporter=reporter, proposal=proposal, reason="스팸")

    with pytest.raises(RateLimited):
        services.flag_content(reporter=reporter, proposal=ProposalFactory(published=True), reason="스팸")

    assert Flag.objects.filter(reporter=reporter).count() == 2


@pytest.mark.django_db
def test_support_clicks_are_rate_limited(limits):
    proposal = ProposalFactory(published=True)
    resident = ResidentFactory()
    services.add_support(proposal=proposal, user=resident)
    services.withdraw_support(proposal=proposal, user=resident)

    with pytest.raises(RateLimited):
        services.add_support(proposal=proposal, user=resident)

    assert Proposal.objects.get(pk=proposal.pk).support_count == 0
