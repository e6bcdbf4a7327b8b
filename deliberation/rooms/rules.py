"""Who may join a room, watch it, speak in it or run it: one place, asked by services and the consumer."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from realtime.connection import CLOSE_NOT_FOUND, CLOSE_TRY_LATER  # noqa: F401 (shared with live vote results)

from deliberation.rooms.models import Room, RoomMember, Round
from deliberation.rooms.states import Access, MemberRole, RoomState, RoundKind, RoundState, Speakers

# WebSocket close codes (docs/realtime-protocol.md); 4404 and 4013 are every socket's (realtime.connection).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429  # this person holds too many sockets already (settings.ROOM_MAX_SOCKETS_PER_USER)


def refuse_too_many(in_room: int, in_all: int) -> tuple[int, str] | None:
    """(close code, reason) when a person already holds as many sockets as they may, in this room or in all."""
    if in_room >= settings.ROOM_MAX_SOCKETS_PER_USER:
        return CLOSE_TOO_MANY, _("You have this room open %(n)d times already; close one of those tabs or "
                                 "windows first.") % {"n": in_room}
    if in_all >= settings.USER_MAX_SOCKETS:
        return CLOSE_TOO_MANY, _("You have %(n)d room connections open already; close one of those tabs or windows "
                                 "first.") % {"n": in_all}
    return None


def may_create_room(user) -> bool:
    """Facilitators and admins run rooms."""
    return user.is_authenticated and (user.role in (Role.FACILITATOR, Role.ADMIN) or user.is_superuser)


def is_facilitator(user, room: Room) -> bool:
    return user.is_authenticated and (room.facilitator_id == user.pk or user.is_city_admin)


def facilitator_controls(user, room: Room) -> str | None:
    """Which controls the room page gives ``user`` now (ROOM_TRANSITIONS): ``open`` for a room being
    prepared, ``run`` (the clock, the floor) for an open or live one, None once it ended or to anyone else."""
    if not is_facilitator(user, room) or room.state == RoomState.ENDED:
        return None
    return "open" if room.state == RoomState.DRAFT else "run"


def membership(user, room: Room) -> RoomMember | None:
    if not user.is_authenticated:
        return None
    return RoomMember.objects.filter(room=room, user=user).first()


def refuse_join(user, room: Room, member: RoomMember | None, *, as_observer: bool = False) -> tuple[int, str] | None:
    """(close code, reason) when this user may not connect; None when they may."""
    if not user.is_authenticated:
        return CLOSE_UNAUTHENTICATED, _("Please sign in to join the room.")
    if is_facilitator(user, room):
        return None
    if room.state == RoomState.DRAFT:
        return CLOSE_FORBIDDEN, _("This room is not open yet.")
    if member is not None and member.removed_at is not None:
        return CLOSE_FORBIDDEN, _("You were removed from this room.")
    if room.access != Access.PUBLIC and (member is None or not member.invited):
        return CLOSE_FORBIDDEN, _("This room is for invited people only.")
    observing = member.role == MemberRole.OBSERVER if member is not None else as_observer
    if observing and not room.observers_allowed:
        return CLOSE_FORBIDDEN, _("This room does not admit observers.")
    return None


def is_round_running(rnd: Round | None, now: datetime) -> bool:
    """Whether ``rnd`` runs at ``now``: its state says so and its stored deadline has not passed.

    The state alone is not enough: the worker that ends a round at its deadline may be down, and the
    server that receives a frame knows the deadline. Every action allowed only while a round runs asks here.
    """
    return (rnd is not None and rnd.state == RoundState.RUNNING and rnd.deadline_at is not None
            and now < rnd.deadline_at)


def _refuse_outside_round(room: Room, now: datetime | None, closed: str) -> str | None:
    """``closed`` when no round runs; a clearer reason when one still says running but its time is up."""
    current, now = room.current_round, now or timezone.now()
    if room.state == RoomState.LIVE and is_round_running(current, now):
        return None
    if room.state == RoomState.LIVE and current is not None and current.state == RoundState.RUNNING:
        return _("This round's time is up; the next step starts in a moment.")
    return closed


def refuse_chat(user, room: Room, member: RoomMember | None, now: datetime | None = None) -> str | None:
    if is_facilitator(user, room):
        return None
    if member is None or member.removed_at is not None:
        return _("You are not a participant of this room.")
    if member.role == MemberRole.OBSERVER:
        return _("Observers can read but not write.")
    if member.muted:
        return _("The facilitator has muted you.")
    current = room.current_round
    refusal = _refuse_outside_round(room, now, _("The chat opens when a round is running."))
    if refusal:
        return refusal
    if not current.chat_open or current.kind == RoundKind.BREAK:
        return _("The chat is closed in this round.")
    return None


def refuse_control(user, room: Room) -> str | None:
    if not is_facilitator(user, room):
        return _("Only the room's facilitator can do this.")
    if room.state == RoomState.ENDED:
        return _("This room has ended.")
    return None


def refuse_hand(user, room: Room, member: RoomMember | None, now: datetime | None = None) -> str | None:
    """Why ``user`` may not raise a hand now; None when they may (a running round open to the queue)."""
    if member is None or member.removed_at is not None:
        return _("You are not a participant of this room.")
    if member.role == MemberRole.OBSERVER:
        return _("Observers cannot raise a hand.")
    if member.muted:
        return _("The facilitator has muted you.")
    current = room.current_round
    refusal = _refuse_outside_round(room, now, _("Hands can be raised only while a round is running."))
    if refusal:
        return refusal
    if current.speakers not in (Speakers.QUEUE, Speakers.EVERYONE):
        return _("In this round only the facilitator and the invited speakers take the floor.")
    return None


def refuse_question(user, room: Room, member: RoomMember | None, now: datetime | None = None) -> str | None:
    """Why ``user`` may not ask or upvote a question now; None in a running Q&A round for a participant."""
    if member is None or member.removed_at is not None:
        return _("You are not a participant of this room.")
    if member.role == MemberRole.OBSERVER:
        return _("Observers can read but not write.")
    current = room.current_round
    refusal = _refuse_outside_round(room, now, _("Questions can be asked only while a round is running."))
    if refusal:
        return refusal
    if current.kind != RoundKind.QA:
        return _("Questions are asked in a questions-and-answers round.")
    return None


def refuse_move_on(user, room: Room, member: RoomMember | None) -> str | None:
    """Why ``user`` may not vote to move on; participants (not observers, not removed) may."""
    if member is None or member.removed_at is not None:
        return _("You are not a participant of this room.")
    if member.role == MemberRole.OBSERVER:
        return _("Observers cannot vote to move on.")
    return None


def move_on_needed(eligible: int) -> int:
    """Votes that skip the round: more than half of the members who may vote (at least one)."""
    return eligible // 2 + 1


def refuse_poll_answer(user, room: Room, member: RoomMember | None) -> str | None:
    """Why ``user`` may not answer a live poll; participants (not observers, muted or removed) may."""
    if member is None or member.removed_at is not None:
        return _("You are not a participant of this room.")
    if member.role == MemberRole.OBSERVER:
        return _("Observers cannot answer polls.")
    if member.muted:
        return _("The facilitator has muted you.")
    if room.state == RoomState.ENDED:
        return _("This room has ended.")
    return None


def may_read_record(user, room: Room, member) -> bool:
    """Whether ``user`` may read the record of ``room`` (``member``: their RoomMember or None).

    A public room's record is public once the room has ended (anyone, signed in or not); before
    that, and for invited or panel rooms always, the record is for whoever may enter the room: its
    facilitator and admins, and admitted members (refuse_join). Drafts only to their facilitator.
    """
    if room.state == RoomState.ENDED and room.access == Access.PUBLIC:
        return True
    if is_facilitator(user, room):
        return True
    if room.state == RoomState.DRAFT or not user.is_authenticated:
        return False
    return refuse_join(user, room, member) is None
