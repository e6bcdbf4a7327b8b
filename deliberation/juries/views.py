"""The pages of citizens' juries and consensus conferences: the list, setting one up, the public page, the
facilitator's page, the juror's secret ballot, the shared draft and a juror's minority opinion.

The live parts (hearing, deliberation) are the room pages; these pages link to them.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontend.forms import add_service_errors
from frontend.refusals import refusal_message, show_refusal

from deliberation.juries import exports, rules as jury_rules, selectors, services
from deliberation.juries.models import Jury, MinorityOpinion
from deliberation.juries.selectors import latest_verdict
from deliberation.juries.states import JuryState, VerdictRule, VerdictState
from deliberation.juries.forms import DraftForm, JuryForm, MinorityForm, PersonForm


def _jury(pk: int) -> Jury:
    return get_object_or_404(Jury.objects.select_related("facilitator", "room", "private_room", "proposal",
                                                         "recommendation"), pk=pk)


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def jury_list(request):
    return render(request, "deliberation/jury_list.html", {
        "juries": selectors.juries(), "may_create": jury_rules.may_create_jury(request.user)})


@login_required
def jury_create(request):
    _refuse(None if jury_rules.may_create_jury(request.user) else _("Only facilitators can set up a citizens' jury."))
    form = JuryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            jury = services.create_jury(
                facilitator=request.user, kind=data["kind"], title=data["title"], question=data["question"],
                size=data["size"], verdict_rule=data["verdict_rule"], options=data["options"].splitlines(),
                proposal=data["proposal"], category=data["category"], draw=data["draw"],
                minutes={k: data[k] for k in ("briefing", "testimony", "questions", "deliberation")})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The jury is set up. Seat its jurors, then start the hearing."))
            return redirect("juries:jury_manage", jury.pk)
    return render(request, "deliberation/jury_form.html", {"form": form})


def jury_detail(request, pk: int):
    jury = _jury(pk)
    user = request.user
    recommendation = jury.recommendation
    published = jury.state == JuryState.PUBLISHED
    return render(request, "deliberation/jury_detail.html", {
        "jury": jury, "people": selectors.jury_people(jury), "verdicts": selectors.closed_verdicts(jury),
        "open_verdict": jury.verdicts.filter(state=VerdictState.OPEN).first(),
        "recommendation": recommendation if published else None,
        "adopted_by": recommendation.adopted_by if published else None,
        "minority": selectors.minority_opinions(recommendation) if published else [],
        "states": JuryState.choices, "may_manage": jury_rules.may_manage(user, jury),
        "is_juror": jury_rules.is_seated(user, jury),
        "may_dissent": jury_rules.refuse_minority(user, jury) is None,
        "may_enter_hearing": user.is_authenticated and jury_rules.may_view_room(user, jury.room),
        "may_enter_private": user.is_authenticated and jury_rules.may_view_room(user, jury.private_room),
    })


MANAGE_ACTIONS = ("add_juror", "add_expert", "add_observer", "remove", "start_hearing", "start_deliberation",
                  "open_verdict", "close_verdict", "add_round", "start_drafting", "open_adoption", "publish")


def _manage_action(request, jury: Jury, action: str, person: PersonForm) -> str | None:
    """Run one action of the facilitator's page; returns the success message, raises on refusal."""
    user = request.user
    if action in ("add_juror", "add_expert", "add_observer", "remove"):
        if not person.is_valid():
            return None
        target = person.cleaned_data["email"]
        if action == "remove":
            services.remove_juror(jury=jury, user=target, actor=user, reason=request.POST.get("reason", ""))
            return _("%(name)s was removed from the jury.") % {"name": target.public_name}
        {"add_juror": services.add_juror, "add_expert": services.add_expert,
         "add_observer": services.add_observer}[action](jury=jury, user=target, actor=user)
        return _("%(name)s was added.") % {"name": target.public_name}
    if action == "add_round":
        try:
            minutes = int(request.POST.get("minutes") or 30)
        except ValueError:
            raise ValidationError(_("Each stage lasts between 1 and 600 minutes.")) from None
        services.add_deliberation_round(jury=jury, actor=user, title=request.POST.get("title", ""), minutes=minutes)
        return _("Another deliberation round was added to the private room.")
    if action == "close_verdict":
        verdict = latest_verdict(jury)
        if verdict is None:
            raise ValidationError(_("There is no open vote."))
        services.close_verdict(verdict=verdict, actor=user)
        return _("The vote is closed.")
    simple = {"start_hearing": services.start_hearing, "start_deliberation": services.start_deliberation,
              "open_verdict": services.open_verdict, "start_drafting": services.start_drafting,
              "open_adoption": services.open_adoption_vote, "publish": services.publish_recommendation}
    simple[action](jury=jury, actor=user)
    return {"publish": _("The recommendation is published and sent on as a proposal.")}.get(action, _("Done."))


@login_required
def jury_manage(request, pk: int):
    jury = _jury(pk)
    _refuse(None if jury_rules.may_manage(request.user, jury) else _("Only the jury's facilitator can do this."))
    person = PersonForm(request.POST or None)
    draft = DraftForm(initial={"text": jury.recommendation.text})
    action = request.POST.get("action", "")
    status = 200
    if request.method == "POST" and action in MANAGE_ACTIONS:
        try:
            done = _manage_action(request, jury, action, person)
        except (ValidationError, PermissionDenied) as exc:
            show_refusal(request, exc)
        else:
            if done:
                messages.success(request, done)
                return redirect("juries:jury_manage", jury.pk)
        status = 400  # refused (or the person's address is not valid): the page again, with what was typed
        jury = _jury(pk)
    verdict = latest_verdict(jury)
    return render(request, "deliberation/jury_manage.html", {
        "jury": jury, "person": person, "draft": draft, "people": selectors.jury_people(jury),
        "seated": jury_rules.seated_jurors(jury).count(), "verdict": verdict,
        "verdicts": selectors.closed_verdicts(jury), "action": action,
        "next_actions": jury_rules.next_actions(request.user, jury, verdict),
    }, status=status)


def _rank_rows(verdict, posted: list[str]) -> list[tuple[int, str]]:
    """(position, the option chosen there last time) for the ranked ballot's selects: a refused ballot keeps them."""
    if verdict is None or verdict.rule != VerdictRule.RANKED:
        return []
    return [(n, posted[n - 1] if n <= len(posted) else "") for n in range(1, len(verdict.options) + 1)]


@login_required
def jury_verdict(request, pk: int):
    jury = _jury(pk)
    verdict = jury.verdicts.filter(state=VerdictState.OPEN).first()
    _refuse(jury_rules.refuse_juror_action(request.user, jury))
    error = None
    if request.method == "POST":
        if verdict is None:
            error = _("There is no open vote.")
        else:
            choice = (request.POST.getlist("ranking") if verdict.rule == VerdictRule.RANKED
                      else request.POST.get("choice"))
            if isinstance(choice, list):
                choice = [c for c in choice if c]
            try:
                services.cast_ballot(verdict=verdict, user=request.user, choice=choice)
            except (ValidationError, PermissionDenied) as exc:
                error = refusal_message(exc)
            else:
                messages.success(request, _("Your secret ballot is counted. Nobody can see how you voted."))
                return redirect("juries:jury_verdict", jury.pk)
    shown = verdict or latest_verdict(jury)  # the last vote stays shown to those who voted in it, once closed
    voted = shown is not None and shown.voters.filter(user=request.user).exists()
    return render(request, "deliberation/jury_verdict.html", {
        "jury": jury, "verdict": verdict if verdict or not voted else shown, "voted": voted, "error": error,
        "posted": request.POST,
        "positions": _rank_rows(verdict, request.POST.getlist("ranking")),
    }, status=400 if error else 200)


@login_required
def jury_draft(request, pk: int):
    jury = _jury(pk)
    if not jury_rules.may_manage(request.user, jury):
        _refuse(jury_rules.refuse_juror_action(request.user, jury))
    form = DraftForm(request.POST or None, initial={"text": jury.recommendation.text})
    if request.method == "POST":
        _refuse(jury_rules.refuse_draft_edit(request.user, jury))
        if form.is_valid():
            try:
                services.save_recommendation(jury=jury, actor=request.user, text=form.cleaned_data["text"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The draft is saved; everyone in the private room sees it."))
                return redirect("juries:jury_draft", jury.pk)
    return render(request, "deliberation/jury_draft.html", {
        "jury": jury, "form": form, "recommendation": jury.recommendation,
        "refusal": jury_rules.refuse_draft_edit(request.user, jury)})


@login_required
def jury_minority(request, pk: int):
    jury = _jury(pk)
    _refuse(jury_rules.refuse_juror_action(request.user, jury))
    mine = MinorityOpinion.objects.filter(recommendation=jury.recommendation, author=request.user).first()
    form = MinorityForm(request.POST or None, initial={"text": mine.text, "signed": mine.signed} if mine else None)
    if request.method == "POST":
        _refuse(jury_rules.refuse_minority(request.user, jury))
        if form.is_valid():
            try:
                services.write_minority_opinion(jury=jury, author=request.user, text=form.cleaned_data["text"],
                                                signed=form.cleaned_data["signed"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your minority opinion is saved; it is published with the "
                                            "recommendation."))
                return redirect("juries:jury", jury.pk)
    return render(request, "deliberation/jury_minority.html", {
        "jury": jury, "form": form, "refusal": jury_rules.refuse_minority(request.user, jury)})


def verdict_ballots_csv(request, pk: int, number: int):
    """A closed vote's ballots as open data (exports.verdict_ballots_csv)."""
    jury = _jury(pk)
    verdict = jury.verdicts.filter(number=number, state=VerdictState.CLOSED).first()
    if verdict is None:
        raise Http404
    return exports.verdict_ballots_csv(verdict)
