"""The speaking queue: raising and lowering hands, giving the floor, and each turn's own countdown.

Every change emits one ``queue.updated`` event carrying the whole ordered queue (the speaker first,
then waiting hands by the time they were raised), so clients replace their view rather than patch it.
A turn past its deadline ends through ``expire_turn``: a Celery task queued for the deadline and the
sweep (``expire_due_turns``, run with the rounds' sweep) both call it; it is idempotent.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle
from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.models import Hand, Room, Round
from deliberation.rooms.states import HAND_TRANSITIONS, OPEN_HAND_STATES, HandState, RoomState
from deliberation.rooms.services.locking import lock_room, lock_room_for_facilitator, run_at


class QueueError(IllegalTransition):
    """A queue move that cannot happen now (nobody waiting, no hand raised); the message says which."""


def queue_data(room_id: int, now: datetime) -> dict:
    """The whole queue as clients show it: the speaker first, then the waiting hands in order."""
    hands = (Hand.objects.filter(room_id=room_id, state__in=OPEN_HAND_STATES).select_related("user")
             .order_by("raised_at", "pk"))
    ordered = sorted(hands, key=lambda h: h.state != HandState.SPEAKING)  # stable: raised order kept
    return {
        "queue": [{"hand_id": h.pk, "user_id": h.user_id, "name": h.user.public_name, "state": h.state,
                   "raised_at": h.raised_at.isoformat(),
                   "turn_deadline": h.turn_deadline_at.isoformat() if h.turn_deadline_at else None}
                  for h in ordered],
        "server_time": now.isoformat(),
    }


def emit_queue(room_id: int, now: datetime, actor=None) -> None:
    append_event(room_id=room_id, type="queue.updated", data=queue_data(room_id, now), actor=actor)




HAND_LIFECYCLE = Lifecycle(  # the callers' queries guard every move; a refusal here is a bug
    Hand, HAND_TRANSITIONS, error=QueueError, labels=HandState,
    message=gettext_noop("This hand cannot go from “%(from)s” to “%(to)s”."),
    stamps={HandState.DONE: "ended_at", HandState.LOWERED: "ended_at"}, fields=["floor_given_at", "turn_deadline_at"],
)


def _open_hand(room: Room, user_id: int) -> Hand | None:
    return Hand.objects.select_for_update().filter(room=room, user_id=user_id, state__in=OPEN_HAND_STATES).first()


def _speaking(room: Room) -> Hand | None:
    return Hand.objects.select_for_update().filter(room=room, state=HandState.SPEAKING).first()


@transaction.atomic
def raise_hand(*, room: Room, user) -> Hand:
    """Join the queue; allowed only in a running round whose speakers come from the queue (or everyone)."""
    room, now = lock_room(room.pk), timezone.now()
    refusal = rules.refuse_hand(user, room, rules.membership(user, room), now)
    if refusal:
        raise PermissionDenied(refusal)
    already = QueueError(_("Your hand is already raised."), code="already_raised")
    if _open_hand(room, user.pk) is not None:
        raise already
    try:
        with transaction.atomic():  # the constraint is the last word if two tabs raise at once
            hand = Hand.objects.create(room=room, user=user, raised_at=now)
    except IntegrityError:
        raise already from None
    emit_queue(room.pk, now, actor=user)
    return hand


@transaction.atomic
def lower_hand(*, room: Room, actor, user_id: int | None = None) -> Hand:
    """Lower one's own hand, or (the facilitator) anyone's; a speaker lowered loses the floor."""
    room, now = lock_room(room.pk), timezone.now()
    target = user_id or actor.pk
    if target != actor.pk:
        refusal = rules.refuse_control(actor, room)
        if refusal:
            raise PermissionDenied(refusal)
    hand = _open_hand(room, target)
    if hand is None:
        raise QueueError(_("There is no raised hand to lower."), code="no_hand")
    HAND_LIFECYCLE.move(hand, HandState.LOWERED, now=now)
    emit_queue(room.pk, now, actor=actor)
    return hand


def _schedule_expiry(hand: Hand) -> None:
    from deliberation.tasks import expire_turn

    run_at(expire_turn, hand.room_id, hand.pk, eta=hand.turn_deadline_at)


@transaction.atomic
def give_floor(*, room: Room, actor, user_id: int | None = None) -> Hand:
    """The facilitator gives the floor to the next waiting hand (or ``user_id``'s); the speaker before is done."""
    room, now = lock_room_for_facilitator(room.pk, actor), timezone.now()
    rnd: Round | None = room.current_round
    if room.state != RoomState.LIVE or not rules.is_round_running(rnd, now):  # by the clock: issue 11
        raise QueueError(_("The floor can be given only while a round is running."), code="no_round")
    waiting = Hand.objects.select_for_update().filter(room=room, state=HandState.WAITING).order_by("raised_at", "pk")
    if user_id is not None:
        hand = waiting.filter(user_id=user_id).first()
        if hand is None:
            raise QueueError(_("This person is not waiting for the floor."), code="no_hand")
    else:
        hand = waiting.first()
        if hand is None:
            raise QueueError(_("Nobody is waiting for the floor."), code="queue_empty")
    previous = _speaking(room)
    if previous is not None:  # first, so the one-speaker constraint never sees two
        HAND_LIFECYCLE.move(previous, HandState.DONE, now=now)
    hand.floor_given_at, hand.turn_deadline_at = now, now + timedelta(seconds=rnd.turn_seconds)
    HAND_LIFECYCLE.move(hand, HandState.SPEAKING, now=now)
    emit_queue(room.pk, now, actor=actor)
    _schedule_expiry(hand)
    return hand


@transaction.atomic
def end_turn(*, room: Room, actor) -> Hand:
    """The speaker (or the facilitator) ends the current turn."""
    room, now = lock_room(room.pk), timezone.now()
    hand = _speaking(room)
    if hand is None:
        raise QueueError(_("Nobody has the floor."), code="no_turn")
    if hand.user_id != actor.pk and not rules.is_facilitator(actor, room):
        raise PermissionDenied(_("Only the speaker or the facilitator can end this turn."))
    HAND_LIFECYCLE.move(hand, HandState.DONE, now=now)
    emit_queue(room.pk, now, actor=actor)
    return hand


def drop_hand(*, room: Room, user_id: int, now: datetime, actor) -> bool:
    """Lower ``user_id``'s open hand, if any, inside the caller's transaction (muting, removing)."""
    hand = _open_hand(room, user_id)
    if hand is None:
        return False
    HAND_LIFECYCLE.move(hand, HandState.LOWERED, now=now)
    emit_queue(room.pk, now, actor=actor)
    return True


def clear_queue(*, room: Room, now: datetime, actor=None) -> int:
    """A round ended: the speaker's turn is done and waiting hands are lowered (inside the caller's lock).

    A new agenda item starts with an empty queue: hands raised about the last topic would otherwise
    take the floor in the next one, perhaps a presentation where nobody may speak.
    """
    hands = list(Hand.objects.select_for_update().filter(room=room, state__in=OPEN_HAND_STATES))
    for hand in hands:
        HAND_LIFECYCLE.move(hand, HandState.DONE if hand.state == HandState.SPEAKING else HandState.LOWERED, now=now)
    if hands:
        emit_queue(room.pk, now, actor=actor)
    return len(hands)


@transaction.atomic
def expire_turn(*, room_id: int, hand_id: int, now: datetime | None = None) -> bool:
    """The turn's time is up: the hand is done. Idempotent; does nothing before the deadline or once ended."""
    now = now or timezone.now()
    room = lock_room(room_id)
    hand = Hand.objects.select_for_update().filter(pk=hand_id, room=room).first()
    if hand is None or hand.state != HandState.SPEAKING or hand.turn_deadline_at > now:
        return False
    HAND_LIFECYCLE.move(hand, HandState.DONE, now=now)
    emit_queue(room.pk, now)
    return True


def expire_due_turns(*, now: datetime | None = None) -> int:
    """The sweep: every turn past its deadline (e.g. while the server was down)."""
    now = now or timezone.now()
    due = list(Hand.objects.filter(state=HandState.SPEAKING, turn_deadline_at__lte=now).values_list("room_id", "pk"))
    return sum(expire_turn(room_id=room_id, hand_id=hand_id, now=now) for room_id, hand_id in due)
