"""Citizens' juries and consensus conferences: setting one up, seating the panel, its stages as rooms.

The verdicts, the recommendation and publishing are in ``verdicts.py``. Every change of a jury's
state goes through ``move_jury``; docs/juries.md ("Citizens' juries and consensus conferences")
describes the rules.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle
from deliberation.juries import rules as jury_rules
from deliberation.juries.selectors import latest_verdict
from deliberation.panels import selectors as panel_selectors
from deliberation.rooms.realtime.events import append_event
from deliberation.juries.models import Jury, Recommendation
from deliberation.rooms.models import Room, RoomMember, Round
from deliberation.juries.states import JURY_TRANSITIONS, JuryKind, JuryState, VerdictRule
from deliberation.rooms.states import Access, MemberRole, RoomState, RoundKind, RoundState, Speakers
from deliberation.rooms.services.clock import end_room, open_room
from deliberation.rooms.services.locking import lock_room
from deliberation.rooms.services.rooms import create_room

logger = logging.getLogger(__name__)

RANKED_OPTIONS_MAX = 10
DEFAULT_MINUTES = {"briefing": 20, "testimony": 60, "questions": 40, "deliberation": 90}


class JuryError(IllegalTransition):
    """A jury action that is not possible now; the message says why."""


# --- The one transition function ------------------------------------------------------------------------


def _refuse_for_kind(jury: Jury, to: str) -> str | None:
    """A conference has no verdict on the question; a jury drafts only after a verdict that met its rule."""
    if ((jury.kind == JuryKind.CONFERENCE and to == JuryState.VERDICT)
            or (jury.kind == JuryKind.JURY and jury.state == JuryState.DELIBERATING and to == JuryState.DRAFTING)):
        return JURY_LIFECYCLE.describe(jury, to)
    return None


def _record_move(jury: Jury, from_state: str, to: str, *, actor, now) -> None:
    # the jury's record: every move is in the private room's log (jurors see the stage change live)
    append_event(room_id=jury.private_room_id, type="jury.state", actor=actor,
                 data={"jury_id": jury.pk, "from": from_state, "state": to})


JURY_LIFECYCLE = Lifecycle(
    Jury, JURY_TRANSITIONS, error=JuryError, labels=JuryState, guard=_refuse_for_kind,
    message=gettext_noop("A %(kind)s cannot go from “%(from)s” to “%(to)s”."),
    params=lambda jury: {"kind": JuryKind(jury.kind).label}, changed_at="state_changed_at", record=_record_move,
)


def move_jury(jury: Jury, to: str, *, actor=None) -> Jury:
    """Apply one move of JURY_TRANSITIONS to a jury the caller has locked; refuse anything else by name.

    ``actor``: who moved it (None: the system, e.g. a vote closing itself); logged with the move.
    """
    return JURY_LIFECYCLE.move(jury, to, actor=actor)


def lock(jury: Jury) -> Jury:
    """The jury row locked for this transaction."""
    return Jury.objects.select_for_update().get(pk=jury.pk)


def check_manage(actor, jury: Jury) -> None:
    """Refused unless ``actor`` runs the jury."""
    if not jury_rules.may_manage(actor, jury):
        raise PermissionDenied(_("Only the jury's facilitator can do this."))


def lock_for_facilitator(jury: Jury, actor) -> Jury:
    jury = lock(jury)
    check_manage(actor, jury)
    return jury


# --- Setting a jury up -----------------------------------------------------------------------------------


def clean_options(rule: str, options) -> list[str]:
    """The options of a ranked verdict (2 to 10 distinct texts); other rules have none."""
    if rule != VerdictRule.RANKED:
        return []
    cleaned = [str(o).strip()[:200] for o in options or [] if str(o).strip()]
    if len(cleaned) < 2 or len(cleaned) > RANKED_OPTIONS_MAX:
        raise ValidationError({"options": _("A ranked verdict needs between 2 and %(n)d options, one a line.")
                               % {"n": RANKED_OPTIONS_MAX}}, code="options")
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"options": _("Each option may appear only once.")}, code="options")
    return cleaned


def _check_size(kind: str, size) -> None:
    low, high = jury_rules.size_bounds(kind)
    if not isinstance(size, int) or not low <= size <= high:
        raise ValidationError({"size": _("A %(kind)s has between %(low)d and %(high)d members.") % {
            "kind": JuryKind(kind).label, "low": low, "high": high}}, code="size")


def _agenda(minutes: dict) -> tuple[list[dict], list[dict]]:
    m = {**DEFAULT_MINUTES, **{k: v for k, v in minutes.items() if v}}
    hearing = [
        {"kind": RoundKind.PRESENTATION, "title": _("Briefing"), "duration_seconds": m["briefing"] * 60,
         "speakers": Speakers.FACILITATOR},
        {"kind": RoundKind.PRESENTATION, "title": _("Expert testimony"), "duration_seconds": m["testimony"] * 60,
         "speakers": Speakers.FACILITATOR},
        {"kind": RoundKind.QA, "title": _("Jurors' questions"), "duration_seconds": m["questions"] * 60,
         "speakers": Speakers.QUEUE},
    ]
    private = [{"kind": RoundKind.DISCUSSION, "title": _("Private deliberation"),
                "duration_seconds": m["deliberation"] * 60, "speakers": Speakers.QUEUE}]
    return hearing, private


@transaction.atomic
def create_jury(*, facilitator, kind: str, title: str, question: str, size: int, verdict_rule: str,
                options=(), proposal=None, category=None, draw=None, minutes: dict | None = None) -> Jury:
    """A jury (or conference) being formed, with its hearing room and its private room and their agendas.

    ``minutes``: the planned minutes of "briefing", "testimony", "questions" and "deliberation".
    The proposal it answers, or else the category of the proposal its recommendation will create.
    """
    if not jury_rules.may_create_jury(facilitator):
        raise PermissionDenied(_("Only facilitators can set up a citizens' jury."))
    if kind not in JuryKind.values:
        raise ValidationError({"kind": _("Choose a citizens' jury or a consensus conference.")}, code="kind")
    if verdict_rule not in VerdictRule.values:
        raise ValidationError({"verdict_rule": _("Choose the verdict rule.")}, code="verdict_rule")
    _check_size(kind, size)
    options = clean_options(verdict_rule, options)
    if proposal is None and category is None:
        raise ValidationError({"category": _("Choose the category of the proposal the recommendation will "
                                             "create, or the proposal the jury answers.")}, code="category")
    for value in (minutes or {}).values():
        if value is not None and not (isinstance(value, int) and 1 <= value <= 600):
            raise ValidationError(_("Each stage lasts between 1 and 600 minutes."), code="minutes")
    hearing_rounds, private_rounds = _agenda(minutes or {})
    title, question = title.strip(), question.strip()
    hearing = create_room(facilitator=facilitator, title=title, description=question, access=Access.INVITED,
                          observers_allowed=True, auto_advance=False, rounds=hearing_rounds, proposal=proposal)
    private = create_room(facilitator=facilitator, title=_("%(title)s: private deliberation") % {"title": title},
                          description=question, access=Access.PANEL, observers_allowed=False, auto_advance=False,
                          rounds=private_rounds, proposal=proposal)
    jury = Jury(kind=kind, title=title, question=question, size=size, verdict_rule=verdict_rule, options=options,
                facilitator=facilitator, room=hearing, private_room=private, proposal=proposal, category=category,
                draw=draw)
    jury.full_clean()
    jury.save()
    Recommendation.objects.create(jury=jury)
    if draw is not None:  # whoever already confirmed their invitation takes their seat now
        for row in panel_selectors.confirmed_people(draw):
            if row["user"] is not None:
                seat_from_draw(jury, row["user"])
    return jury


# --- The panel, the experts and the observers -------------------------------------------------------------

SEATING_STATES = (JuryState.FORMING, JuryState.HEARING)


def _existing(room_id: int, user) -> RoomMember | None:
    return RoomMember.objects.select_for_update().filter(room_id=room_id, user=user).first()


def _seat(room: Room, user, role: str) -> RoomMember:
    member = _existing(room.pk, user)
    if member is None:
        return RoomMember.objects.create(room=room, user=user, role=role, invited=True)
    member.role, member.invited = role, True
    member.save(update_fields=["role", "invited"])
    return member


def _refuse_other_role(jury: Jury, user, wanted: str) -> None:
    """One person, one part: the facilitator, a juror, an expert or an observer; a removal is final."""
    if user.pk == jury.facilitator_id:
        raise JuryError(_("The facilitator runs the jury and cannot also sit on it, testify or observe."),
                        code="facilitator")
    for room_id in (jury.private_room_id, jury.room_id):
        member = _existing(room_id, user)
        if member is None:
            continue
        if member.removed_at is not None:
            raise JuryError(_("%(name)s was removed from this jury; a removal is final.")
                            % {"name": user.public_name}, code="removed")
        current = ("juror" if room_id == jury.private_room_id else
                   {MemberRole.SPEAKER: "expert", MemberRole.OBSERVER: "observer"}.get(member.role, "juror"))
        if current != wanted:
            labels = {"juror": _("a juror"), "expert": _("an expert"), "observer": _("an observer")}
            raise JuryError(_("%(name)s is already %(part)s of this jury.")
                            % {"name": user.public_name, "part": labels[current]}, code="other_role")


@transaction.atomic
def add_juror(*, jury: Jury, user, actor) -> RoomMember:
    """The facilitator seats ``user`` (``do_add_juror``)."""
    lock_for_facilitator(jury, actor)
    return do_add_juror(jury=jury, user=user)


@transaction.atomic
def do_add_juror(*, jury: Jury, user) -> RoomMember:
    """Seat ``user``: a participant of the private room and of the hearing. Returns the private seat.

    No permission check: ``add_juror`` is the facilitator's; the system calls this directly (a confirmed
    draw invitation seats its juror). Seats are taken while the jury is forming or hearing, up to its size.
    """
    jury = lock(jury)
    if jury.state not in SEATING_STATES:
        raise JuryError(_("Jurors are seated before the private deliberation begins."), code="closed")
    _refuse_other_role(jury, user, "juror")
    if jury_rules.is_seated(user, jury):
        return jury_rules.juror_membership(user, jury)
    if jury_rules.seated_jurors(jury).count() >= jury.size:
        raise JuryError(_("All %(n)d seats are filled.") % {"n": jury.size}, code="full")
    _seat(jury.room, user, MemberRole.PARTICIPANT)
    return _seat(jury.private_room, user, MemberRole.PARTICIPANT)


def seat_from_draw(jury: Jury, user) -> None:
    """A person who confirmed an invitation of the jury's draw takes a seat. A seat that cannot be taken (a
    full jury, a jury already deliberating) is left to staff and logged, never an error for the citizen who
    just said yes."""
    try:
        do_add_juror(jury=jury, user=user)
    except ValidationError as refusal:
        logger.warning("draw %s: %s not seated in jury %s: %s", jury.draw_id, user.pk, jury.pk, refusal.messages)


def add_expert(*, jury: Jury, user, actor) -> RoomMember:
    """An expert testifies and answers in the hearing (a speaker there); never in the private room, never votes."""
    return _add_to_hearing(jury=jury, user=user, actor=actor, role="expert")


def add_observer(*, jury: Jury, user, actor) -> RoomMember:
    """An observer watches the hearing only; the private room admits no observers."""
    return _add_to_hearing(jury=jury, user=user, actor=actor, role="observer")


@transaction.atomic
def _add_to_hearing(*, jury: Jury, user, actor, role: str) -> RoomMember:
    jury = lock_for_facilitator(jury, actor)
    if jury.state == JuryState.PUBLISHED:
        raise JuryError(_("This jury has published its recommendation."), code="closed")
    _refuse_other_role(jury, user, role)
    return _seat(jury.room, user, MemberRole.SPEAKER if role == "expert" else MemberRole.OBSERVER)


# --- The stages -----------------------------------------------------------------------------------------


@transaction.atomic
def start_hearing(*, jury: Jury, actor) -> Jury:
    """Open the hearing room once every seat is filled; the facilitator starts its rounds there."""
    jury = lock_for_facilitator(jury, actor)
    seated = jury_rules.seated_jurors(jury).count()
    if jury.state == JuryState.FORMING and seated < jury.size:
        raise JuryError(_("The hearing starts when all %(size)d seats are filled (%(seated)d are).")
                        % {"size": jury.size, "seated": seated}, code="seats")
    move_jury(jury, JuryState.HEARING, actor=actor)
    open_room(room=jury.room, actor=actor)
    return jury


@transaction.atomic
def start_deliberation(*, jury: Jury, actor) -> Jury:
    """End the hearing and open the private room to the seated jurors."""
    jury = lock_for_facilitator(jury, actor)
    move_jury(jury, JuryState.DELIBERATING, actor=actor)
    if Room.objects.get(pk=jury.room_id).state != RoomState.ENDED:
        end_room(room=jury.room, actor=actor)
    open_room(room=jury.private_room, actor=actor)
    return jury


@transaction.atomic
def start_drafting(*, jury: Jury, actor) -> Jury:
    """A consensus conference goes from deliberation to writing its recommendation (a jury needs a verdict)."""
    jury = lock_for_facilitator(jury, actor)
    return move_jury(jury, JuryState.DRAFTING, actor=actor)


@transaction.atomic
def add_deliberation_round(*, jury: Jury, actor, title: str = "", minutes: int = 30) -> Round:
    """After a verdict that did not meet the rule: one more deliberation round in the private room."""
    jury = lock_for_facilitator(jury, actor)
    last = latest_verdict(jury)
    if jury.state != JuryState.VERDICT or last is None or last.state != "closed" or last.met:
        raise JuryError(_("Another deliberation round follows a closed verdict that did not meet the rule."),
                        code="no_failed_verdict")
    if not isinstance(minutes, int) or not 1 <= minutes <= 600:
        raise JuryError(_("Each stage lasts between 1 and 600 minutes."), code="minutes")
    move_jury(jury, JuryState.DELIBERATING, actor=actor)
    room = lock_room(jury.private_room_id)
    position = (room.rounds.aggregate(m=Max("position"))["m"] or 0) + 1
    rnd = Round(room=room, position=position, kind=RoundKind.DISCUSSION, speakers=Speakers.QUEUE,
                title=(title.strip() or _("Further deliberation"))[:120], duration_seconds=minutes * 60,
                state=RoundState.PENDING)
    rnd.full_clean()
    rnd.save()
    append_event(room_id=room.pk, type="agenda.round_added", actor=actor, data={
        "round": {"id": rnd.pk, "position": rnd.position, "kind": rnd.kind, "title": rnd.title, "state": rnd.state,
                  "duration_seconds": rnd.duration_seconds}})
    return rnd
