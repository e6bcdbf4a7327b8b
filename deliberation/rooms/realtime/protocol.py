"""The room WebSocket protocol as data: one schema per inbound frame type, one validate function.

A schema maps each field of ``data`` to a Field (type, required, limits). ``validate`` returns the
cleaned ``(type, data)`` or raises ProtocolError with a code and a reason the client can show.
OUTBOUND lists the keys each server frame's ``data`` carries; tests check frames against it.
The tables hold the rooms' own frames; a package that extends the room (the juries) adds its own
with ``register_outbound`` / ``register_inbound`` when the app is ready. See docs/realtime-protocol.md.
"""

import json
from typing import NamedTuple

from django.utils.translation import gettext as _

from deliberation.rooms.models import CHAT_MAX, CLIENT_ID_MAX, QUESTION_MAX, TABLE_SUMMARY_MAX

MAX_FRAME_CHARS = 16_000  # far above any valid frame; larger ones are refused before parsing
MAX_DEPTH = 6  # a valid frame nests 3 deep (frame, data, a list); deeper JSON is refused as bad_json


class ProtocolError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class Field(NamedTuple):
    type: type
    required: bool = True
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    nonzero: bool = False


INBOUND: dict[str, dict[str, Field]] = {
    "ping": {},
    "resume": {"last_seq": Field(int, min=0)},
    "chat.send": {"body": Field(str, max_length=CHAT_MAX), "table": Field(bool, required=False),
                  "client_id": Field(str, required=False, max_length=CLIENT_ID_MAX)},
    "chat.hide": {"seq": Field(int, min=1), "reason": Field(str, max_length=300)},
    "clock.start": {"round_id": Field(int, required=False, min=1)},
    "clock.pause": {},
    "clock.resume": {},
    "clock.adjust": {"seconds": Field(int, min=-3600, max=3600, nonzero=True)},
    "clock.skip": {},
    "room.end": {},
    "queue.raise": {},
    "queue.lower": {"user_id": Field(int, required=False, min=1)},
    "queue.give_floor": {"user_id": Field(int, required=False, min=1)},
    "queue.end_turn": {},
    "member.mute": {"user_id": Field(int, min=1)},
    "member.unmute": {"user_id": Field(int, min=1)},
    "member.remove": {"user_id": Field(int, min=1), "reason": Field(str, max_length=300)},
    # questions, the fair floor and the vote to move on (issue 3)
    "question.ask": {"body": Field(str, max_length=QUESTION_MAX)},
    "question.vote": {"question_id": Field(int, min=1)},
    "question.unvote": {"question_id": Field(int, min=1)},
    "question.mark": {"question_id": Field(int, min=1), "state": Field(str, max_length=20),
                      "reason": Field(str, required=False, max_length=300)},
    "floor.invite": {"user_id": Field(int, min=1)},
    "move_on.vote": {},
    # live polls (issue 3): a "list" field is checked for its length here, its items by the service
    "poll.open": {"question": Field(str, max_length=300), "kind": Field(str, max_length=20),
                  "options": Field(list, required=False, max_length=10),
                  "max_choices": Field(int, required=False, min=1, max=10),
                  "duration_seconds": Field(int, min=10, max=3600)},
    "poll.answer": {"poll_id": Field(int, min=1), "choices": Field(list, max_length=10)},
    "poll.close": {"poll_id": Field(int, min=1)},
    # tables (issue 3)
    "tables.split": {"size": Field(int, min=2, max=30), "method": Field(str, max_length=20)},
    "tables.move": {"user_id": Field(int, min=1), "table_id": Field(int, min=1)},
    "tables.set_facilitator": {"table_id": Field(int, min=1), "user_id": Field(int, min=1)},
    "tables.summary": {"table_id": Field(int, min=1), "body": Field(str, max_length=TABLE_SUMMARY_MAX)},
    "tables.bring_back": {},
}

_ROUND = ("round", "deadline", "remaining_seconds", "server_time")
OUTBOUND: dict[str, tuple[str, ...]] = {
    "hello": ("room", "agenda", "current", "queue", "questions", "poll", "move_on", "you", "presence",
              "presence_count", "tables", "server_time"),
    "pong": ("server_time", "last_seq"),
    "chat.message": ("author_id", "author", "body", "table_id"),
    "chat.hidden": ("seq",),
    "chat.ack": ("client_id", "seq"),  # to the sender only, no envelope seq (issue 11)
    "chat.refused": ("client_id", "code", "message"),
    "presence.updated": ("members", "more", "count", "server_time"),
    "room.opened": ("server_time",),
    "room.waiting": ("next_round_id", "server_time"),
    "room.ended": ("server_time",),
    "round.started": _ROUND,
    "round.paused": _ROUND,
    "round.resumed": _ROUND,
    "round.adjusted": (*_ROUND, "by_seconds"),
    "round.ended": ("round_id", "state", "server_time"),
    "queue.updated": ("queue", "server_time"),
    "member.muted": ("user_id", "name"),
    "member.unmuted": ("user_id", "name"),
    "member.removed": ("user_id", "name"),
    "questions.updated": ("round_id", "questions", "server_time"),
    "floor.invited": ("user_id", "name"),
    "move_on.updated": ("round_id", "votes", "needed"),
    "poll.opened": ("poll", "closes_at", "server_time"),
    "poll.results": ("poll_id", "counts", "total"),
    "poll.closed": ("poll_id", "counts", "total"),
    "tables.opened": ("tables", "method", "size", "server_time"),
    "tables.updated": ("tables",),
    "table.summary": ("table_id", "number", "body", "author_id", "author"),
    "tables.closed": ("tables", "server_time"),
}


def register_outbound(frames: dict[str, tuple[str, ...]]) -> None:
    """Add server frames (type -> the keys of its ``data``) of a package that extends the room."""
    _register(OUTBOUND, frames)


def register_inbound(schemas: dict[str, dict[str, Field]]) -> None:
    """Add client frames (type -> its schema) of a package that extends the room; the consumer's
    dispatch table must know them too."""
    _register(INBOUND, schemas)


def _register(table: dict, entries: dict) -> None:
    """Registering the same entry again changes nothing; another shape under a known type is a bug."""
    for kind, shape in entries.items():
        if table.get(kind, shape) != shape:
            raise ValueError(f"frame type {kind!r} is registered already with another shape")
    table.update(entries)


def decode(text: str | None):
    """The JSON value of one inbound text frame; ProtocolError ``bad_json`` if it is none (binary, too
    long, not JSON, or nested deeper than MAX_DEPTH: Python's parser raises RecursionError at ~1,000)."""
    refusal = ProtocolError("bad_json", _("A frame is one JSON text of at most %(n)d characters.")
                            % {"n": MAX_FRAME_CHARS})
    if text is None or len(text) > MAX_FRAME_CHARS:
        raise refusal
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise refusal from None
    if _depth(value) > MAX_DEPTH:
        raise ProtocolError("bad_json", _("A frame nests at most %(n)d levels deep.") % {"n": MAX_DEPTH})
    return value


def _depth(value) -> int:
    """How deep lists and objects nest in ``value`` (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def storable(value) -> bool:
    """No text in ``value`` (a string, or lists of them) holds what PostgreSQL cannot store: a lone
    surrogate (not UTF-8) or a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _type_name(kind: type) -> str:
    if kind is bool:
        return _("true or false")
    if kind is list:
        return _("a list")
    return _("an integer") if kind is int else _("a text")


def _clean(name: str, field: Field, value):
    # bool is an int in Python; a JSON true is not a number here.
    if field.type is bool:
        if not isinstance(value, bool):
            raise ProtocolError("invalid_field", _("The field “%(field)s” must be %(kind)s.")
                                % {"field": name, "kind": _type_name(bool)})
        return value
    if not isinstance(value, field.type) or isinstance(value, bool):
        raise ProtocolError("invalid_field", _("The field “%(field)s” must be %(kind)s.")
                            % {"field": name, "kind": _type_name(field.type)})
    if field.max_length is not None and len(value) > field.max_length:
        if field.type is list:
            raise ProtocolError("too_long", _("The field “%(field)s” has at most %(n)d items.")
                                % {"field": name, "n": field.max_length})
        raise ProtocolError("too_long", _("The field “%(field)s” has at most %(n)d characters.")
                            % {"field": name, "n": field.max_length})
    if not storable(value):
        raise ProtocolError("invalid_field", _("The field “%(field)s” holds characters that cannot be stored "
                                               "(a broken character or a NUL).") % {"field": name})
    if field.type is list:
        return list(value)  # no range for lists; the service checks the items
    too_small = field.min is not None and value < field.min
    too_large = field.max is not None and value > field.max
    if too_small or too_large or (field.nonzero and value == 0):
        raise ProtocolError("invalid_field", _("The field “%(field)s” is out of range.") % {"field": name})
    return value


def validate(frame) -> tuple[str, dict]:
    """Check a decoded inbound frame {"type", "data"} against its schema; return (type, cleaned data)."""
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ProtocolError("invalid_field", _("A frame is an object with a “type”."))
    extra = set(frame) - {"type", "seq", "data"}
    if extra:
        raise ProtocolError("invalid_field", _("Unknown field: %(field)s") % {"field": sorted(extra)[0]})
    schema = INBOUND.get(frame["type"])
    if schema is None:
        raise ProtocolError("unknown_type", _("Unknown frame type: %(type)s") % {"type": frame["type"][:40]})
    data = frame.get("data", {})
    if not isinstance(data, dict):
        raise ProtocolError("invalid_field", _("The field “%(field)s” must be an object.") % {"field": "data"})
    extra = set(data) - set(schema)
    if extra:
        raise ProtocolError("invalid_field", _("Unknown field: %(field)s") % {"field": sorted(extra)[0][:40]})
    cleaned = {}
    for name, field in schema.items():
        if name in data:
            cleaned[name] = _clean(name, field, data[name])
        elif field.required:
            raise ProtocolError("invalid_field", _("The field “%(field)s” is required.") % {"field": name})
    return frame["type"], cleaned


def check_outbound(frame: dict) -> None:
    """Assert a server frame has the envelope and the data keys of its type (used by the tests)."""
    if frame.get("type") == "error":
        assert {"type", "code", "message"} <= set(frame) <= {"type", "code", "message", "for"}, frame
        assert "for" not in frame or frame["for"] in INBOUND, frame
        return
    assert set(frame) - {"seq"} == {"type", "data"}, frame
    missing = set(OUTBOUND[frame["type"]]) - set(frame["data"])
    assert not missing, f"{frame['type']} lacks {sorted(missing)}"
