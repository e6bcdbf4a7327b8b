"""Department follow-ups: the public list, an officer's queue and the page to answer one item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import rules, selectors, services
from ..forms import AnswerForm, ClarificationForm, ProgressForm, add_service_errors
from ..models import FollowUp
from ..states import FOLLOW_UP_TRANSITIONS, FollowUpState, Verdict

FORMS = {"clarification": ClarificationForm, "answer": AnswerForm, "progress": ProgressForm}


def public_follow_ups(request):
    overdue_only = request.GET.get("overdue") == "1"
    page = Paginator(selectors.public_follow_ups(overdue_only=overdue_only), 20).get_page(request.GET.get("page"))
    return render(request, "proposals/follow_ups.html", {"page": page, "overdue_only": overdue_only})


@login_required
def follow_up_queue(request):
    if not request.user.is_officer:
        raise PermissionDenied(_("Only department officers have a follow-up queue."))
    include_done = request.GET.get("done") == "1"
    items = selectors.follow_up_queue(department_id=request.user.department_id, include_done=include_done)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "proposals/follow_up_queue.html", {
        "page": page, "include_done": include_done, "department": request.user.department,
    })


def allowed_forms(follow_up: FollowUp) -> list[str]:
    """Which of the three forms the item's state allows, read from the follow-up transition table."""
    nexts = FOLLOW_UP_TRANSITIONS[follow_up.state]
    allowed = []
    if FollowUpState.CLARIFICATION in nexts:
        allowed.append("clarification")
    if FollowUpState.ANSWERED in nexts:
        allowed.append("answer")
    if nexts & {FollowUpState.IN_PROGRESS, FollowUpState.COMPLETED} and follow_up.verdict in (
            Verdict.ACCEPTED, Verdict.PARTIAL):
        allowed.append("progress")
    return allowed


def _submit(request, which: str, form, follow_up: FollowUp) -> str:
    """Call the service for the submitted form; return the confirmation to show."""
    data, officer = form.cleaned_data, request.user
    if which == "clarification":
        services.request_clarification(officer=officer, follow_up=follow_up, body=data["body"])
        return _("Your question is sent to the author and shown publicly.")
    if which == "answer":
        services.publish_answer(officer=officer, follow_up=follow_up, verdict=data["verdict"], body=data["body"])
        return _("The answer is published; the author and supporters are told.")
    services.update_progress(officer=officer, follow_up=follow_up, body=data["body"], percent=data["percent"],
                             completed=data["completed"])
    return _("The progress report is published.")


@login_required
def follow_up_work(request, pk: int):
    follow_up = get_object_or_404(FollowUp.objects.select_related("proposal", "proposal__category", "department"),
                                  pk=pk)
    refusal = rules.refuse_follow_up(request.user, follow_up)
    if refusal:
        raise PermissionDenied(refusal)
    allowed = allowed_forms(follow_up)
    forms = {
        "clarification": ClarificationForm(prefix="clarification"),
        "answer": AnswerForm(prefix="answer"),
        "progress": ProgressForm(prefix="progress", initial={"percent": follow_up.progress_percent}),
    }
    if request.method == "POST":
        which = request.POST.get("form")
        if which not in allowed:
            messages.error(request, _("This action is not possible in the item's current state."))
            return redirect("proposals:follow_up_work", pk=pk)
        form = forms[which] = FORMS[which](request.POST, prefix=which)
        if form.is_valid():
            try:
                messages.success(request, _submit(request, which, form, follow_up))
                return redirect("proposals:follow_up_work", pk=pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(request, "proposals/follow_up_work.html", {
        "follow_up": follow_up, "proposal": follow_up.proposal, "allowed": allowed,
        "updates": follow_up.updates.select_related("author"),
        **{f"{name}_form": form for name, form in forms.items()},
    })
