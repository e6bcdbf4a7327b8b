"""Following a vote: its followers hear when it opens, closes and publishes its results (lifecycle's on_enter)."""

from django.core.exceptions import PermissionDenied

from proposals.services.follows import do_follow, do_unfollow

from .. import rules
from ..models import Vote


def follow_vote(*, user, vote: Vote) -> bool:
    reason = rules.refuse_follow(user, vote)
    if reason:
        raise PermissionDenied(reason)
    return do_follow(user=user, vote=vote)


def unfollow_vote(*, user, vote: Vote) -> bool:
    """Anyone may stop following, whatever the vote's state now."""
    return do_unfollow(user=user, vote=vote)
