"""Writing proposals: create and edit drafts, publish, withdraw, and the author's own list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from frontend.refusals import show_refusal

from .. import rules, selectors, services
from ..forms import ProposalForm, WithdrawForm, add_service_errors
from ..states import State
from .common import proposal_post, visible_proposal


def _initial(proposal) -> dict:
    return {
        "title": proposal.title, "body": proposal.body, "category": proposal.category_id,
        "scope": proposal.scope, "district": proposal.district,
        "tags": ", ".join(proposal.tags.values_list("name", flat=True)),
    }


def _save(request, form, proposal):
    """Save the draft (and publish it if asked) in one transaction: a failed publish keeps no half-state."""
    data = form.cleaned_data
    publish = request.POST.get("action") == "publish"
    with transaction.atomic():
        proposal = services.save_draft(
            author=request.user, proposal=proposal, title=data["title"], body=data["body"],
            category=data["category"], scope=data["scope"], district=data["district"], tags=data["tags"],
        )
        if publish:
            services.publish_proposal(proposal=proposal, actor=request.user)
    if publish:
        messages.success(request, _("Your proposal is published. The support window is open."))
    else:
        messages.success(request, _("Your draft is saved. Only you can see it until you publish it."))
    return redirect(proposal)


def _edit_page(request, proposal=None):
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            try:
                return _save(request, form, proposal)
            except ValidationError as exc:
                add_service_errors(form, exc)
    else:
        form = ProposalForm(initial=_initial(proposal) if proposal else None)
    return render(request, "proposals/proposal_form.html", {"form": form, "proposal": proposal})


@login_required
def proposal_create(request):
    refusal = rules.refuse_create(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    return _edit_page(request)


@login_required
def proposal_edit(request, pk: int):
    proposal = visible_proposal(request, pk)
    refusal = rules.refuse_edit(request.user, proposal)
    if refusal:
        raise PermissionDenied(refusal)
    return _edit_page(request, proposal)


@proposal_post
def proposal_publish(request, pk: int):
    proposal = visible_proposal(request, pk)
    try:
        services.publish_proposal(proposal=proposal, actor=request.user)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Your proposal is published. The support window is open."))
    return redirect(proposal)


@proposal_post
def proposal_withdraw(request, pk: int):
    proposal = visible_proposal(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.withdraw_proposal(proposal=proposal, actor=request.user, reason=reason)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Your proposal is withdrawn."))
    return redirect(proposal)


@login_required
def my_proposals(request):
    proposals = list(selectors.drafts_of(user=request.user).select_related("category"))
    return render(request, "proposals/my_proposals.html", {
        "drafts": [p for p in proposals if p.state == State.DRAFT],
        "proposals": [p for p in proposals if p.state != State.DRAFT],
    })
