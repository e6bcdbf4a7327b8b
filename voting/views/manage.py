"""Creating and running votes: staff's drafts, a yes/no vote on a proposal, a .pb import, scheduling,
cancelling and extending; citizens' proposed votes and the moderators' review of them.

Thin views: they parse the form, ask the ``refuse_*`` rules, call services and show the service's
own message when it refuses.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imports.services import start_import
from frontend.refusals import show_refusal

from proposals.models import Proposal

from .. import rules, selectors, services
from ..manage_forms import ExtendForm, ImportPbForm, RejectForm, VoteForm, add_service_errors, initial_from
from ..models import Vote, VotingSettings
from ..states import VoteState


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _manager_refusal(user) -> str | None:
    return None if rules.may_manage(user) else _("Only staff can manage votes.")


def staff_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _require(_manager_refusal(request.user))
        return view(request, *args, **kwargs)
    return wrapper


def vote_post(view):
    """POST-only action on a vote; an anonymous visitor is sent to sign in."""
    @require_POST
    @login_required
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        return view(request, get_object_or_404(Vote, pk=pk), *args, **kwargs)
    return wrapper


def _back(request, vote: Vote):
    """Staff go back to their list; a citizen to their own votes."""
    return redirect("voting:manage" if rules.may_manage(request.user) else "voting:mine")


# -- The staff list -------------------------------------------------------------------------------

@staff_only
def manage(request):
    groups = [(VoteState(state).label, votes, rules.manage_actions(state))
              for state, votes in selectors.votes_by_state()]
    return render(request, "voting/manage_list.html", {
        "groups": groups,
        "citizens_may_submit": VotingSettings.load().citizens_may_submit,
    })


# -- Writing a vote -------------------------------------------------------------------------------

def _form_page(request, form, vote=None, *, staff: bool):
    proposal = None
    proposal_pk = form["proposal"].value() if "proposal" in form.fields else None
    if proposal_pk:
        proposal = Proposal.objects.filter(pk=proposal_pk).first()
    return render(request, "voting/vote_form.html", {"form": form, "vote": vote, "staff": staff,
                                                     "proposal": proposal,
                                                     "actions": rules.manage_actions(vote.state) if vote else set()})


@staff_only
def create(request):
    if request.method == "POST":
        form = VoteForm(request.POST)
        if form.is_valid():
            try:
                vote = services.create_vote(actor=request.user, spec=form.spec())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The vote is saved as a draft. Schedule it when it is ready."))
                return redirect("voting:edit", vote.pk)
    else:
        initial = {}
        if request.GET.get("proposal"):
            proposal = get_object_or_404(Proposal.objects.select_related("category"),
                                         pk=_int(request.GET["proposal"]))
            initial = selectors.yes_no_initial(proposal)
        form = VoteForm(initial=initial)
    return _form_page(request, form, staff=True)


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


@login_required
def propose(request):
    _require(rules.refuse_submit(request.user))
    if request.method == "POST":
        form = VoteForm(request.POST, staff=False)
        if form.is_valid():
            try:
                services.submit_vote(actor=request.user, spec=form.spec())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your vote is submitted. A moderator will review it; "
                                            "you can follow its status here."))
                return redirect("voting:mine")
    else:
        form = VoteForm(staff=False)
    return _form_page(request, form, staff=False)


@login_required
def edit(request, pk: int):
    vote = get_object_or_404(Vote, pk=pk)
    _require(rules.refuse_edit(request.user, vote))
    if not rules.is_editable(vote):
        messages.error(request, _("A scheduled vote keeps its question, options and rules; only its close "
                                  "can be extended."))
        return _back(request, vote)
    staff = vote.state == VoteState.DRAFT
    if request.method == "POST":
        form = VoteForm(request.POST, staff=staff)
        if form.is_valid():
            try:
                services.update_vote(vote=vote, actor=request.user, spec=form.spec())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The vote is saved."))
                return redirect("voting:edit", vote.pk) if staff else redirect("voting:mine")
    else:
        form = VoteForm(initial=initial_from(vote), staff=staff)
    return _form_page(request, form, vote, staff=staff)


# -- Moves ----------------------------------------------------------------------------------------

@vote_post
def schedule(request, vote: Vote):
    try:
        services.schedule(vote=vote, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The vote is scheduled: it opens by itself at its opening time."))
    return redirect("voting:manage")


@vote_post
def cancel(request, vote: Vote):
    try:
        services.cancel_vote(vote=vote, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The vote is cancelled."))
    return _back(request, vote)


@staff_only
def extend(request, pk: int):
    vote = get_object_or_404(Vote, pk=pk)
    form = ExtendForm(request.POST or None, initial={"closes_at": vote.closes_at})
    if request.method == "POST" and form.is_valid():
        try:
            services.extend_close(vote=vote, actor=request.user, closes_at=form.cleaned_data["closes_at"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The close is extended."))
            return redirect("voting:manage")
    return render(request, "voting/manage_extend.html", {"form": form, "vote": vote})


@staff_only
def import_pb(request):
    """The file is read by a background job (services/pb_import.py), whose page shows its progress; a file
    over VOTE_IMPORT_MAX_BYTES or a form mistake comes back at once."""
    form = ImportPbForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["with_ballots"]:
                services.check_past(closes_at=data["closes_at"])
            job = start_import(kind="pb", upload=data["file"], actor=request.user, params={
                "opens_at": data["opens_at"].isoformat(), "closes_at": data["closes_at"].isoformat(),
                "rule": data["budget_rule"], "with_ballots": data["with_ballots"],
                "department": data["department"].pk if data["department"] else None,
                "language": get_language(), "back_url": reverse("voting:import_pb")})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("imports:job", job.pk)
    return render(request, "voting/import_pb.html", {"form": form})


# -- Citizens' votes and their review -------------------------------------------------------------

@login_required
def mine(request):
    return render(request, "voting/manage_mine.html", {
        "votes": selectors.votes_submitted_by(request.user),
        "may_submit": rules.refuse_submit(request.user) is None,
    })


@login_required
def submitted(request):
    _require(rules.refuse_review(request.user))
    return render(request, "voting/manage_submitted.html", {"votes": selectors.submitted_votes()})


@login_required
def review(request, pk: int):
    _require(rules.refuse_review(request.user))
    vote = get_object_or_404(Vote.objects.select_related("created_by"), pk=pk)
    form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reject":
                if not form.is_valid():
                    raise ValidationError(_("Give the reason; its author will read it."))
                services.reject_vote(vote=vote, moderator=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The vote is not approved; its author sees your reason."))
            else:
                services.approve_vote(vote=vote, moderator=request.user, schedule_now=action == "approve_schedule")
                messages.success(request, _("The vote is approved.") + " " + (
                    _("It is scheduled.") if action == "approve_schedule" else _("Staff can now prepare and "
                                                                                 "schedule it.")))
            return redirect("voting:submitted")
        except (PermissionDenied, ValidationError) as exc:
            show_refusal(request, exc)
    return render(request, "voting/manage_review.html", {
        "vote": vote, "form": form, "options": vote.options.all(), "may_schedule": rules.may_manage(request.user),
    })


urlpatterns = [
    path("votes/manage/", manage, name="manage"),
    path("votes/new/", create, name="create"),
    path("votes/propose/", propose, name="propose"),
    path("votes/mine/", mine, name="mine"),
    path("votes/import/", import_pb, name="import_pb"),
    path("votes/submitted/", submitted, name="submitted"),
    path("votes/<int:pk>/edit/", edit, name="edit"),
    path("votes/<int:pk>/schedule/", schedule, name="schedule"),
    path("votes/<int:pk>/cancel/", cancel, name="cancel"),
    path("votes/<int:pk>/extend/", extend, name="extend"),
    path("votes/<int:pk>/review/", review, name="review"),
]
