"""What every WebSocket of the platform shares: the language it answers in, its close codes, reading a frame.

The codes a room's socket alone uses (4401, 4403, 4429) are in ``deliberation.rooms.rules``;
docs/realtime-protocol.md lists them all.
"""

import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

CLOSE_NOT_FOUND = 4404  # no such room or vote (or not one this person may see)
CLOSE_TRY_LATER = 4013  # "try again later" (RFC 6455's 1013, which daphne cannot send): Redis or the database is away


def scope_language(scope) -> str:
    """The language cookie, else the browser's Accept-Language, else the site default."""
    headers = dict(scope.get("headers", []))
    accepted = parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1"))
    for code in [scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)] + [c for c, _q in accepted]:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:  # also None, "" and "*"
            continue
    return settings.LANGUAGE_CODE


class BadFrame(ValueError):
    """A client's frame that is not one JSON text within the socket's size limit; the message says so."""


def read_json_frame(text_data: str | None, max_chars: int):
    """A client's text frame read as JSON, or ``BadFrame`` with the sentence the person reads (in the active
    language): the live vote results' and the dashboard's sockets read their few frames alike."""
    try:
        if text_data is None or len(text_data) > max_chars:
            raise ValueError
        return json.loads(text_data)
    except (ValueError, RecursionError):
        raise BadFrame(_("A frame is one JSON text of at most %(n)d characters.") % {"n": max_chars}) from None
