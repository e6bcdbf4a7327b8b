"""Request body caps, enforced before anything reads the body (docs/deployment.md, "Request body limits").

Django parses a multipart POST before CSRF refuses it, so a 115 MB post to a public form stalled the
process. Each path has a cap (``settings.REQUEST_BODY_LIMITS``, else ``REQUEST_BODY_MAX_BYTES``); a
body over it gets 413 with a short message:

- ``BodyLimitMiddleware`` (first in MIDDLEWARE): by Content-Length before the view or CSRF read the
  body; a body without one (chunked) is read through a stream that stops past the cap.
- ``BodyLimitASGI`` (config/asgi.py): the same before Django's ASGI handler, which reads the whole
  body into a temporary file before any middleware runs.
- ``install_daphne_guard``: the same inside daphne, which otherwise receives the whole body (and
  queues it in memory) before the application is called.
"""

import io
import logging
from urllib.parse import unquote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def limit_for(path: str, cookies: bytes | None = None) -> int:
    """The cap of ``path``; with ``cookies`` (the raw Cookie header, where the user is not known yet),
    an import path's larger cap only for a request that carries a session cookie at all."""
    if cookies is not None and settings.SESSION_COOKIE_NAME.encode() + b"=" not in cookies:
        return int(settings.REQUEST_BODY_MAX_BYTES)
    return int(settings.REQUEST_BODY_LIMITS.get(path, settings.REQUEST_BODY_MAX_BYTES))


def _message(limit: int) -> str:
    return _("The request is too large: at most %(kb)d KB can be sent here.") % {"kb": limit // 1024}


def _default_language_message(limit: int) -> str:
    """The 413 text, in the site's default language (the refusal comes before the locale is chosen)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _message(limit) + "\n"


def too_large_response(limit: int) -> HttpResponse:
    response = HttpResponse(_default_language_message(limit), status=413, content_type="text/plain; charset=utf-8")
    response["Connection"] = "close"
    return response


def _content_length(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class BodyTooLarge(RequestDataTooBig):
    """Raised by the capped stream; Django turns it into a 400, which the middleware makes a 413."""


class CappedStream(io.RawIOBase):
    """A body stream that raises BodyTooLarge once more than ``limit`` bytes have been read."""

    def __init__(self, stream, limit: int, on_exceeded):
        self._stream, self._limit, self._read, self._on_exceeded = stream, limit, 0, on_exceeded

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        # Never ask for more than one byte past the cap: that byte is enough to know it is over.
        room = self._limit + 1 - self._read
        data = self._stream.read(room if size is None or size < 0 else min(size, room))
        self._read += len(data)
        if self._read > self._limit:
            self._on_exceeded()
            raise BodyTooLarge(_message(self._limit))
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        room = self._limit + 1 - self._read
        data = self._stream.readline(room if size is None or size < 0 else min(size, room))
        self._read += len(data)
        if self._read > self._limit:
            self._on_exceeded()
            raise BodyTooLarge(_message(self._limit))
        return data


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = limit_for(request.path_info)
        length = _content_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > limit:
            return too_large_response(limit)
        if length is None and hasattr(request, "_stream"):
            exceeded = []
            request._stream = CappedStream(request._stream, limit, lambda: exceeded.append(True))
            response = self.get_response(request)
            return too_large_response(limit) if exceeded else response
        return self.get_response(request)


class BodyLimitASGI:
    """ASGI wrapper around Django's HTTP application: 413 by Content-Length without reading the body;
    a body without one is passed on until it passes the cap, then the application hears a disconnect."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        limit = limit_for(scope.get("path", ""), headers.get(b"cookie", b""))
        length = _content_length(headers.get(b"content-length"))
        if length is not None and length > limit:
            return await self._refuse(scope, send, limit)
        if length is not None:
            return await self.app(scope, receive, send)
        state = {"read": 0, "over": False, "started": False}

        async def capped_receive():
            if state["over"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["over"] = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message):
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, capped_receive, watched_send)
        if state["over"] and not state["started"]:
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope, send, limit: int) -> None:
        body = (await sync_to_async(_default_language_message, thread_sensitive=False)(limit)).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def install_daphne_guard() -> bool:
    """Make daphne refuse an over-cap body as soon as its headers (or its chunks) show it, before it
    receives it: daphne hands the application a request only once twisted has the whole body, and then
    queues all of it in memory at once. Also stop twisted parsing multipart bodies in memory for
    nothing. False if daphne is not installed."""
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:
        return False
    if getattr(WebRequest, "_body_guard", False):
        return True
    original_got_length, original_chunk = WebRequest.gotLength, WebRequest.handleContentChunk

    def _path(request) -> str:
        raw = getattr(request.channel, "_path", b"") or b""
        return unquote(raw.split(b"?", 1)[0].decode("ascii", "replace"))

    def _refuse(request) -> None:
        body = _default_language_message(request._body_limit).encode()
        transport = request.channel.transport
        transport.write(b"HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        request._body_refused = True
        transport.loseConnection()

    def gotLength(self, length):
        # Twisted parses a multipart body itself (into request.args, which daphne never reads), reading it
        # whole into memory first, and answers a bare 400 when it cannot: Django alone reads the body.
        self._parsePOSTFormSubmission = False
        cookies = b"; ".join(self.requestHeaders.getRawHeaders(b"cookie") or [])
        self._body_received, self._body_limit = 0, limit_for(_path(self), cookies)
        if length is not None and length > self._body_limit:
            _refuse(self)
            length = 0  # nothing is buffered for a refused request
        return original_got_length(self, length)

    def handleContentChunk(self, data):
        if getattr(self, "_body_refused", False):
            return None
        self._body_received = getattr(self, "_body_received", 0) + len(data)
        if self._body_received > getattr(self, "_body_limit", settings.REQUEST_BODY_MAX_BYTES):
            _refuse(self)
            return None
        return original_chunk(self, data)

    original_process = WebRequest.process

    def process(self):
        if getattr(self, "_body_refused", False):  # answered already; the application never sees it
            return None
        return original_process(self)

    WebRequest.gotLength, WebRequest.handleContentChunk, WebRequest.process = gotLength, handleContentChunk, process
    WebRequest._body_guard = True
    return True


class StaffUploadMiddleware:
    """The larger caps of the import paths are for those who may import (staff and city admins): anyone
    else gets the global cap, checked once the user is known (after AuthenticationMiddleware) and still
    before CSRF or the view read the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in settings.REQUEST_BODY_LIMITS:
            length = _content_length(request.META.get("CONTENT_LENGTH")) or 0
            user = getattr(request, "user", None)
            may_import = bool(user and user.is_authenticated and (user.is_staff or user.is_city_admin))
            if not may_import:
                cap = settings.REQUEST_BODY_MAX_BYTES
                if length > cap:
                    return too_large_response(cap)
                if hasattr(request, "_stream"):  # a body without a length: cut off at the global cap too
                    exceeded = []
                    request._stream = CappedStream(request._stream, cap, lambda: exceeded.append(True))
                    response = self.get_response(request)
                    return too_large_response(cap) if exceeded else response
        return self.get_response(request)
