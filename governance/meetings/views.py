"""The pages of committee meetings: the public meeting and annual document pages, and the secretariat's
pages to schedule, hold, cancel, record attendance, publish minutes, adopt recommendations and write the
annual documents. Thin: forms parse, services decide, rules say who may."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontend.forms import add_service_errors

from governance.meetings import forms, rules, selectors, services
from governance.models import AnnualDocument, Committee, Meeting
from governance.states import DocumentState


def _committee(slug: str) -> Committee:
    return get_object_or_404(Committee.objects.select_related("department"), slug=slug)


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("committee__department", "room"), pk=pk)


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def meeting_detail(request, pk: int):
    meeting = _meeting(pk)
    return render(request, "governance/meetings/meeting_detail.html", {
        "meeting": meeting, "committee": meeting.committee, "attendance": selectors.attendance_of(meeting),
        "recommendations": meeting.recommendations.select_related("department", "follow_up__department"),
        "may_manage": rules.may_manage_committee(request.user, meeting.committee)})


def _action_page(request, meeting: Meeting, form, title: str, run, done: str):
    """A manage page with one form: on a valid post ``run(data)``; service refusals land on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("meetings:meeting", meeting.pk)
    return render(request, "governance/meetings/meeting_action.html", {
        "meeting": meeting, "committee": meeting.committee, "form": form, "title": title})


@login_required
def schedule(request, slug: str):
    committee = _committee(slug)
    _refuse(rules.refuse_manage(request.user, committee))
    form = forms.ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                actor=request.user, committee=committee, title=data["title"], agenda=data["agenda"],
                scheduled_at=data["scheduled_at"], mode=data["mode"], place=data["place"],
                facilitator=data["facilitator"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting is scheduled and its agenda is public."))
            return redirect("meetings:meeting", meeting.pk)
    return render(request, "governance/meetings/schedule.html", {"committee": committee, "form": form})


@login_required
def hold(request, pk: int):
    meeting = _meeting(pk)
    _refuse(rules.refuse_manage(request.user, meeting.committee))
    return _action_page(
        request, meeting, forms.HoldForm(request.POST or None), _("Record the meeting as held"),
        lambda data: services.hold_meeting(actor=request.user, meeting=meeting, held_at=data["held_at"]),
        _("The meeting is recorded as held; its minutes are now due."))


@login_required
def cancel(request, pk: int):
    meeting = _meeting(pk)
    _refuse(rules.refuse_manage(request.user, meeting.committee))
    return _action_page(
        request, meeting, forms.CancelForm(request.POST or None), _("Cancel the meeting"),
        lambda data: services.cancel_meeting(actor=request.user, meeting=meeting, reason=data["reason"]),
        _("The meeting is cancelled."))


@login_required
def attendance(request, pk: int):
    meeting = _meeting(pk)
    _refuse(rules.refuse_attendance(request.user, meeting))
    form = forms.AttendanceForm(request.POST or None, members=selectors.members_for_attendance(meeting),
                                initial_statuses=selectors.suggested_attendance(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(actor=request.user, meeting=meeting, statuses=form.statuses())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Attendance is recorded."))
            return redirect("meetings:meeting", meeting.pk)
    return render(request, "governance/meetings/attendance.html", {
        "meeting": meeting, "committee": meeting.committee, "form": form})


@login_required
def minutes(request, pk: int):
    meeting = _meeting(pk)
    _refuse(rules.refuse_minutes(request.user, meeting))
    return _action_page(
        request, meeting, forms.MinutesForm(request.POST or None), _("Publish the minutes"),
        lambda data: services.publish_minutes(actor=request.user, meeting=meeting, minutes=data["minutes"]),
        _("The minutes are published."))


@login_required
def recommend(request, pk: int):
    meeting = _meeting(pk)
    _refuse(rules.refuse_recommendation(request.user, meeting))
    return _action_page(
        request, meeting, forms.RecommendationForm(request.POST or None, committee=meeting.committee),
        _("Adopt a recommendation"),
        lambda data: services.adopt_recommendation(
            actor=request.user, meeting=meeting, kind=data["kind"], title=data["title"], body=data["body"],
            department=data["department"]),
        _("The recommendation is adopted and sent to the department's follow-up queue."))


# --- Annual documents ---------------------------------------------------------------------------------------

def _document(slug: str, year: int, kind: str) -> AnnualDocument:
    return get_object_or_404(AnnualDocument.objects.select_related("committee"), committee__slug=slug, year=year,
                             kind=kind)


def document_detail(request, slug: str, year: int, kind: str):
    doc = _document(slug, year, kind)
    may_manage = rules.may_manage_committee(request.user, doc.committee)
    if doc.state != DocumentState.PUBLISHED and not may_manage:
        raise Http404
    return render(request, "governance/meetings/document_detail.html", {
        "document": doc, "committee": doc.committee, "figures": doc.figures, "may_manage": may_manage})


@login_required
def document_generate(request, slug: str):
    committee = _committee(slug)
    _refuse(rules.refuse_manage(request.user, committee))
    form = forms.GenerateDocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = services.generate_document(actor=request.user, committee=committee, year=data["year"],
                                             kind=data["kind"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The draft is generated from the record; edit it before publishing."))
            return redirect("meetings:document_edit", committee.slug, doc.year, doc.kind)
    return render(request, "governance/meetings/document_generate.html", {"committee": committee, "form": form})


@login_required
def document_edit(request, slug: str, year: int, kind: str):
    doc = _document(slug, year, kind)
    _refuse(rules.refuse_edit_document(request.user, doc))
    form = forms.DocumentForm(request.POST or None, initial={"body": doc.body})
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.edit_document(actor=request.user, document=doc, body=form.cleaned_data["body"])
            if "publish" in request.POST:
                doc = services.publish_document(actor=request.user, document=doc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document is published.") if doc.state == DocumentState.PUBLISHED
                             else _("The draft is saved."))
            return redirect("meetings:document", doc.committee.slug, doc.year, doc.kind)
    return render(request, "governance/meetings/document_edit.html", {
        "document": doc, "committee": doc.committee, "form": form, "figures": doc.figures})
