"""Invitation pages: staff send a drawn panel's invitations and record drop-outs (on the draw's page);
an invited person confirms or declines, signed in (/invitations/) or through the letter's link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.refusals import refusal_message, show_refusal

from deliberation.panels import exports, rules, selectors, services
from deliberation.panels.models import Draw, Invitation
from deliberation.panels.views import draws as draw_views  # a module: draws imports this one too
from deliberation.panels.forms import SendForm, WithdrawForm


def record_context(draw: Draw, staff: bool, send_form: "SendForm | None" = None) -> dict:
    """What the draw's page shows of its invitations (see selectors.invitation_record)."""
    return {"invitations": selectors.invitation_record(draw, staff=staff), "send_form": send_form or SendForm(),
            "withdraw_form": WithdrawForm()}


@login_required
@require_POST
def invitations_send(request, pk: int):
    if not rules.may_run_draws(request.user):
        raise PermissionDenied(_("Only staff can send a panel's invitations."))
    draw = get_object_or_404(Draw, pk=pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            sent = services.send_invitations(draw=draw, actor=request.user,
                                             deadline_at=form.cleaned_data["deadline_at"])
        except ValidationError as exc:  # on top of the page: the form is not shown once invitations exist
            show_refusal(request, exc)
        else:
            messages.success(request, _("%(n)d invitations are sent.") % {"n": len(sent)})
            return redirect("panels:draw", pk)
    # the draw's page, again, with the refused form as typed
    return draw_views.draw_detail(request, pk, send_form=form, status=400)


@login_required
@require_POST
def invitation_withdraw(request, pk: int, invitation_pk: int):
    invitation = get_object_or_404(Invitation, pk=invitation_pk, draw_id=pk)
    try:
        services.withdraw_invitation(invitation=invitation, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Seat %(seat)d: the drop-out is recorded.") % {"seat": invitation.seat})
    return redirect("panels:draw", pk)


@login_required
def invitation_letters(request, pk: int):
    """Staff: the open invitations as a CSV for a mail merge of letters (seat, person id, deadline, link).
    The link is the invited person's key to answer: people's data, for staff only."""
    if not rules.may_run_draws(request.user):
        raise PermissionDenied(_("Only staff can send a panel's invitations."))
    return exports.invitation_letters(get_object_or_404(Draw, pk=pk))


@login_required
def invitation_list(request):
    return render(request, "deliberation/invitation_list.html",
                  {"invitations": selectors.my_invitations(request.user)})


def _answer(request, invitation: Invitation, *, token: str | None, page: str, context: dict):
    """Confirm or decline; a refused answer shows why (403 not yours, 400 too late or answered) and changes
    nothing."""
    answer = request.POST.get("answer")
    if answer not in ("confirm", "decline"):  # never read a missing or unknown answer as a decline
        return render(request, page, {**context, "error": _("Choose whether you take part or decline.")},
                      status=400)
    accept = answer == "confirm"
    try:
        services.answer_invitation(invitation=invitation, user=request.user, token=token, accept=accept)
    except PermissionDenied as exc:
        return render(request, page, {**context, "error": refusal_message(exc)}, status=403)
    except ValidationError as exc:
        return render(request, page, {**context, "error": refusal_message(exc)}, status=400)
    messages.success(request, _("Thank you: you confirmed your seat.") if accept
                     else _("Thank you for answering: your seat goes to a person from the reserve."))
    return None


@login_required
@require_POST
def invitation_answer(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk)
    context = {"invitations": selectors.my_invitations(request.user)}
    refused = _answer(request, invitation, token=None, page="deliberation/invitation_list.html", context=context)
    return refused or redirect("panels:invitations")


def invitation_by_token(request, token: str):
    """The letter's link: no sign-in; the token is the permission."""
    invitation = get_object_or_404(Invitation.objects.select_related("draw"), token=token)
    if request.method == "POST":
        refused = _answer(request, invitation, token=token, page="deliberation/invitation_token.html",
                          context={"invitation": invitation})
        if refused:
            return refused
        return redirect("panels:invitation_token", token)
    return render(request, "deliberation/invitation_token.html", {"invitation": invitation})
