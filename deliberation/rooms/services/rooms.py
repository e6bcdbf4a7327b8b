"""Creating rooms and agendas, saving agenda templates, inviting and joining."""

from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.session_auth import users_for_sessions

from deliberation.rooms import rules
from deliberation.rooms.models import AgendaTemplate, Room, RoomMember, Round, TableSeat
from deliberation.rooms.selectors import PRESENCE_STALE, room_state_snapshot
from deliberation.rooms.services.locking import lock_room_for_facilitator
from deliberation.rooms.services.presence import connected_many
from deliberation.rooms.states import MemberRole, RoundKind, Speakers

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
def invite_to_room(*, room: Room, actor, users: list, role: str = MemberRole.PARTICIPANT) -> int:
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
    fresh = timezone.now() - PRESENCE_STALE
    held: Counter = Counter()
    for (room_id, user_id), member in members.items():
        if member.connections > 0 and member.seen_at is not None and member.seen_at >= fresh:
            held[(room_id, user_id)] = member.connections
    if user_ids:
        held.update(dict(RoomMember.objects.filter(user_id__in=set(user_ids), connections__gt=0, seen_at__gte=fresh)
                         .values("user_id").annotate(n=Sum("connections")).values_list("user_id", "n")))
    return held


