"""Chat in a room: stored with the room's next seq before it is broadcast; hiding stays on record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.ratelimit import check_rate

from .. import rules
from ..events import append_event
from ..models import CHAT_MAX, ChatMessage, Room


def clean_chat_text(body: str, limit: int = CHAT_MAX) -> str:
    """Plain text only: control characters removed, whitespace trimmed, length limited (clients escape it)."""
    text = "".join(ch for ch in str(body) if ch in "\n\t" or ch >= " ").strip()
    if not text:
        raise ValidationError(_("The message is empty."), code="empty")
    if len(text) > limit:
        raise ValidationError(_("A message has at most %(n)d characters.") % {"n": limit}, code="too_long")
    return text


@transaction.atomic
def post_message(*, room: Room, author, body: str, to_table: bool = False) -> ChatMessage:
    """A chat line to the plenary, or (``to_table``) to the author's table only."""
    from .tables import seat_of

    room = Room.objects.select_for_update(of=("self",)).select_related("current_round").get(pk=room.pk)
    refusal = rules.refuse_chat(author, room, rules.membership(author, room))
    if refusal:
        raise PermissionDenied(refusal)
    table_id = None
    if to_table:
        seat = seat_of(room.pk, author.pk)
        if seat is None:
            raise ValidationError(_("You are not sitting at a table."), code="no_table")
        table_id = seat.table_id
    text = clean_chat_text(body)
    check_rate(action="chat.message", user_id=author.pk)
    event = append_event(room_id=room.pk, type="chat.message", actor=author, table_id=table_id,
                         data={"author_id": author.pk, "author": author.public_name, "body": text,
                               "table_id": table_id})
    return ChatMessage.objects.create(room=room, seq=event.seq, author=author, body=text, table_id=table_id,
                                      created_at=event.created_at)


@transaction.atomic
def hide_message(*, room: Room, actor, seq: int, reason: str) -> ChatMessage:
    """The message disappears for everyone; who hid it and why stay on record."""
    room = Room.objects.select_for_update().get(pk=room.pk)
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
