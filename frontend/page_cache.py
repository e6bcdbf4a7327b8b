"""Whole pages kept a few seconds for readers who are not signed in (docs/architecture.md, "Pages").

The proposal page, the listing, a vote page and the home page are what a crowd reads without an account:
the same HTML for everyone in one language, but for the CSRF token of the language form. Such a page is
kept whole in the cache for ``ANONYMOUS_PAGE_SECONDS`` (5 by default) with the token left as a blank; every
reader gets it with their own token filled in (their CSRF cookie set as on any page). A page may so be up
to that many seconds older than the database for readers without an account, never for a signed-in one:
a person who supports, comments or votes is signed in and sees their own act at once. 0 turns it off.

A request is served from it only when nothing of the reader can be on the page: a GET, no one signed in,
no message waiting (a flash message is shown once, on the next page), and no cookie but the session, the
CSRF token and the language ones (a vote's receipt cookie, for one, is shown on its page). The key is the
language, the host and the full path with its query. A page is kept only if it was a 200, sets no
cookie of its own and left the session as it was.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

BLANK = "\x00csrf-token\x00"  # no template renders a NUL
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]*)(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Link")
_READER_COOKIES = None


def _reader_cookies() -> frozenset:
    global _READER_COOKIES
    if _READER_COOKIES is None:
        _READER_COOKIES = frozenset({settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME,
                                     settings.LANGUAGE_COOKIE_NAME})
    return _READER_COOKIES


def for_anonymous_readers(view):
    """Serve ``view``'s page from the page cache to readers who are not signed in (module docstring)."""

    @wraps(view)
    def serve(request, *args, **kwargs):
        seconds = settings.ANONYMOUS_PAGE_SECONDS
        if not seconds or not _same_for_everyone(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        kept = cache.get(key)
        if kept is not None:
            return _from_kept(request, kept)
        session_was_modified = request.session.modified
        response = view(request, *args, **kwargs)
        if (response.status_code == 200 and not response.streaming and not response.cookies
                and request.session.modified == session_was_modified and not _messages_added(request)):
            cache.set(key, _to_keep(response), seconds)
        return response

    return serve


def page_key(request) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{get_language()}:{hashlib.blake2b(where.encode(), digest_size=16).hexdigest()}"


def _same_for_everyone(request) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    if not _reader_cookies().issuperset(request.COOKIES):
        return False
    # Messages kept in the session (too long for their cookie) are only there when its cookie is.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES or "_messages" not in request.session


def _messages_added(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def _to_keep(response) -> tuple:
    body = _TOKEN.sub(lambda m: m.group(1) + BLANK.encode() + m.group(3), response.content)
    headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
    return body, headers


def _from_kept(request, kept) -> HttpResponse:
    body, headers = kept
    response = HttpResponse(body.replace(BLANK.encode(), get_token(request).encode()))
    for name, value in headers:
        response[name] = value
    return response
