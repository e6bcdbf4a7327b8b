"""The deliberative poll's pages (공론조사): the list, setup for those who run it, the participant's survey,
the materials, the report and its downloads. Thin: forms parse, services decide, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from django.views.decorators.http import require_POST

from frontend.forms import add_service_errors
from frontend.refusals import show_refusal

from deliberation.deliberative_polls import display as dpoll_display, exports, rules, selectors, services
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.deliberative_polls.states import (
    WAVE_OPEN_STATE, DPollState, Stance, SurveyKind,
)
from deliberation.deliberative_polls.survey.exports import TABLES
from deliberation.deliberative_polls.survey.questions import SCALE_RANGES
from deliberation.deliberative_polls.forms import (
    ControlForm, MarginsForm, MaterialForm, ParticipantsForm, PollForm, QuestionForm, SeatDrawForm,
)


def _poll(pk: int) -> DeliberativePoll:
    return get_object_or_404(DeliberativePoll, pk=pk)


def _require_manager(user) -> None:
    if not rules.may_manage_dpolls(user):
        raise PermissionDenied(_("Only facilitators and admins can run deliberative polls."))


def dpoll_list(request):
    manager = rules.may_manage_dpolls(request.user)
    polls = DeliberativePoll.objects.all() if manager else DeliberativePoll.objects.exclude(state=DPollState.SETUP)
    mine = set()
    if request.user.is_authenticated:
        mine = set(request.user.survey_participations.values_list("poll_id", flat=True))
    return render(request, "deliberation/dpoll_list.html", {"polls": polls[:100], "manager": manager, "mine": mine,
                                                           "form": PollForm() if manager else None})


@login_required
@require_POST
def dpoll_create(request):
    _require_manager(request.user)
    form = PollForm(request.POST)
    if form.is_valid():
        try:
            poll = services.create_dpoll(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("deliberative_polls:dpoll_manage", poll.pk)
    return render(request, "deliberation/dpoll_list.html", {
        "polls": DeliberativePoll.objects.all()[:100], "manager": True, "mine": set(), "form": form}, status=400)


MANAGE_ACTIONS = {
    "question": (QuestionForm, lambda poll, actor, d: services.add_question(
        poll=poll, actor=actor, **{**d, "options": [o for o in d["options"].splitlines() if o.strip()]})),
    "margins": (MarginsForm, lambda poll, actor, d: services.set_margins(poll=poll, actor=actor,
                                                                         margins=d["margins"])),
    "material": (MaterialForm, lambda poll, actor, d: services.add_material(poll=poll, actor=actor, **d)),
    "participants": (ParticipantsForm, lambda poll, actor, d: services.add_participants(
        poll=poll, actor=actor, emails=d["emails"].splitlines(), group=d["group"])),
    "draw": (SeatDrawForm, lambda poll, actor, d: services.seat_drawn_panel(poll=poll, actor=actor,
                                                                            draw=d["draw"])),
    "control": (ControlForm, lambda poll, actor, d: services.set_control(poll=poll, actor=actor,
                                                                         enabled=d["enabled"])),
}


@login_required
def dpoll_manage(request, pk: int):
    _require_manager(request.user)
    poll = _poll(pk)
    forms_ = {name: form_class(prefix=name) for name, (form_class, _call) in MANAGE_ACTIONS.items()}
    forms_["margins"] = MarginsForm(prefix="margins", initial={"margins": poll.margins})
    forms_["control"] = ControlForm(prefix="control", initial={"enabled": poll.control_enabled})
    status = 200
    action = request.POST.get("action")
    if request.method == "POST" and action in MANAGE_ACTIONS:
        form_class, call = MANAGE_ACTIONS[action]
        form = forms_[action] = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                call(poll, request.user, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("deliberative_polls:dpoll_manage", poll.pk)
        status = 400
    return render(request, "deliberation/dpoll_manage.html", {
        "poll": poll, "forms": forms_, "questions": poll.questions.all(), "materials": poll.materials.all(),
        "participants": poll.participants.select_related("user"), "counts": selectors.dpoll_panel_counts(poll),
        "next_states": rules.next_moves(request.user, poll), "open_forms": rules.open_setup_forms(poll),
    }, status=status)


@login_required
@require_POST
def dpoll_move(request, pk: int):
    _require_manager(request.user)
    poll = _poll(pk)
    to = request.POST.get("to", "")
    try:
        if to == DPollState.DELIBERATING:
            services.start_dpoll_deliberation(poll=poll, actor=request.user)
        else:
            services.move_poll(poll=poll, to=to, actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The poll is now: %(state)s.") % {"state": DPollState(to).label})
    return redirect("deliberative_polls:dpoll_manage", poll.pk)


def _survey_questions(poll, posted, errors):
    """The questions with what the form needs: the values to offer, the ends' labels, the kept answer, errors."""
    rows = []
    for question in poll.questions.all():
        if question.kind in SCALE_RANGES:
            low, high = SCALE_RANGES[question.kind]
            values = [(str(v), str(v)) for v in range(low, high + 1)]
        elif question.kind == SurveyKind.YESNO:
            values = [("yes", pgettext("answer to a survey question", "Yes")),
                      ("no", pgettext("answer to a survey question", "No"))]
        else:
            values = [(o, o) for o in question.options]
        rows.append({"q": question, "values": values, "kept": posted.get(question.code, ""),
                     "errors": errors.get(question.code, [])})
    return rows


@login_required
def dpoll_survey(request, pk: int):
    """The participant's survey: the wave open now, once; errors in place with what was chosen kept."""
    poll = _poll(pk)
    participant = selectors.my_dpoll_participation(poll, request.user)
    if participant is None:
        raise PermissionDenied(_("This survey is for the poll's panel."))
    wave = next((w for w, state in WAVE_OPEN_STATE.items() if poll.state == state), None)
    posted, errors, general = {}, {}, []
    if request.method == "POST":
        posted = {key: value for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken", "wave")}
        posted_wave = request.POST.get("wave", "")
        try:
            services.submit_response(participant=participant, answers=posted,
                                     wave=int(posted_wave) if posted_wave.isdigit() else 0)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {code: [m for e in errs for m in e.messages] for code, errs in exc.error_dict.items()}
            else:
                general = exc.messages
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("deliberative_polls:dpoll_survey", poll.pk)
    return render(request, "deliberation/dpoll_survey.html", {
        "poll": poll, "participant": participant, "wave": wave,
        "answered": wave in participant.waves if wave else False,
        "questions": _survey_questions(poll, posted, errors), "general_errors": general,
        "materials_open": rules.may_read_dpoll_materials(request.user, poll, participant),
    }, status=400 if errors or general else 200)


def dpoll_materials(request, pk: int):
    poll = _poll(pk)
    participant = selectors.my_dpoll_participation(poll, request.user)
    if not rules.may_read_dpoll_materials(request.user, poll, participant):
        raise PermissionDenied(_("The materials are shown to the panel during the deliberation, and to everyone "
                                 "after the second survey."))
    published = poll.materials.filter(published_at__isnull=False)
    return render(request, "deliberation/dpoll_materials.html", {
        "poll": poll, "pro": published.filter(stance=Stance.PRO), "con": published.filter(stance=Stance.CON),
        "background": published.filter(stance=Stance.BACKGROUND)})


def _readable_poll(request, pk: int) -> DeliberativePoll:
    poll = _poll(pk)
    if not rules.may_read_dpoll_report(request.user, poll):
        raise PermissionDenied(_("The report is published when the poll's organisers have checked it."))
    return poll


def dpoll_report(request, pk: int):
    poll = _readable_poll(request, pk)
    report = selectors.dpoll_report(poll)
    stored = {q.code: q for q in poll.questions.all()}
    return render(request, "deliberation/dpoll_report.html", {
        "poll": poll, "report": report, "summary": selectors.dpoll_summary(report),
        "questions": dpoll_display.question_rows(report, stored),
        "chart": dpoll_display.shift_chart(report),
        "representativeness": dpoll_display.representativeness_rows(report),
        "deliberation": report["groups"]["deliberation"], "control": report["groups"].get("control"),
        "tables": dpoll_display.table_links(), "manager": rules.may_manage_dpolls(request.user)})


def dpoll_report_json(request, pk: int):
    poll = _readable_poll(request, pk)
    return JsonResponse(selectors.dpoll_report(poll), json_dumps_params={"ensure_ascii": False})


def dpoll_table_csv(request, pk: int, name: str):
    poll = _readable_poll(request, pk)
    if name not in TABLES:
        raise Http404
    return exports.table_csv(poll, name)


def dpoll_responses(request, pk: int, fmt: str):
    """The anonymised responses: a label per participant (HMAC of a key derived from SECRET_KEY), the groups."""
    poll = _readable_poll(request, pk)
    return exports.responses(poll, fmt)
