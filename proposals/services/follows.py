"""Following: a person asks to hear of a proposal's (or a vote's) changes without writing or supporting it.

The follows of votes are kept here too (one table, one notification system); the voting module checks
who may follow a vote (voting.rules.refuse_follow) and calls ``do_follow`` / ``do_unfollow``.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from .. import rules
from ..models import Follow, Proposal


def do_follow(*, user, proposal: Proposal | None = None, vote=None) -> bool:
    """Record the follow (True), or nothing if it exists already (False): following twice is following."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, proposal=proposal, vote=vote)
    except IntegrityError:  # the unique constraint: another click or tab got there first
        return False
    return True


def do_unfollow(*, user, proposal: Proposal | None = None, vote=None) -> bool:
    target = {"proposal": proposal} if proposal is not None else {"vote": vote}
    return Follow.objects.filter(user=user, **target).delete()[0] > 0


def follow_proposal(*, user, proposal: Proposal) -> bool:
    reason = rules.refuse_follow(user, proposal)
    if reason:
        raise PermissionDenied(reason)
    return do_follow(user=user, proposal=proposal)


def unfollow_proposal(*, user, proposal: Proposal) -> bool:
    """Anyone may stop following, whatever the proposal's state now."""
    return do_unfollow(user=user, proposal=proposal)
