"""Moderators' pages: the queue of reported content and the hide / restore / dismiss decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import residents_for_verification

from frontend.refusals import show_refusal

from .. import rules, selectors, services
from ..forms import ModerationForm
from ..models import Comment
from .common import proposal_post, redirect_next, visible_proposal

_DONE = {  # lazy: translated per request, in the reader's language
    "hide": gettext_lazy("The proposal is hidden."),
    "restore": gettext_lazy("The proposal is restored."),
    "hide_comment": gettext_lazy("The comment is hidden."),
    "restore_comment": gettext_lazy("The comment is restored."),
    "dismiss": gettext_lazy("The reports are dismissed; the content stays visible."),
}


def _require_moderator(user) -> None:
    refusal = rules.refuse_moderate(user)
    if refusal:
        raise PermissionDenied(refusal)


def _apply(action: str, *, moderator, proposal, comment, reason: str) -> None:
    if action == "hide":
        services.hide_proposal(moderator=moderator, proposal=proposal, reason=reason)
    elif action == "restore":
        services.restore_proposal(moderator=moderator, proposal=proposal, reason=reason)
    elif action in ("hide_comment", "restore_comment"):
        if comment is None:
            raise ValidationError(_("Choose the comment to moderate."))
        services.set_comment_hidden(moderator=moderator, comment=comment, hidden=action == "hide_comment",
                                    reason=reason)
    else:
        target = {"comment": comment} if comment is not None else {"proposal": proposal}
        services.dismiss_flags(moderator=moderator, reason=reason, **target)


@proposal_post
def moderate(request, pk: int):
    _require_moderator(request.user)
    proposal = visible_proposal(request, pk)
    fallback = reverse("proposals:detail", args=[pk]) + "#moderation"
    form = ModerationForm(request.POST)
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(request, _("A reason is required; it stays on record."))
        else:
            messages.error(request, _("This moderation request is not valid."))
        return redirect_next(request, fallback)
    data = form.cleaned_data
    comment = None
    if data["comment"]:
        comment = get_object_or_404(Comment, pk=data["comment"], proposal=proposal)
    try:
        _apply(data["action"], moderator=request.user, proposal=proposal, comment=comment, reason=data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _DONE[data["action"]])
    return redirect_next(request, fallback)


@login_required
def moderation_queue(request):
    _require_moderator(request.user)
    return render(request, "proposals/moderation.html", {
        "items": selectors.moderation_items(),
        "unverified_count": residents_for_verification(verified=False).count(),
    })
