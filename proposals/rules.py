"""The one place that answers "may this user do this to this object now?".

Each rule returns ``None`` when allowed, or the reason (translated text) when refused, so views,
templates and services ask the same question and show the same reason.
"""

from django.utils.translation import gettext as _

from .models import Comment, FollowUp, Proposal
from .states import PUBLIC_STATES, State


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_view(user, proposal: Proposal) -> bool:
    if proposal.state in PUBLIC_STATES:
        return True
    if not _signed_in(user):
        return False
    if proposal.state == State.DRAFT:  # a draft is private to its author, moderators included
        return proposal.author_id == user.pk
    return proposal.author_id == user.pk or user.is_moderator


def refuse_create(user) -> str | None:
    if not _signed_in(user):
        return _("Please sign in to write a proposal.")
    return None


def refuse_edit(user, proposal: Proposal) -> str | None:
    if not _signed_in(user) or proposal.author_id != user.pk:
        return _("Only the author can edit this proposal.")
    if proposal.state != State.DRAFT:
        return _("Only drafts can be edited; a published proposal keeps its text.")
    return None


def refuse_withdraw(user, proposal: Proposal) -> str | None:
    if not _signed_in(user) or proposal.author_id != user.pk:
        return _("Only the author can withdraw this proposal.")
    if proposal.state not in (State.DRAFT, State.PUBLISHED):
        return _("A proposal can be withdrawn only before it is escalated or closed.")
    return None


def refuse_support(user, proposal: Proposal) -> str | None:
    if not _signed_in(user):
        return _("Please sign in to support this proposal.")
    if not user.is_verified_resident:
        return _("Only verified residents can support proposals.")
    if not proposal.is_support_open:
        return _("The support window for this proposal is closed.")
    return None


def refuse_follow(user, proposal: Proposal) -> str | None:
    """Anyone signed in may follow a public proposal; its author and supporters hear of it already."""
    if not _signed_in(user):
        return _("Please sign in to follow this proposal.")
    if proposal.state not in PUBLIC_STATES:
        return _("Only public proposals can be followed.")
    return None


def refuse_comment(user, proposal: Proposal, parent: Comment | None = None) -> str | None:
    if not _signed_in(user):
        return _("Please sign in to comment.")
    if proposal.state not in PUBLIC_STATES:
        return _("This proposal is not open for comments.")
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            return _("That comment belongs to another proposal.")
        if parent.parent_id is not None:
            return _("Replies go one level deep; reply to the first comment instead.")
        if parent.is_hidden:
            return _("You cannot reply to a hidden comment.")
    return None


def refuse_flag(user, *, proposal: Proposal | None = None, comment: Comment | None = None) -> str | None:
    if not _signed_in(user):
        return _("Please sign in to report content.")
    author_id = proposal.author_id if proposal is not None else comment.author_id
    if author_id == user.pk:
        return _("You cannot report your own content.")
    return None


def refuse_moderate(user) -> str | None:
    if not _signed_in(user) or not user.is_moderator:
        return _("Only moderators can do this.")
    return None


def refuse_follow_up(user, follow_up: FollowUp) -> str | None:
    """Only officers of the item's own department work on it."""
    if not _signed_in(user) or not user.is_officer:
        return _("Only department officers can answer follow-up items.")
    if user.department_id != follow_up.department_id:
        return _("This item belongs to another department.")
    return None
