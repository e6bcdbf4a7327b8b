"""The budget committee's pages: the budget school (staff), the sub-committees (public, staff create
and seat them), a sub-committee's page with its scores and shortlist, and the vote made from the
shortlists. Thin: rules say who, services write, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budget.committee import rules, selectors, services
from budget.committee.forms import (
    AttendanceForm, CommitteeDrawForm, MembersForm, SessionForm, ShortlistForm, SubCommitteeForm,
)
from budget.models import BudgetCycle, BudgetProject, SubCommittee
from budget.rules import is_budget_staff, sub_committee_member
from budget.states import CycleStage
from frontend.forms import add_service_errors
from frontend.refusals import show_refusal


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _cycle(request, slug: str) -> BudgetCycle:
    """A cycle the visitor may see: one being prepared is staff's only."""
    cycle = get_object_or_404(BudgetCycle, slug=slug)
    if cycle.stage == CycleStage.DRAFT and not is_budget_staff(request.user):
        raise Http404
    return cycle


def _sub_committee(request, slug: str, field_slug: str) -> SubCommittee:
    cycle = _cycle(request, slug)
    return get_object_or_404(SubCommittee.objects.select_related("cycle", "field", "room"), cycle=cycle,
                             field__slug=field_slug)


# --- The budget school -------------------------------------------------------------------------------

SCHOOL_ACTIONS = ("session", "attendance", "draw")


@login_required
def school(request, slug: str):
    """Staff: the sessions, attendance per person and session, who completed, and the committee's draw."""
    cycle = _cycle(request, slug)
    _require(rules.refuse_manage(request.user))
    action = request.POST.get("action") if request.method == "POST" else None
    posted = request.POST if action else None
    session_form = SessionForm(posted if action == "session" else None, prefix="session")
    attendance_form = AttendanceForm(posted if action == "attendance" else None, prefix="attendance", cycle=cycle)
    draw_form = CommitteeDrawForm(posted if action == "draw" else None, prefix="draw")
    if action in SCHOOL_ACTIONS:
        done = _school_action(request, cycle, action, session_form, attendance_form, draw_form)
        if done:
            return done
    query = request.GET.get("q", "") or request.POST.get("q", "")
    found = selectors.pool_matches(query)
    ticked = {int(v) for v in request.POST.getlist("attendance-users") if v.isdigit()} if action else set()
    if ticked:  # the people ticked before a refusal stay listed and ticked
        found = list(dict.fromkeys([*found, *attendance_form.fields["users"].queryset.filter(pk__in=ticked)]))
    return render(request, "budget/committee/school.html", {
        "cycle": cycle, "sessions": list(cycle.school_sessions.all()), "table": selectors.school_table(cycle),
        "required": selectors.sessions_required(cycle), "query": query, "found": found, "ticked": ticked,
        "pool_user_ids": set(selectors.standing_pool_user_ids()),
        "session_form": session_form, "attendance_form": attendance_form, "draw_form": draw_form,
        "draws": cycle.committee.draws.select_related("draw").order_by("-created_at") if cycle.committee else [],
    }, status=400 if action and any(f.errors for f in (session_form, attendance_form, draw_form)) else 200)


def _school_action(request, cycle, action, session_form, attendance_form, draw_form):
    """Run one of the school page's forms; a redirect when it worked, None to show the page again."""
    back = reverse("budget:school", args=[cycle.slug])
    form = {"session": session_form, "attendance": attendance_form, "draw": draw_form}[action]
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if action == "session":
            services.add_school_session(cycle=cycle, actor=request.user, title=data["title"],
                                        held_on=data["held_on"], place=data["place"])
            messages.success(request, _("The session is added."))
        elif action == "attendance":
            count = 0
            if data["users"]:
                count += services.record_attendance(session=data["session"], actor=request.user,
                                                    users=list(data["users"]))
            if data["emails"].strip():
                count += services.record_attendance_by_email(session=data["session"], actor=request.user,
                                                             emails_text=data["emails"])
            messages.success(request, _("Attendance recorded: %(count)d new.") % {"count": count})
        else:
            committee_draw = services.start_budget_committee_draw(
                cycle=cycle, size=data["size"], quotas_text=data["quotas"], actor=request.user)
            messages.success(request, _("The draw is prepared from the budget school's graduates."))
            return redirect("panels:draw", committee_draw.draw_id)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return redirect(back)


# --- Sub-committees ----------------------------------------------------------------------------------

def sub_committees(request, slug: str):
    """Public: the cycle's sub-committees. Staff create one per field (POST) and see what keeps the vote."""
    cycle = _cycle(request, slug)
    staff = is_budget_staff(request.user)
    form = SubCommitteeForm(request.POST if request.method == "POST" else None, cycle=cycle)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        _require(rules.refuse_manage(request.user))
        if form.is_valid():
            try:
                sub_committee = services.create_sub_committee(
                    cycle=cycle, field=form.cleaned_data["field"], actor=request.user,
                    facilitator=form.cleaned_data["facilitator"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The sub-committee and its live room are created."))
                return redirect("budget:sub_committee", cycle.slug, sub_committee.field.slug)
    return render(request, "budget/committee/sub_committees.html", {
        "cycle": cycle, "sub_committees": selectors.sub_committees(cycle), "staff": staff, "form": form,
        "blockers": selectors.vote_blockers(cycle) if staff and cycle.stage == CycleStage.DELIBERATION else [],
    }, status=400 if form.errors else 200)


def sub_committee(request, slug: str, field_slug: str, *, shortlist_form=None, status: int = 200):
    """Public: the field's projects with their reviewed cost, scores and mean, each member's count of scores,
    and the shortlist with its reasons once published. Members score here; the chair publishes."""
    sc = _sub_committee(request, slug, field_slug)
    member = sub_committee_member(request.user, sc)
    projects = list(selectors.field_projects(sc))
    may_shortlist = rules.refuse_shortlist(request.user, sc) is None
    if shortlist_form is None:
        shortlist_form = ShortlistForm(initial={"reasons": sc.reasons}) if may_shortlist else None
    ticked = (set(shortlist_form.ticked) if getattr(shortlist_form, "ticked", None) is not None
              else selectors.default_shortlist(sc))
    my_scores = selectors.my_scores(member, sc)
    candidates = list(selectors.shortlist_candidates(sc)) if may_shortlist else []
    typed = getattr(shortlist_form, "project_reasons", None)
    for project in candidates:  # what was typed before a refusal, else what was published
        project.typed_reason = typed.get(project.pk, "") if typed is not None else project.committee_reason
    staff = is_budget_staff(request.user)
    members_form = (MembersForm(initial={"members": list(selectors.current_members(sc))},
                                candidates=selectors.candidate_members(sc.cycle)) if staff else None)
    return render(request, "budget/committee/sub_committee.html", {
        "sc": sc, "cycle": sc.cycle, "projects": projects, "member": member,
        "scoring_rows": [(p, my_scores.get(p.pk)) for p in projects if p.state == "eligible"],
        "member_counts": selectors.member_score_counts(sc),
        "may_score": member is not None and rules.refuse_deliberation(sc.cycle) is None,
        "score_range": range(sc.cycle.score_min, sc.cycle.score_max + 1),
        "may_shortlist": may_shortlist, "shortlist_form": shortlist_form, "ticked": ticked,
        "candidates": candidates, "staff": staff,
        "members_form": members_form,
    }, status=status)


@require_POST
@login_required
def sub_committee_members(request, slug: str, field_slug: str):
    sc = _sub_committee(request, slug, field_slug)
    _require(rules.refuse_manage(request.user))
    form = MembersForm(request.POST, candidates=selectors.candidate_members(sc.cycle))
    if not form.is_valid():
        show_refusal(request, ValidationError(_("Choose members of the cycle's budget committee.")))
    else:
        try:
            services.assign_members(sub_committee=sc, actor=request.user, members=form.cleaned_data["members"])
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The sub-committee's members are saved and invited to its room."))
    return redirect("budget:sub_committee", sc.cycle.slug, sc.field.slug)


# --- Scores and the shortlist ------------------------------------------------------------------------

def _back(request, default: str) -> str:
    """Where a form posted from the room page or the sub-committee page returns: ``next`` when it is a path of
    this site (not "//elsewhere"), else ``default``."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return default


@require_POST
@login_required
def score(request, pk: int):
    """A sub-committee member scores one project of their field (scoring again replaces the score)."""
    project = get_object_or_404(BudgetProject.objects.select_related("cycle", "field"), pk=pk)
    sc = services.sub_committee_for(project)
    if sc is None:
        raise PermissionDenied(_("Only a member of this field's sub-committee can score its projects."))
    try:
        value = int(request.POST.get("score", ""))
    except ValueError:
        value = None
    back = _back(request, reverse("budget:sub_committee", args=[project.cycle.slug, project.field.slug]))
    try:
        services.score_project(project=project, sub_committee=sc, user=request.user, score=value,
                               note=request.POST.get("note", ""))
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Your score of “%(project)s” is saved.") % {"project": project.title})
    return redirect(back)


@require_POST
@login_required
def shortlist(request, slug: str, field_slug: str):
    """The chair or staff publish the field's shortlist; a refusal shows the page again with what was typed."""
    sc = _sub_committee(request, slug, field_slug)
    _require(rules.refuse_shortlist(request.user, sc))
    form = ShortlistForm(request.POST)
    chosen = [int(v) for v in request.POST.getlist("projects") if v.isdigit()]
    reasons = {int(key.removeprefix("reason_")): value for key, value in request.POST.items()
               if key.startswith("reason_") and key.removeprefix("reason_").isdigit()}
    form.ticked, form.project_reasons = chosen, reasons
    if form.is_valid():
        try:
            services.publish_shortlist(sub_committee=sc, actor=request.user, chosen=chosen,
                                       reasons=form.cleaned_data["reasons"], project_reasons=reasons)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The shortlist is published."))
            return redirect(_back(request, reverse("budget:sub_committee", args=[sc.cycle.slug, sc.field.slug])))
    return sub_committee(request, slug, field_slug, shortlist_form=form, status=400)


# --- The vote ----------------------------------------------------------------------------------------

@require_POST
@login_required
def create_vote(request, slug: str):
    """Staff create the residents' vote from the published shortlists; a refusal names what is missing."""
    cycle = _cycle(request, slug)
    _require(rules.refuse_manage(request.user))
    try:
        vote = services.create_budget_vote(cycle=cycle, actor=request.user)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("budget:sub_committees", cycle.slug)
    messages.success(request, _("The vote is created and scheduled; it opens by itself on time."))
    return redirect("voting:detail", vote.pk)
