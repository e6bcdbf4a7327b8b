"""Which service each inbound frame type calls: the consumer's dispatch table, one line per type.

Each entry takes the room (a bare ``Room(pk=...)``: the service locks and reloads it), the user and
the frame's cleaned data (deliberation.rooms.realtime.protocol.validate). ``ping`` and ``resume`` are the consumer's own.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from frontend.refusals import refusal

from deliberation.rooms import rules, services
from deliberation.rooms.services.chat import CLIENT_ID


def send_chat(room, user, d) -> dict | None:
    """``chat.send``. With a ``client_id`` the sender gets one reply frame (docs/realtime-protocol.md, "Chat
    acknowledgements"): ``chat.ack`` when the line is stored (now, or by an earlier send of the same id),
    ``chat.refused`` with the error's code and message when it is not. Without one: an ``error``, as before."""
    client_id = d.get("client_id")
    try:
        message = services.post_message(room=room, author=user, body=d["body"], to_table=d.get("table", False),
                                        client_id=client_id)
    except (PermissionDenied, ValidationError) as error:
        if client_id is None or not CLIENT_ID.fullmatch(client_id):
            raise
        code, text = refusal(error)
        return {"type": "chat.refused", "data": {"client_id": client_id, "code": code, "message": text}}
    return services.chat_ack(message) if client_id is not None else None


REPLIES = {"chat.send"}  # the types whose handler returns a frame for the sender alone (or None)

ACTIONS = {
    "chat.send": send_chat,
    "chat.hide": lambda room, user, d: services.hide_message(room=room, actor=user, seq=d["seq"], reason=d["reason"]),
    "clock.start": lambda room, user, d: services.start_round(room=room, actor=user, round_id=d.get("round_id")),
    "clock.pause": lambda room, user, d: services.pause_round(room=room, actor=user),
    "clock.resume": lambda room, user, d: services.resume_round(room=room, actor=user),
    "clock.adjust": lambda room, user, d: services.adjust_round(room=room, actor=user, seconds=d["seconds"]),
    "clock.skip": lambda room, user, d: services.skip_round(room=room, actor=user),
    "room.end": lambda room, user, d: services.end_room(room=room, actor=user),
    "queue.raise": lambda room, user, d: services.raise_hand(room=room, user=user),
    "queue.lower": lambda room, user, d: services.lower_hand(room=room, actor=user, user_id=d.get("user_id")),
    "queue.give_floor": lambda room, user, d: services.give_floor(room=room, actor=user, user_id=d.get("user_id")),
    "queue.end_turn": lambda room, user, d: services.end_turn(room=room, actor=user),
    "member.mute": lambda room, user, d: services.mute_member(room=room, actor=user, user_id=d["user_id"]),
    "member.unmute": lambda room, user, d: services.unmute_member(room=room, actor=user, user_id=d["user_id"]),
    "member.remove": lambda room, user, d: services.remove_member(room=room, actor=user, user_id=d["user_id"],
                                                                  reason=d["reason"]),
    "question.ask": lambda room, user, d: services.ask_question(room=room, user=user, body=d["body"]),
    "question.vote": lambda room, user, d: services.upvote_question(room=room, user=user,
                                                                    question_id=d["question_id"]),
    "question.unvote": lambda room, user, d: services.remove_vote(room=room, user=user, question_id=d["question_id"]),
    "question.mark": lambda room, user, d: services.mark_question(room=room, actor=user, question_id=d["question_id"],
                                                                  state=d["state"], reason=d.get("reason", "")),
    "floor.invite": lambda room, user, d: services.invite_to_speak(room=room, actor=user, user_id=d["user_id"]),
    "move_on.vote": lambda room, user, d: services.vote_move_on(room=room, user=user),
    "poll.open": lambda room, user, d: services.open_poll(
        room=room, actor=user, question=d["question"], kind=d["kind"], options=d.get("options", []),
        max_choices=d.get("max_choices"), duration_seconds=d["duration_seconds"]),
    "poll.answer": lambda room, user, d: services.answer_poll(room=room, user=user, poll_id=d["poll_id"],
                                                              choices=d["choices"]),
    "poll.close": lambda room, user, d: services.close_poll(room=room, actor=user, poll_id=d["poll_id"]),
    "tables.split": lambda room, user, d: services.split_into_tables(room=room, actor=user, size=d["size"],
                                                                     method=d["method"]),
    "tables.move": lambda room, user, d: services.move_to_table(room=room, actor=user, user_id=d["user_id"],
                                                                table_id=d["table_id"]),
    "tables.set_facilitator": lambda room, user, d: services.set_table_facilitator(
        room=room, actor=user, table_id=d["table_id"], user_id=d["user_id"]),
    "tables.summary": lambda room, user, d: services.submit_summary(room=room, user=user, table_id=d["table_id"],
                                                                    body=d["body"]),
    "tables.bring_back": lambda room, user, d: services.bring_back(room=room, actor=user),
}

CLOSE_ERRORS = {rules.CLOSE_UNAUTHENTICATED: "unauthenticated", rules.CLOSE_FORBIDDEN: "forbidden",
                rules.CLOSE_NOT_FOUND: "not_found", rules.CLOSE_TOO_MANY: "too_many_connections",
                rules.CLOSE_TRY_LATER: "unavailable"}
