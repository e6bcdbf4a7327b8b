"""Creating rooms and agendas, saving agenda templates, inviting and joining."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from realtime.cache import BoundedCache

from deliberation.rooms import rules
from deliberation.rooms.models import AgendaTemplate, Room, RoomMember, Round
from deliberation.rooms.services.locking import lock_room_for_facilitator
from deliberation.rooms.states import MemberRole, RoomState, RoundKind, Speakers

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
    room = lock_room_for_facilitator(room.pk, actor)
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
        member = _new_member(room, user, MemberRole.OBSERVER if as_observer else MemberRole.PARTICIPANT)
    return member


def _new_member(room: Room, user, role: str) -> RoomMember:
    try:
        with transaction.atomic():
            return RoomMember.objects.create(room=room, user=user, role=role)
    except IntegrityError:  # joined from another tab at the same moment
        return RoomMember.objects.get(room=room, user=user)


SNAPSHOT_MAX_AGE = 1.0  # seconds a room's shared snapshot is reused while its last_seq stays the same
# room id -> (last_seq, monotonic time, part); per process, the rooms used last (settings.ROOM_HELLO_CACHE_MAX)
_room_parts: BoundedCache = BoundedCache(settings.ROOM_HELLO_CACHE_MAX)


def clear_snapshot_cache() -> None:
    _room_parts.clear()


def _room_part(room: Room, now) -> dict:
    """What hello shows everyone in the room, as of ``room.last_seq``: computed once a second at most.

    A crowd connecting at once shares it, which is what lets a room of thousands fill up in seconds
    (docs/benchmarks.md). Every change of the room's state bumps ``last_seq``, so the part is
    reused only while nothing changed; presence and live poll counts may lag by a second, as they
    do on the wire (they are coalesced there too).
    """
    import time

    from deliberation.rooms.services.live_polls import poll_data, poll_results
    from deliberation.rooms.services.presence import presence_data
    from deliberation.rooms.services.questions import questions_data
    from deliberation.rooms.services.queue import queue_data
    from deliberation.rooms.services.tables import tables_data

    cached = _room_parts.get(room.pk)
    if cached and cached[0] == room.last_seq and time.monotonic() - cached[1] < SNAPSHOT_MAX_AGE:
        return cached[2]
    current = room.current_round
    poll = _latest_poll(room)
    part = {
        "room": {"id": room.pk, "title": room.title, "state": room.state, "last_seq": room.last_seq,
                 "is_live": room.state == RoomState.LIVE},
        "agenda": [{"id": r.pk, "position": r.position, "kind": r.kind, "title": r.title, "state": r.state,
                    "duration_seconds": r.duration_seconds} for r in room.rounds.order_by("position")],
        "queue": queue_data(room.pk, now)["queue"],
        "questions": questions_data(current.pk, now)["questions"] if current else [],
        "poll": None if poll is None else {"poll": poll_data(poll), "closes_at": poll.closes_at.isoformat(),
                                           **{k: v for k, v in poll_results(poll).items() if k != "poll_id"}},
        "move_on": _move_on(room, current),
        **presence_data(room.pk, now),
        "tables": tables_data(room.pk),
    }
    _room_parts[room.pk] = (room.last_seq, time.monotonic(), part)
    return part


def enter(*, room_id: int, user) -> dict:
    """One socket of ``user`` arrives; see ``enter_many``."""
    return enter_many([{"room_id": room_id, "user": user}])[0]


def enter_many(arrivals: list[dict]) -> list[dict]:
    """Sockets arriving together (``{"room_id", "user" or "session_key", "language"}``), in a few queries.

    For each, in order: {"user", "refusal": (close code, reason) or None, "readable": table ids whose
    chat they read (None: all), "snapshot": the hello data, "pending": True when their presence waits
    for the next update (presence.connected)}. Who is signed in comes from the session key
    (accounts.session_auth) unless a user is given. The consumer batches the arrivals of one moment
    (deliberation/rooms/realtime/admission.py): a crowd costs a handful of queries per batch, not a dozen per person.
    """
    from django.conf import settings
    from django.utils import translation

    from accounts.session_auth import users_for_sessions

    from deliberation.rooms.models import TableSeat
    from deliberation.rooms.services.presence import connected_many

    users = users_for_sessions([a["session_key"] for a in arrivals if "user" not in a])
    rooms = Room.objects.select_related("current_round").in_bulk({a["room_id"] for a in arrivals})
    results, admitted = [], []
    people = [a.get("user") or users[a["session_key"]] for a in arrivals]
    members = {(m.room_id, m.user_id): m for m in RoomMember.objects.filter(
        room_id__in=list(rooms), user_id__in=[p.pk for p in people if p.is_authenticated])}
    held = _sockets_held([p.pk for p in people if p.is_authenticated], members)
    for arrival, user in zip(arrivals, people):
        with translation.override(arrival.get("language") or settings.LANGUAGE_CODE):
            room = rooms.get(arrival["room_id"])
            if room is None:
                refusal = rules.CLOSE_NOT_FOUND, _("There is no such room.")
            else:
                refusal = rules.refuse_join(user, room, members.get((room.pk, user.pk)))
            if refusal is None:
                refusal = rules.refuse_too_many(held[(room.pk, user.pk)], held[user.pk])
                if refusal is None:  # arrivals of one batch count against the cap together
                    held[(room.pk, user.pk)] += 1
                    held[user.pk] += 1
        results.append({"user": user, "refusal": refusal, "readable": None, "snapshot": None, "pending": False})
        if refusal is None:
            admitted.append((len(results) - 1, room, user))
    new = {(room.pk, user.pk) for _i, room, user in admitted if (room.pk, user.pk) not in members}
    if new:
        RoomMember.objects.bulk_create([RoomMember(room_id=r, user_id=u) for r, u in new], ignore_conflicts=True)
        members.update({(m.room_id, m.user_id): m for m in RoomMember.objects.filter(
            room_id__in=[r for r, _u in new], user_id__in=[u for _r, u in new])})
    by_room: dict[int, list] = {}
    for i, room, user in admitted:
        by_room.setdefault(room.pk, []).append((i, user))
    for room_id, entries in by_room.items():
        room = rooms[room_id]
        pending = connected_many(room_id=room_id, user_ids=[user.pk for _i, user in entries])
        room.refresh_from_db(fields=["last_seq", "state", "current_round"])  # as of after the arrivals
        seats: dict[int, list] = {}
        for user_id, table_id in TableSeat.objects.filter(table__room_id=room_id, user_id__in=[
                u.pk for _i, u in entries]).values_list("user_id", "table_id"):
            seats.setdefault(user_id, []).append(table_id)
        for i, user in entries:
            results[i].update(
                pending=pending,
                readable=None if rules.is_facilitator(user, room) else seats.get(user.pk, []),
                snapshot=room_state_snapshot(room, user, members[(room_id, user.pk)]))
    return results


def _sockets_held(user_ids: list[int], members: dict) -> "Counter":
    """Sockets these people hold now: by ``(room_id, user_id)`` and by ``user_id`` over all rooms.

    Counted from the presence counts (``RoomMember.connections``) of memberships seen within
    PRESENCE_STALE, so sockets of a server that died stop counting when they stop counting as present.
    """
    from collections import Counter

    from django.db.models import Sum
    from django.utils import timezone

    from deliberation.rooms.services.presence import PRESENCE_STALE

    fresh = timezone.now() - PRESENCE_STALE
    held: Counter = Counter()
    for (room_id, user_id), member in members.items():
        if member.connections > 0 and member.seen_at is not None and member.seen_at >= fresh:
            held[(room_id, user_id)] = member.connections
    if user_ids:
        held.update(dict(RoomMember.objects.filter(user_id__in=set(user_ids), connections__gt=0, seen_at__gte=fresh)
                         .values("user_id").annotate(n=Sum("connections")).values_list("user_id", "n")))
    return held


def room_state_snapshot(room: Room, user, member=None) -> dict:
    """What a client needs on connect besides the events it missed: the agenda, the clock, who is here.

    The room's shared part (``_room_part``) plus what is this person's own: their membership and
    table, their votes on the questions and their answer to the poll. ``member``: their RoomMember
    if the caller has it already.
    """
    from django.utils import timezone

    from deliberation.rooms.models import LiveAnswer, QuestionVote
    from deliberation.rooms.services.clock import round_data

    now = timezone.now()
    part = _room_part(room, now)
    member = member if member is not None else rules.membership(user, room)
    table_id = next((t["id"] for t in part["tables"] if any(m["user_id"] == user.pk for m in t["members"])), None)
    questions = part["questions"]
    if questions:
        mine = set(QuestionVote.objects.filter(user=user, question_id__in=[q["id"] for q in questions])
                   .values_list("question_id", flat=True))
        questions = [{**q, "voted": q["id"] in mine} for q in questions]
    poll = part["poll"]
    if poll is not None:
        answer = LiveAnswer.objects.filter(poll_id=poll["poll"]["id"], user=user).values_list("choices", flat=True)
        poll = {**poll, "your_choices": answer.first()}
    presence, count = part["presence"], part["presence_count"]
    if member is not None and not any(p["user_id"] == user.pk for p in presence):  # arrived within the second
        presence = [{"user_id": user.pk, "name": user.public_name, "role": member.role, "muted": member.muted,
                     "table_id": table_id}] + presence
        count += 1
    return {
        **part,
        "current": round_data(room.current_round, now) if room.current_round else None,
        "questions": questions,
        "poll": poll,
        "you": {"user_id": user.pk, "name": user.public_name, "role": member.role if member else None,
                "is_facilitator": rules.is_facilitator(user, room), "muted": bool(member and member.muted),
                "table_id": table_id},
        "presence": presence,
        "presence_count": count,
        "server_time": now.isoformat(),
    }


def _latest_poll(room: Room):
    """The open poll, else the last poll of the current round (its results stay shown), else None."""
    from deliberation.rooms.models import LivePoll
    from deliberation.rooms.states import PollState

    poll = LivePoll.objects.filter(room=room, state=PollState.OPEN).order_by("-opened_at", "-pk").first()
    if poll is None and room.current_round_id:
        poll = LivePoll.objects.filter(room=room, round_id=room.current_round_id).order_by("-opened_at", "-pk").first()
    return poll


def _move_on(room: Room, current) -> dict | None:
    """The current round's votes to move on, as in ``move_on.updated``."""
    from deliberation.rooms.models import MoveOnVote
    from deliberation.rooms.services.floor import eligible_voters

    if current is None:
        return None
    return {"round_id": current.pk, "votes": MoveOnVote.objects.filter(round=current).count(),
            "needed": rules.move_on_needed(eligible_voters(room))}
