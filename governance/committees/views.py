"""The committees' pages: the public list and committee page, open calls and applying, a citizen's own
applications, and the manage pages of the secretariat, the department and city staff. Thin: rules say
who, services write, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department
from frontend.forms import add_service_errors
from frontend.refusals import show_refusal

from governance.committees import rules, selectors, services
from governance.committees.forms import (
    AppointForm, ApplyForm, CommitteeDrawForm, CommitteeForm, EndMembershipForm, OpenCallForm, SelectionForm,
)
from governance.models import Application, Committee, CommitteeDraw, Member, OpenCall


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _form_page(request, form, *, title, submit, back, testid, lead=""):
    return render(request, "governance/committees/form_page.html", {
        "form": form, "title": title, "submit": submit, "back": back, "testid": testid, "lead": lead,
    }, status=400 if form.errors else 200)


def _managed(request, committee: Committee) -> Committee:
    _require(rules.may_manage_committee(request.user, committee))
    return committee


# --- Public ------------------------------------------------------------------------------------------


def committee_list(request):
    filters = {"legal_status": request.GET.get("legal_status", ""), "function": request.GET.get("function", ""),
               "agenda": request.GET.get("agenda", "")}
    if filters["legal_status"] not in Committee.LegalStatus.values:
        filters["legal_status"] = ""
    if filters["function"] not in Committee.Function.values:
        filters["function"] = ""
    if filters["agenda"] not in ("yes", "no"):
        filters["agenda"] = ""
    department = None
    if request.GET.get("department", "").isdigit():
        department = Department.objects.filter(pk=int(request.GET["department"])).first()
    committees = selectors.committee_list(department=department, **filters)
    return render(request, "governance/committees/committee_list.html", {
        "committees": committees, "filters": filters, "department": department,
        "departments": Department.objects.filter(committees__isnull=False).distinct(),
        "legal_statuses": Committee.LegalStatus.choices, "functions": Committee.Function.choices,
        "may_create": rules.may_create_committee(request.user) is None,
    })


def committee_detail(request, slug):
    committee = get_object_or_404(Committee.objects.select_related("department", "proposal", "vote"), slug=slug)
    members = selectors.committee_members(committee)
    return render(request, "governance/committees/committee_detail.html", {
        "committee": committee, "members": members,
        "composition": selectors.composition(committee, members["current"]),
        "calls": selectors.public_calls(committee), "draws": selectors.committee_draws(committee),
        "may_manage": rules.may_manage_committee(request.user, committee) is None,
    })


def call_detail(request, pk):
    call = get_object_or_404(OpenCall.objects.select_related("committee__department"), pk=pk)
    may_manage = rules.may_manage_committee(request.user, call.committee) is None
    if not selectors.is_call_public(call) and not may_manage:
        raise Http404
    refusal = rules.may_apply(request.user, call)
    form = ApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if refusal:
            show_refusal(request, PermissionDenied(refusal))
            return redirect("committees:call", call.pk)
        if form.is_valid():
            try:
                services.apply(call=call, user=request.user, statement=form.cleaned_data["statement"])
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your application is in. You can follow it under “My applications”."))
                return redirect("committees:call", call.pk)
        status = 400
    return render(request, "governance/committees/call_detail.html", {
        "call": call, "committee": call.committee, "form": form, "refusal": refusal,
        "my_application": selectors.my_application(request.user, call),
        "selection": selectors.published_selection(call), "counts": selectors.selection_counts(call),
        "may_manage": may_manage,
    }, status=status)


@login_required
def my_applications(request):
    return render(request, "governance/committees/my_applications.html",
                  {"applications": selectors.my_applications(request.user)})


@login_required
@require_POST
def application_withdraw(request, pk):
    application = get_object_or_404(Application, pk=pk, applicant=request.user)
    try:
        services.withdraw_application(application=application, user=request.user)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("committees:my_applications")


# --- Managing ----------------------------------------------------------------------------------------


@login_required
def committee_new(request):
    _require(rules.may_create_committee(request.user))
    form = CommitteeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.create_committee(actor=request.user, **form.service_fields())
        except PermissionDenied as exc:
            form.add_error("department", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The committee is created."))
            return redirect("committees:manage", committee.slug)
    return _form_page(request, form, title=_("New committee"), submit=_("Create the committee"),
                      back=reverse("committees:list"), testid="committee-form")


@login_required
def committee_edit(request, slug):
    committee = _managed(request, get_object_or_404(Committee, slug=slug))
    form = CommitteeForm(request.POST or None, instance=Committee.objects.get(pk=committee.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.update_committee(committee=committee, actor=request.user, **form.service_fields())
        except PermissionDenied as exc:
            form.add_error("department", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The committee is saved."))
            return redirect("committees:manage", committee.slug)
    return _form_page(request, form, title=_("Edit: %(name)s") % {"name": committee.display_name},
                      submit=_("Save"), back=reverse("committees:manage", args=[committee.slug]),
                      testid="committee-form")


@login_required
def committee_manage(request, slug):
    committee = _managed(request, get_object_or_404(Committee.objects.select_related("department"), slug=slug))
    members = selectors.committee_members(committee)
    return render(request, "governance/committees/committee_manage.html", {
        "committee": committee, "members": members,
        "composition": selectors.composition(committee, members["current"]),
        "calls": selectors.all_calls(committee), "draws": selectors.committee_draws(committee),
        "may_draw": rules.may_start_draw(request.user, committee) is None,
    })


@login_required
def member_appoint(request, slug):
    committee = _managed(request, get_object_or_404(Committee, slug=slug))
    form = AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appoint_member(committee=committee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The member is appointed."))
            return redirect("committees:manage", committee.slug)
    return _form_page(request, form, title=_("Appoint a member: %(name)s") % {"name": committee.display_name},
                      submit=_("Appoint"), back=reverse("committees:manage", args=[committee.slug]),
                      testid="appoint-form", lead=_("The name, category, gender, age band, district, term and the "
                                                    "reason are published on the committee page."))


@login_required
def member_end(request, pk):
    member = get_object_or_404(Member.objects.select_related("committee"), pk=pk)
    committee = _managed(request, member.committee)
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(member=member, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The membership has ended."))
            return redirect("committees:manage", committee.slug)
    return _form_page(request, form, title=_("End the membership of %(name)s") % {"name": member.name},
                      submit=_("End the membership"), back=reverse("committees:manage", args=[committee.slug]),
                      testid="end-form")


@login_required
@require_POST
def member_chair(request, pk):
    member = get_object_or_404(Member.objects.select_related("committee"), pk=pk)
    _managed(request, member.committee)
    try:
        services.set_chair(member=member, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("%(name)s chairs the committee.") % {"name": member.name})
    return redirect("committees:manage", member.committee.slug)


@login_required
def call_new(request, slug):
    committee = _managed(request, get_object_or_404(Committee, slug=slug))
    form = OpenCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.create_open_call(committee=committee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call is saved as a draft; open it when it is ready."))
            return redirect("committees:call_manage", call.pk)
    return _form_page(request, form, title=_("New open call: %(name)s") % {"name": committee.display_name},
                      submit=_("Save as a draft"), back=reverse("committees:manage", args=[committee.slug]),
                      testid="call-form")


@login_required
def call_manage(request, pk):
    """The call's lifecycle buttons, the draft's form, and the selection once it is closed."""
    call = get_object_or_404(OpenCall.objects.select_related("committee"), pk=pk)
    committee = _managed(request, call.committee)
    form = OpenCallForm(request.POST or None, instance=OpenCall.objects.get(pk=call.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_open_call(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("committees:call_manage", call.pk)
    return render(request, "governance/committees/call_manage.html", {
        "call": call, "committee": committee, "form": form, "counts": selectors.selection_counts(call),
        "applications": call.applications.select_related("applicant"),
    }, status=400 if form.errors else 200)


CALL_MOVES = {"open": services.open_call, "close": services.close_call, "cancel": services.cancel_call}
CALL_MOVED = {"open": _("The call is open for applications."), "close": _("The call is closed; select now."),
              "cancel": _("The call is cancelled.")}


@login_required
@require_POST
def call_move(request, pk, action):
    call = get_object_or_404(OpenCall.objects.select_related("committee"), pk=pk)
    _managed(request, call.committee)
    if action not in CALL_MOVES:
        raise Http404
    try:
        CALL_MOVES[action](call=call, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, str(CALL_MOVED[action]))
    return redirect("committees:call_manage", call.pk)


@login_required
def call_select(request, pk):
    call = get_object_or_404(OpenCall.objects.select_related("committee"), pk=pk)
    committee = _managed(request, call.committee)
    form = SelectionForm(request.POST or None, applications=selectors.applications_to_decide(call))
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_selection(call=call, actor=request.user, decisions=form.decisions(),
                                       note=form.cleaned_data["note"])
        except ValidationError as exc:
            for pk_, message in getattr(exc, "per_application", {}).items():
                form.add_error(f"reason_{pk_}", message)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The selection is published and the selected are members."))
            return redirect("committees:call", call.pk)
    return render(request, "governance/committees/call_select.html",
                  {"call": call, "committee": committee, "form": form}, status=400 if form.errors else 200)


@login_required
def draw_new(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    _require(rules.may_start_draw(request.user, committee))
    form = CommitteeDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee_draw = services.start_committee_draw(
                committee=committee, size=form.cleaned_data["size"], quotas_text=form.cleaned_data["quotas"],
                algorithm=form.cleaned_data["algorithm"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draw is prepared; draw it, invite and confirm on its page, then "
                                        "seat the confirmed here."))
            return redirect("panels:draw", committee_draw.draw_id)
    return _form_page(request, form, title=_("Draw members by lot: %(name)s") % {"name": committee.display_name},
                      submit=_("Prepare the draw"), back=reverse("committees:manage", args=[committee.slug]),
                      testid="draw-form", lead=_("From the standing citizen pool, through the city's draw pipeline: "
                                                 "the draw's record, its public values, the invitations and the "
                                                 "reserve are on the draw's own page."))


@login_required
@require_POST
def draw_seat(request, pk):
    committee_draw = get_object_or_404(CommitteeDraw.objects.select_related("committee"), pk=pk)
    _managed(request, committee_draw.committee)
    try:
        seated, skipped = services.seat_drawn_members(committee_draw=committee_draw, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Seated: %(seated)d. Not seated (no account or no gender in the profile, or "
                                    "already a member): %(skipped)d.") % {"seated": len(seated),
                                                                           "skipped": len(skipped)})
    return redirect("committees:manage", committee_draw.committee.slug)
