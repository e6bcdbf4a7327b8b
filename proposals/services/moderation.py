"""Flags from citizens and the moderators' hide / restore decisions, each kept on record with a reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.ratelimit import check_rate

from .. import rules
from ..models import Comment, Flag, ModerationAction, Proposal, TimelineEntry
from ..states import State
from .lifecycle import transition


@transaction.atomic
def flag_content(*, reporter, reason: str, proposal: Proposal | None = None, comment: Comment | None = None) -> Flag:
    if (proposal is None) == (comment is None):
        raise ValueError("flag exactly one of proposal or comment")
    refusal = rules.refuse_flag(reporter, proposal=proposal, comment=comment)
    if refusal:
        raise PermissionDenied(refusal)
    flag = Flag(reporter=reporter, proposal=proposal, comment=comment, reason=reason.strip())
    flag.full_clean(exclude=["reporter", "proposal", "comment"])
    check_rate(action="flag.create", user_id=reporter.pk)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("You have already reported this; a moderator will look at it."),
                              code="duplicate_flag") from None
    return flag


def _require_moderator(moderator, reason: str) -> str:
    refusal = rules.refuse_moderate(moderator)
    if refusal:
        raise PermissionDenied(refusal)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required; it stays on record.")}, code="reason_required")
    return reason[:1000]


def _resolve_flags(*, moderator, proposal=None, comment=None) -> None:
    Flag.objects.filter(proposal=proposal, comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def hide_proposal(*, moderator, proposal: Proposal, reason: str) -> Proposal:
    reason = _require_moderator(moderator, reason)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    transition(proposal=proposal, to=State.HIDDEN, actor=moderator, reason=reason)
    ModerationAction.objects.create(moderator=moderator, proposal=proposal, action="hide", reason=reason)
    _resolve_flags(moderator=moderator, proposal=proposal)
    return proposal


@transaction.atomic
def restore_proposal(*, moderator, proposal: Proposal, reason: str) -> Proposal:
    reason = _require_moderator(moderator, reason)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    transition(proposal=proposal, to=proposal.state_before_hidden or State.PUBLISHED, actor=moderator,
               reason=reason)
    ModerationAction.objects.create(moderator=moderator, proposal=proposal, action="restore", reason=reason)
    return proposal


@transaction.atomic
def set_comment_hidden(*, moderator, comment: Comment, hidden: bool, reason: str) -> Comment:
    reason = _require_moderator(moderator, reason)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden == hidden:
        raise ValidationError(_("This comment is already hidden.") if hidden else _("This comment is not hidden."),
                              code="no_change")
    comment.is_hidden = hidden
    comment.save(update_fields=["is_hidden"])
    ModerationAction.objects.create(
        moderator=moderator, comment=comment, action="hide" if hidden else "restore", reason=reason
    )
    TimelineEntry.objects.create(
        proposal_id=comment.proposal_id, kind=TimelineEntry.Kind.MODERATION, actor=moderator,
        code="comment_hidden" if hidden else "comment_restored", reason=reason,
    )
    if hidden:
        _resolve_flags(moderator=moderator, comment=comment)
    return comment


@transaction.atomic
def dismiss_flags(*, moderator, reason: str, proposal: Proposal | None = None, comment: Comment | None = None) -> int:
    """Keep the content visible and close its open flags, with the reason on record."""
    reason = _require_moderator(moderator, reason)
    ModerationAction.objects.create(moderator=moderator, proposal=proposal, comment=comment,
                                    action="dismiss", reason=reason)
    return Flag.objects.filter(proposal=proposal, comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )
