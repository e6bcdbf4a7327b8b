"""Creating rooms and agendas, saving agenda templates, inviting and joining."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import rules
from ..models import AgendaTemplate, Room, RoomMember, Round
from ..states import MemberRole, RoomState, RoundKind, Speakers

ROUND_FIELDS = ("kind", "title", "duration_seconds", "speakers", "chat_open", "turn_seconds")
MAX_ROUNDS = 40


def _clean_rounds(rounds: list[dict]) -> list[Round]:
    if not rounds:
        raise ValidationError({"rounds": _("An agenda needs at least one round.")}, code="required")
    if len(rounds) > MAX_ROUNDS:
        raise ValidationError({"rounds": _("An agenda has at most %(n)d rounds.") % {"n": MAX_ROUNDS}})
    built = []
    for position, spec in enumerate(rounds, start=1):
        unknown = set(spec) - set(ROUND_FIELDS)
        if unknown:
            raise ValidationError({"rounds": _("Unknown round field: %(f)s") % {"f": ", ".join(sorted(unknown))}})
        rnd = Round(position=position, **{"speakers": Speakers.QUEUE, "chat_open": True, **spec})
        if rnd.kind == RoundKind.BREAK:
            rnd.chat_open = False
        rnd.full_clean(exclude=["room"])
        built.append(rnd)
    return built


@transaction.atomic
def create_room(*, facilitator, title: str, rounds: list[dict], description: str = "", access: str = "public",
                observers_allowed: bool = True, auto_advance: bool = True, proposal=None) -> Room:
    """A room in preparation with its agenda; ``rounds`` are dicts of ROUND_FIELDS, in order."""
    if not rules.may_create_room(facilitator):
        raise PermissionDenied(_("Only facilitators can create rooms."))
    room = Room(facilitator=facilitator, title=title.strip(), description=description.strip(), access=access,
                observers_allowed=observers_allowed, auto_advance=auto_advance, proposal=proposal)
    room.full_clean(exclude=["facilitator", "current_round", "proposal"])
    built = _clean_rounds(rounds)
    room.save()
    for rnd in built:
        rnd.room = room
    Round.objects.bulk_create(built)
    return room


@transaction.atomic
def save_agenda_template(*, actor, name: str, rounds: list[dict]) -> AgendaTemplate:
    if not rules.may_create_room(actor):
        raise PermissionDenied(_("Only facilitators can save agenda templates."))
    _clean_rounds(rounds)
    template = AgendaTemplate(name=name.strip(), created_by=actor, rounds=rounds)
    template.full_clean(exclude=["created_by"])
    template.save()
    return template


@transaction.atomic
def invite(*, room: Room, actor, users: list, role: str = MemberRole.PARTICIPANT) -> int:
    room = Room.objects.select_for_update().get(pk=room.pk)
    refusal = rules.refuse_control(actor, room)
    if refusal:
        raise PermissionDenied(refusal)
    count = 0
    for user in users:
        member, created = RoomMember.objects.get_or_create(room=room, user=user,
                                                           defaults={"role": role, "invited": True})
        if not created and not member.invited:
            member.invited, member.role = True, role
            member.save(update_fields=["invited", "role"])
        count += 1
    return count


def join(*, room: Room, user, as_observer: bool = False) -> RoomMember:
    """Record that ``user`` entered the room (checked by rules.refuse_join first); returns the membership."""
    room = Room.objects.get(pk=room.pk)  # the caller's copy may predate the room opening
    member = rules.membership(user, room)
    refusal = rules.refuse_join(user, room, member, as_observer=as_observer)
    if refusal:
        raise PermissionDenied(refusal[1])
    if member is None:
        role = MemberRole.OBSERVER if as_observer else MemberRole.PARTICIPANT
        try:
            with transaction.atomic():
                member = RoomMember.objects.create(room=room, user=user, role=role)
        except IntegrityError:  # joined from another tab at the same moment
            member = RoomMember.objects.get(room=room, user=user)
    return member


def room_state_snapshot(room: Room, user) -> dict:
    """What a client needs on connect besides the events it missed: the agenda, the clock, who is here."""
    from django.utils import timezone

    from .clock import round_data
    from .presence import presence_data
    from .questions import questions_data
    from .queue import queue_data
    from .tables import seat_of, tables_data

    now = timezone.now()
    current = room.current_round
    member = rules.membership(user, room)
    seat = seat_of(room.pk, user.pk)
    return {
        "room": {"id": room.pk, "title": room.title, "state": room.state, "last_seq": room.last_seq,
                 "is_live": room.state == RoomState.LIVE},
        "agenda": [{"id": r.pk, "position": r.position, "kind": r.kind, "title": r.title, "state": r.state,
                    "duration_seconds": r.duration_seconds} for r in room.rounds.order_by("position")],
        "current": round_data(current, now) if current else None,
        "queue": queue_data(room.pk, now)["queue"],
        "questions": _with_own_votes(questions_data(current.pk, now)["questions"] if current else [], user),
        "poll": _latest_poll(room, user),
        "move_on": _move_on(room, current),
        "you": {"user_id": user.pk, "name": user.public_name, "role": member.role if member else None,
                "is_facilitator": rules.is_facilitator(user, room), "muted": bool(member and member.muted),
                "table_id": seat.table_id if seat else None},
        **presence_data(room.pk, now),
        "tables": tables_data(room.pk),
        "server_time": now.isoformat(),
    }


def _with_own_votes(questions: list[dict], user) -> list[dict]:
    """The ranked questions, each marked ``voted`` when this person upvoted it (for hello only)."""
    from ..models import QuestionVote

    mine = set(QuestionVote.objects.filter(user=user, question_id__in=[q["id"] for q in questions])
               .values_list("question_id", flat=True))
    return [{**q, "voted": q["id"] in mine} for q in questions]


def _latest_poll(room: Room, user) -> dict | None:
    """The open poll (else the last closed one of the current round), its counts and this person's answer."""
    from ..models import LiveAnswer, LivePoll
    from ..states import PollState
    from .polls import poll_data, poll_results

    poll = LivePoll.objects.filter(room=room, state=PollState.OPEN).order_by("-opened_at", "-pk").first()
    if poll is None and room.current_round_id:
        poll = LivePoll.objects.filter(room=room, round_id=room.current_round_id).order_by("-opened_at", "-pk").first()
    if poll is None:
        return None
    results = poll_results(poll)
    answer = LiveAnswer.objects.filter(poll=poll, user=user).values_list("choices", flat=True).first()
    return {"poll": poll_data(poll), "closes_at": poll.closes_at.isoformat(), "counts": results["counts"],
            "total": results["total"], "your_choices": answer}


def _move_on(room: Room, current) -> dict | None:
    """The current round's votes to move on, as in ``move_on.updated``."""
    from ..models import MoveOnVote
    from .floor import eligible_voters

    if current is None:
        return None
    return {"round_id": current.pk, "votes": MoveOnVote.objects.filter(round=current).count(),
            "needed": rules.move_on_needed(eligible_voters(room))}
