"""Chat in a room: stored with the room's next seq before it is broadcast; hiding stays on record.

A line may carry the sender's own ``client_id``: sent again after a lost connection, it is recognised
and acknowledged with the message stored the first time, never stored twice (issue 11; the protocol's
"Chat acknowledgements"). Cheap refusals (the text, the client id, who may write, the rate limit) come
before the room's row lock, so a refused line never waits for it nor makes others wait.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.ratelimit import check_rate

from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.selectors import seat_of
from deliberation.rooms.models import CHAT_MAX, CLIENT_ID_MAX, ChatMessage, Room
from deliberation.rooms.services.locking import lock_room

CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,%d}" % CLIENT_ID_MAX)


def clean_chat_text(body: str, limit: int = CHAT_MAX) -> str:
    """Plain text only: control characters removed, whitespace trimmed, length limited (clients escape it)."""
    text = "".join(ch for ch in str(body) if ch in "\n\t" or ch >= " ").strip()
    if not text:
        raise ValidationError(_("The message is empty."), code="empty")
    if len(text) > limit:
        raise ValidationError(_("A message has at most %(n)d characters.") % {"n": limit}, code="too_long")
    return text


def clean_client_id(client_id: str | None) -> str | None:
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise ValidationError(_("The field “%(field)s” must be 8 to %(n)d letters, digits, “-” or “_”.")
                              % {"field": "client_id", "n": CLIENT_ID_MAX}, code="invalid_field")
    return client_id


def _already_stored(room_id: int, author, client_id: str | None, text: str) -> ChatMessage | None:
    """The line this client id stored, if any; the same id with another text is refused, not dropped
    (a page without JavaScript reused after Back carries its old id with a new line)."""
    if client_id is None:
        return None
    stored = ChatMessage.objects.filter(room_id=room_id, author=author, client_id=client_id).first()
    if stored is not None and stored.body != text:
        raise ValidationError(_("This form was already sent with another line. Reload the page to write a new "
                                "one; your text is kept here."), code="client_id_reused")
    return stored


def chat_ack(message: ChatMessage) -> dict:
    """The frame that tells the sender (only) its line is stored: the same for the first send and any resend."""
    return {"type": "chat.ack", "data": {"client_id": message.client_id, "seq": message.seq}}


def post_message(*, room: Room, author, body: str, to_table: bool = False, client_id: str | None = None) -> ChatMessage:
    """A chat line to the plenary, or (``to_table``) to the author's table only.

    With a ``client_id`` already stored for this author in this room, the stored message is returned
    and nothing new is written (even if the round has closed since: the line was sent in time).
    """
    client_id = clean_client_id(client_id)
    text = clean_chat_text(body)
    stored = _already_stored(room.pk, author, client_id, text)
    if stored is not None:
        return stored
    # Before the lock: who may write now, by an unlocked read (checked again under the lock), then the rate.
    unlocked = Room.objects.select_related("current_round").get(pk=room.pk)
    refusal = rules.refuse_chat(author, unlocked, rules.membership(author, unlocked))
    if refusal:
        raise PermissionDenied(refusal)
    check_rate(action="chat.message", user_id=author.pk)
    return _store(room.pk, author, text, to_table, client_id)


@transaction.atomic
def _store(room_id: int, author, text: str, to_table: bool, client_id: str | None) -> ChatMessage:
    room = lock_room(room_id)
    stored = _already_stored(room_id, author, client_id, text)  # a resend that raced its first send: exact now
    if stored is not None:
        return stored
    refusal = rules.refuse_chat(author, room, rules.membership(author, room))
    if refusal:
        raise PermissionDenied(refusal)
    table_id = None
    if to_table:
        seat = seat_of(room.pk, author.pk)
        if seat is None:
            raise ValidationError(_("You are not sitting at a table."), code="no_table")
        table_id = seat.table_id
    event = append_event(room_id=room.pk, type="chat.message", actor=author, table_id=table_id,
                         data={"author_id": author.pk, "author": author.public_name, "body": text,
                               "table_id": table_id})
    return ChatMessage.objects.create(room=room, seq=event.seq, author=author, body=text, table_id=table_id,
                                      created_at=event.created_at, client_id=client_id)


@transaction.atomic
def hide_message(*, room: Room, actor, seq: int, reason: str) -> ChatMessage:
    """The message disappears for everyone; who hid it and why stay on record."""
    room = lock_room(room.pk)
    if not rules.is_facilitator(actor, room):
        raise PermissionDenied(_("Only the room's facilitator can hide messages."))
    reason = reason.strip()[:300]
    if not reason:
        raise ValidationError(_("A reason is required; it stays on record."), code="reason_required")
    message = ChatMessage.objects.select_for_update().filter(room=room, seq=seq).first()
    if message is None:
        raise ValidationError(_("There is no such message."), code="not_found")
    if message.hidden_at is None:
        message.hidden_at, message.hidden_by, message.hidden_reason = timezone.now(), actor, reason
        message.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        append_event(room_id=room.pk, type="chat.hidden", data={"seq": seq}, actor=actor,
                     table_id=message.table_id)
    return message
