"""Taking part in a proposal: support, comments and replies, reports, and replying to a department."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.refusals import show_refusal

from .. import services
from ..forms import CommentForm, FlagForm, ReplyForm, add_service_errors
from ..models import Comment, FollowUp
from .browse import detail_context
from .common import proposal_post, visible_proposal


@proposal_post
def support(request, pk: int):
    proposal = visible_proposal(request, pk)
    action = request.POST.get("action", "add")
    try:
        if action == "withdraw":
            services.withdraw_support(proposal=proposal, user=request.user)
            messages.success(request, _("Your support is withdrawn."))
        else:
            services.add_support(proposal=proposal, user=request.user)
            messages.success(request, _("Thank you: your support is counted."))
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    return redirect(reverse("proposals:detail", args=[pk]) + "#support")


@proposal_post
def follow(request, pk: int):
    """Follow or stop following (``action=unfollow``); the button on the proposal's page, without JavaScript."""
    proposal = visible_proposal(request, pk)
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow_proposal(user=request.user, proposal=proposal)
            messages.success(request, _("You no longer follow this proposal."))
        else:
            services.follow_proposal(user=request.user, proposal=proposal)
            messages.success(request, _("You follow this proposal: you will be told of every change to it."))
    except PermissionDenied as exc:
        show_refusal(request, exc)
    return redirect(reverse("proposals:detail", args=[pk]) + "#follow")


@proposal_post
def comment(request, pk: int):
    """Add a comment or a reply; on an error the page comes back with the text still in its box."""
    proposal = visible_proposal(request, pk)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        if parent_id:
            parent = get_object_or_404(Comment, pk=parent_id, proposal=proposal)
        try:
            created = services.add_comment(author=request.user, proposal=proposal, body=form.cleaned_data["body"],
                                           parent=parent)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(reverse("proposals:detail", args=[pk]) + f"#comment-{created.pk}")
    reply_to = parent.pk if parent else (form.data.get("parent") or None)
    context = detail_context(request, proposal, comment_form=form,
                             reply_to=int(reply_to) if str(reply_to or "").isdigit() else None)
    return render(request, "proposals/proposal_detail.html", context)


@proposal_post
def flag(request, pk: int):
    proposal = visible_proposal(request, pk)
    form = FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say briefly why this should be reviewed (at most 300 characters)."))
        return redirect(proposal)
    comment_id = form.cleaned_data["comment"]
    target = {"proposal": proposal}
    if comment_id:
        target = {"comment": get_object_or_404(Comment, pk=comment_id, proposal=proposal)}
    try:
        services.flag_content(reporter=request.user, reason=form.cleaned_data["reason"], **target)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Thank you. A moderator will review your report."))
    anchor = f"#comment-{comment_id}" if comment_id else ""
    return redirect(reverse("proposals:detail", args=[pk]) + anchor)


@login_required
@require_POST
def clarification_reply(request, pk: int):
    """The author answers a department's question; on an error the proposal page keeps the typed reply."""
    follow_up = get_object_or_404(FollowUp, pk=pk)
    if follow_up.proposal_id is None:  # an item from a vote result has no author to reply
        raise Http404
    proposal = visible_proposal(request, follow_up.proposal_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_clarification(author=request.user, follow_up=follow_up, body=form.cleaned_data["body"])
        except (PermissionDenied, ValidationError) as exc:
            if not hasattr(exc, "error_dict"):  # not about the text: the item is no longer waiting, or not yours
                show_refusal(request, exc)
                return redirect(reverse("proposals:detail", args=[proposal.pk]) + f"#follow-up-{follow_up.pk}")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your reply is sent to the department."))
            return redirect(reverse("proposals:detail", args=[proposal.pk]) + f"#follow-up-{follow_up.pk}")
    context = detail_context(request, proposal, clarification_form=form, clarification_for=follow_up.pk)
    return render(request, "proposals/proposal_detail.html", context)
