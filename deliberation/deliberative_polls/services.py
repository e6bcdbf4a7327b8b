"""Every write of a deliberative poll (공론조사): setup, the panel, the two surveys, the room, the states.

The statistics are deliberation/deliberative_polls/survey/ (pure); this module keeps what the issue asks of the order of
things: the questionnaire is fixed before T1 opens, T1 is answered before any material or discussion,
T2 only after T1, each survey once, every answer on its scale, the whole survey stored or nothing.
"""

import logging
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.demographics import age_band
from config.celery import queue_on_commit
from accounts.districts import district_group
from core.lifecycle import IllegalTransition, Lifecycle

from deliberation.deliberative_polls import rules
from deliberation.deliberative_polls.selectors import compute_dpoll_report, core_question, dpoll_report_key
from deliberation.deliberative_polls.models import (
    DeliberativePoll, Material, StoredReport, SurveyAnswer, SurveyParticipant, SurveyQuestion, SurveyResponse,
)
from deliberation.deliberative_polls.states import (
    DPOLL_TRANSITIONS, SEATING_STATES, WAVE_OPEN_STATE, DPollState, SurveyGroup, SurveyKind,
)
from deliberation.panels.models import Draw, PoolMember
from deliberation.panels.selectors import confirmed_people
from deliberation.rooms.services.rooms import create_room, invite_to_room
from deliberation.rooms.states import MemberRole, RoundKind, Speakers
from deliberation.deliberative_polls.survey.questions import validate_answer

logger = logging.getLogger(__name__)


class DPollError(IllegalTransition):
    """A refused move of a deliberative poll; the message says why, for the person who tried."""


def _require_manager(actor) -> None:
    if not rules.may_manage_dpolls(actor):
        raise PermissionDenied(_("Only facilitators and admins can run deliberative polls."))


def _require_setup(poll: DeliberativePoll) -> None:
    if poll.state != DPollState.SETUP:
        raise DPollError(_("The questionnaire can be changed only while the poll is being prepared: the same "
                           "questions must be asked at T1 and T2."), code="not_setup")


@transaction.atomic
def create_dpoll(*, actor, title: str, topic: str = "", control_enabled: bool = False,
                 margins: Mapping | None = None, draw=None) -> DeliberativePoll:
    _require_manager(actor)
    poll = DeliberativePoll(title=title.strip(), topic=topic.strip(), control_enabled=control_enabled, draw=draw,
                            created_by=actor)
    if margins is not None:
        poll.margins = clean_margins(margins)
    poll.full_clean(exclude=["created_by", "draw", "room"])
    poll.save()
    return poll


def clean_margins(margins) -> dict:
    """{attribute: {value: non-negative number}} with a positive total per attribute, or DPollError."""
    if not isinstance(margins, Mapping):
        raise DPollError(_("The margins must be an object of attributes, each an object of values and shares."),
                         code="bad_margins")
    cleaned = {}
    for attribute, figures in margins.items():
        if not isinstance(figures, Mapping) or not figures:
            raise DPollError(_("The margins of “%(attribute)s” must be an object of values and shares.")
                             % {"attribute": attribute}, code="bad_margins")
        row = {}
        for value, share in figures.items():
            if isinstance(share, bool) or not isinstance(share, int | float) or share < 0:
                raise DPollError(_("The share of “%(attribute)s” = “%(value)s” must be a number of at least 0.")
                                 % {"attribute": attribute, "value": value}, code="bad_margins")
            row[str(value)] = share
        if sum(row.values()) <= 0:
            raise DPollError(_("The margins of “%(attribute)s” must add up to more than 0.")
                             % {"attribute": attribute}, code="bad_margins")
        cleaned[str(attribute)] = row
    return cleaned


@transaction.atomic
def set_margins(*, poll: DeliberativePoll, actor, margins) -> DeliberativePoll:
    """The population margins only weight the report, so they may change until it is published."""
    _require_manager(actor)
    if poll.state == DPollState.PUBLISHED:
        raise DPollError(_("The report is published; its margins no longer change."), code="published")
    poll.margins = clean_margins(margins)
    poll.save(update_fields=["margins"])
    return poll


@transaction.atomic
def set_control(*, poll: DeliberativePoll, actor, enabled: bool) -> DeliberativePoll:
    _require_manager(actor)
    if poll.state != DPollState.SETUP:
        raise DPollError(_("The control sample is decided while the poll is being prepared."), code="not_setup")
    if not enabled and poll.participants.filter(group=SurveyGroup.CONTROL).exists():
        raise DPollError(_("Remove the control participants first."), code="control_in_use")
    poll.control_enabled = enabled
    poll.save(update_fields=["control_enabled"])
    return poll


def _clean_question(question: SurveyQuestion) -> None:
    question.full_clean(exclude=["poll"])
    if question.kind == SurveyKind.CHOICE:
        options = [str(o).strip() for o in (question.options or []) if str(o).strip()]
        if len(options) < 2 or len(set(options)) != len(options):
            raise DPollError({"options": _("A single-choice question needs at least two different choices.")},
                             code="choices")
        question.options = options
    else:
        question.options = []


@transaction.atomic
def add_question(*, poll: DeliberativePoll, actor, code: str, text: str, kind: str, options: Sequence[str] = (),
                 low_label: str = "", high_label: str = "") -> SurveyQuestion:
    _require_manager(actor)
    poll = DeliberativePoll.objects.select_for_update().get(pk=poll.pk)
    _require_setup(poll)
    if poll.questions.filter(code=code).exists():
        raise DPollError({"code": _("This poll already has a question “%(code)s”.") % {"code": code}},
                         code="duplicate_code")
    last = poll.questions.order_by("-position").values_list("position", flat=True).first()
    question = SurveyQuestion(poll=poll, code=code, text=text.strip(), kind=kind, options=list(options),
                              low_label=low_label.strip(), high_label=high_label.strip(),
                              position=(last or 0) + 1)
    _clean_question(question)
    question.save()
    return question


QUESTION_FIELDS = ("text", "kind", "options", "low_label", "high_label", "position")


@transaction.atomic
def update_question(*, question: SurveyQuestion, actor, **fields) -> SurveyQuestion:
    _require_manager(actor)
    poll = DeliberativePoll.objects.select_for_update().get(pk=question.poll_id)
    _require_setup(poll)
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise DPollError(_("Unknown question field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(question, name, value)
    _clean_question(question)
    question.save()
    return question


@transaction.atomic
def remove_question(*, question: SurveyQuestion, actor) -> None:
    _require_manager(actor)
    _require_setup(DeliberativePoll.objects.select_for_update().get(pk=question.poll_id))
    question.delete()


def participant_attributes(user, *, today=None) -> dict:
    """The groups of a person the report weights and breaks down by, read from the profile now (as the pool)."""
    return {"district_group": district_group(user.district), "age_band": age_band(user.birth_year, today),
            "gender": user.gender}


@transaction.atomic
def add_participant(*, poll: DeliberativePoll, user, group: str = SurveyGroup.DELIBERATING) -> SurveyParticipant:
    """Seat ``user`` in the panel (or the control sample); no actor, so a confirmed draw invitation can call it.

    Their living zone, age band and gender are copied from the profile now: the report keeps the
    groups a person had when the poll ran, whatever they change later.
    """
    poll = DeliberativePoll.objects.select_for_update().get(pk=poll.pk)
    if poll.state not in SEATING_STATES:
        raise DPollError(_("Participants can be added only until the first survey closes."), code="too_late")
    if group not in SurveyGroup.values:
        raise DPollError(_("Unknown group “%(group)s”.") % {"group": group}, code="bad_group")
    if group == SurveyGroup.CONTROL and not poll.control_enabled:
        raise DPollError(_("This poll has no control sample."), code="no_control")
    if poll.participants.filter(user=user).exists():
        raise DPollError(_("%(name)s is already in this poll.") % {"name": user.public_name}, code="duplicate")
    participant = SurveyParticipant.objects.create(poll=poll, user=user, group=group,
                                                   attributes=participant_attributes(user))
    if group == SurveyGroup.DELIBERATING and poll.room_id is not None:
        _invite(poll, [user])
    return participant


def seat_confirmed(invitation) -> None:
    """On ``deliberation.signals.invitation_confirmed``: the person who just confirmed takes their seat in
    every poll drawn from the draw that still takes seats (an account is needed). A seat that cannot be taken
    (the first survey has closed) is left to staff and logged, never an error for the citizen who said yes."""
    if invitation.user_id is None:
        return
    for poll in DeliberativePoll.objects.filter(draw_id=invitation.draw_id, state__in=SEATING_STATES):
        if poll.participants.filter(user=invitation.user).exists():
            continue
        try:
            add_participant(poll=poll, user=invitation.user)
        except ValidationError as refusal:
            logger.warning("draw %s: %s not seated in poll %s: %s", invitation.draw_id, invitation.user_id, poll.pk,
                           refusal.messages)


@transaction.atomic
def add_participants(*, poll: DeliberativePoll, actor, emails: Sequence[str],
                     group: str = SurveyGroup.DELIBERATING) -> list[SurveyParticipant]:
    """Seat the people registered under ``emails`` (one a line, blanks skipped), all or none: an unknown
    address or a refused seat is reported under ``emails`` and nobody is added, so the corrected list
    can be sent again as it stands."""
    _require_manager(actor)
    errors, seated = [], []
    for email in [line.strip() for line in emails if line.strip()]:
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            errors.append(_("No one is registered as %(email)s.") % {"email": email})
            continue
        try:
            seated.append(add_participant(poll=poll, user=user, group=group))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"emails": errors})
    return seated


@transaction.atomic
def seat_drawn_panel(*, poll: DeliberativePoll, actor, draw) -> tuple[int, int]:
    """Seat the people a drawn draw selected (those with an account; imported people have none yet), or
    once invitations were sent, those who confirmed (the others join as they confirm: ``seat_confirmed``).

    Returns (seated, skipped): skipped are the selected without an account and those already seated.
    The draw is recorded on the poll, so the report names how its panel was chosen.
    """
    _require_manager(actor)
    if draw.state != Draw.State.DRAWN:
        raise DPollError(_("Only a drawn panel can be seated."), code="not_drawn")
    if draw.invitations.exists():  # invitations were sent: the confirmed members, not everyone drawn
        users = {row["person_id"]: row["user"].pk for row in confirmed_people(draw) if row["user"] is not None}
    else:
        users = dict(PoolMember.objects.filter(pool=draw.pool_id, person_id__in=draw.selected, user__isnull=False)
                     .values_list("person_id", "user"))
    seated = set(poll.participants.values_list("user_id", flat=True))
    people = get_user_model().objects.in_bulk([u for u in users.values() if u not in seated])
    for user in people.values():
        add_participant(poll=poll, user=user)
    poll.draw = draw
    poll.save(update_fields=["draw"])
    return len(people), len(draw.selected) - len(people)


@transaction.atomic
def add_material(*, poll: DeliberativePoll, actor, title: str, stance: str, body: str = "", link: str = "",
                 publish: bool = True) -> Material:
    _require_manager(actor)
    if poll.state in (DPollState.CLOSED, DPollState.PUBLISHED):
        raise DPollError(_("The materials are fixed once the second survey has closed."), code="closed")
    last = poll.materials.order_by("-position").values_list("position", flat=True).first()
    material = Material(poll=poll, title=title.strip(), stance=stance, body=body.strip(), link=link.strip(),
                        position=(last or 0) + 1, published_at=timezone.now() if publish else None)
    material.full_clean(exclude=["poll"])
    material.save()
    return material


# --- The states --------------------------------------------------------------------------------------

def _refuse_move(poll: DeliberativePoll, to: str) -> str | None:
    """Why the poll may not go to ``to`` now, beyond the table; None when it may."""
    if to == DPollState.T1_OPEN:
        if not poll.questions.exists():
            return _("Add at least one question before opening the first survey.")
        if not poll.participants.filter(group=SurveyGroup.DELIBERATING).exists():
            return _("Add the panel's participants before opening the first survey.")
    return None


DPOLL_LIFECYCLE = Lifecycle(
    DeliberativePoll, DPOLL_TRANSITIONS, error=DPollError, code="illegal_move", guard=_refuse_move,
    labels=lambda state: DPollState(state).label if state in DPollState.values else state,
    message=gettext_noop("A poll that is “%(state)s” cannot become “%(to)s”."), changed_at="state_changed_at",
    # entering deliberation opens the plenary room for the panel, whoever moves the poll there; once T2 has
    # closed nothing the report reads changes: it is computed once and stored (published: if it is not yet)
    on_enter={DPollState.DELIBERATING: lambda poll, **when: _open_plenary(poll, **when),
              DPollState.CLOSED: lambda poll, **when: _queue_report(poll),
              DPollState.PUBLISHED: lambda poll, **when: _queue_report(poll)},
)


def _queue_report(poll: DeliberativePoll) -> None:
    """After the commit; with the broker away it is dropped (logged): the page then computes the report."""
    from deliberation.deliberative_polls.tasks import store_dpoll_report  # in here: the task imports services

    queue_on_commit(store_dpoll_report, poll.pk)


def store_dpoll_report(*, poll: DeliberativePoll) -> int:
    """Compute the poll's report once and store it for each language (selectors.dpoll_report reads it while
    its key matches); returns how many were (re)computed. The figures do not depend on the language, only
    the weighting's error sentence does: one computation serves every language unless there is one.
    Idempotent: a stored report whose key still matches is kept."""
    computed, shared = 0, None
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            key = dpoll_report_key(poll)
            if StoredReport.objects.filter(poll=poll, language=language, key=key).exists():
                continue
            report = shared
            if report is None:
                report = compute_dpoll_report(poll)
                computed += 1
                shared = report if report.get("weighting_error") is None else None
            StoredReport.objects.update_or_create(poll=poll, language=language,
                                                  defaults={"key": key, "report": report, "computed_at": timezone.now()})
    return computed


@transaction.atomic
def move_poll(*, poll: DeliberativePoll, to: str, actor) -> DeliberativePoll:
    """The one way a poll changes state (states.DPOLL_TRANSITIONS); an illegal move is refused with the reason."""
    _require_manager(actor)
    poll = DeliberativePoll.objects.select_for_update().get(pk=poll.pk)
    return DPOLL_LIFECYCLE.move(poll, to, actor=actor)


def open_t1(*, poll: DeliberativePoll, actor) -> DeliberativePoll:
    return move_poll(poll=poll, to=DPollState.T1_OPEN, actor=actor)


def plenary_agenda() -> list[dict]:
    """The room's agenda: the materials presented, the tables, the experts' Q&A in plenary."""
    return [
        {"kind": RoundKind.PRESENTATION, "title": _("Presentation of the information materials"),
         "duration_seconds": 30 * 60, "speakers": Speakers.FACILITATOR},
        {"kind": RoundKind.TABLES, "title": _("Small-group discussion at tables"), "duration_seconds": 60 * 60},
        {"kind": RoundKind.BREAK, "title": _("Break"), "duration_seconds": 15 * 60},
        {"kind": RoundKind.QA, "title": _("Plenary questions to the experts"), "duration_seconds": 45 * 60},
    ]


def _invite(poll: DeliberativePoll, users: list, role: str = MemberRole.PARTICIPANT) -> None:
    if users:
        invite_to_room(room=poll.room, actor=poll.room.facilitator, users=users, role=role)


def _open_plenary(poll: DeliberativePoll, *, actor, now) -> None:
    """Open the plenary room (a private panel room) for the deliberating panel only.

    The control sample is never invited: it answers T1 and T2 without the treatment. The room's
    facilitator is whoever moved the poll (its creator for the system); tables are formed live in the room.
    """
    if poll.room_id is None:
        poll.room = create_room(facilitator=actor or poll.created_by, title=poll.title[:120],
                                description=poll.topic[:5000], rounds=plenary_agenda(), access="panel",
                                observers_allowed=False)
        poll.save(update_fields=["room"])
    panel = [p.user for p in poll.participants.filter(group=SurveyGroup.DELIBERATING, user__isnull=False)
             .select_related("user")]
    _invite(poll, panel)


@transaction.atomic
def start_dpoll_deliberation(*, poll: DeliberativePoll, actor, experts: Sequence = ()) -> DeliberativePoll:
    """Close T1 and open the plenary room for the deliberating panel (``move_poll`` does both);
    ``experts`` are invited as speakers."""
    poll = move_poll(poll=poll, to=DPollState.DELIBERATING, actor=actor)
    _invite(poll, list(experts), role=MemberRole.SPEAKER)
    return poll


def open_t2(*, poll: DeliberativePoll, actor) -> DeliberativePoll:
    return move_poll(poll=poll, to=DPollState.T2_OPEN, actor=actor)


def close_dpoll(*, poll: DeliberativePoll, actor) -> DeliberativePoll:
    return move_poll(poll=poll, to=DPollState.CLOSED, actor=actor)


def publish_dpoll(*, poll: DeliberativePoll, actor) -> DeliberativePoll:
    return move_poll(poll=poll, to=DPollState.PUBLISHED, actor=actor)


# --- The surveys -------------------------------------------------------------------------------------

def _clean_answers(questions: list[SurveyQuestion], answers: Mapping) -> dict:
    """{question: value as stored}, or DPollError keyed by question code with every problem at once."""
    errors, cleaned = {}, {}
    known = {q.code for q in questions}
    unknown = [code for code in answers if code not in known]
    if unknown:
        raise DPollError(_("There is no question “%(question)s” in this poll.") % {"question": unknown[0]},
                         code="unknown_question")
    for question in questions:
        value = answers.get(question.code)
        if value is None or value == "":
            errors[question.code] = [ValidationError(_("Please answer “%(question)s”.") % {"question": question.text},
                                                     code="missing")]
            continue
        try:
            cleaned[question] = validate_answer(core_question(question), value)
        except ValidationError as exc:
            errors[question.code] = [exc]
    if errors:
        raise DPollError(errors)
    return cleaned


def _refuse_wave(poll: DeliberativePoll, participant: SurveyParticipant, wave: int) -> str | None:
    if wave not in WAVE_OPEN_STATE:
        return _("There are two surveys, 1 (T1) and 2 (T2).")
    if wave == 2 and not participant.responses.filter(wave=1).exists():
        return _("The second survey (T2) is only for those who answered the first (T1).")
    if participant.responses.filter(wave=wave).exists():
        return _("You have already answered this survey (T%(wave)d); answers cannot be changed.") % {"wave": wave}
    if poll.state != WAVE_OPEN_STATE[wave]:
        return _("The survey T%(wave)d is not open.") % {"wave": wave}
    return None


def submit_response(*, participant: SurveyParticipant, wave: int, answers: Mapping) -> SurveyResponse:
    """Store one survey of one participant, whole or not at all.

    ``answers`` is {question code: value} (values as a form posts them are fine: "4" for a scale).
    Refused with a DPollError: the survey not open, a second answer to the same survey, T2 without
    T1, and, keyed by question code so a form shows them in place, a missing answer, one outside
    the scale or not among the choices.
    """
    with transaction.atomic():
        poll = DeliberativePoll.objects.select_for_update().get(pk=participant.poll_id)
        refusal = _refuse_wave(poll, participant, wave)
        if refusal:
            raise DPollError(refusal, code="wave_refused")
        cleaned = _clean_answers(list(poll.questions.all()), answers)
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(participant=participant, wave=wave)
        except IntegrityError:  # the same survey sent twice at once
            raise DPollError(_("You have already answered this survey (T%(wave)d); answers cannot be changed.")
                             % {"wave": wave}, code="wave_refused") from None
        SurveyAnswer.objects.bulk_create(SurveyAnswer(response=response, question=q, value=v)
                                         for q, v in cleaned.items())
    return response
