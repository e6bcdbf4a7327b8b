"""Which pages may open a WebSocket to this site: the Origin's scheme, host and port, not the host alone.

Channels' ``AllowedHostsOriginValidator`` compares an ``ALLOWED_HOSTS`` entry (a host name, no
scheme) with the Origin's host only, so a page of another application on another port of the same
host (``http://civic.example:8080``) could open a signed-in person's room socket. Here an Origin is
admitted when it is

- the site itself: the same scheme (``https`` for a ``wss`` socket, ``http`` for ``ws``), host and
  port as the socket's own ``Host`` header, that host being in ``ALLOWED_HOSTS``; or
- one of ``CSRF_TRUSTED_ORIGINS`` (scheme, host and port exactly; ``https://*.example.org`` for
  subdomains), as Django trusts them for forms.

Behind a TLS proxy the socket's scheme is taken from ``SECURE_PROXY_SSL_HEADER`` as Django does for
requests (``BEHIND_TLS_PROXY=1``). A socket without a ``Host`` header (in-process tests only: HTTP/1.1
requires it) is admitted from an ``ALLOWED_HOSTS`` host on its scheme's default port. Everything
else, a missing or ``null`` Origin included, is refused at the handshake (HTTP 403).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_parts(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) origin, the port made explicit; None if it is not one."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address: bracketed, as in Host headers and ALLOWED_HOSTS
        host = f"[{host}]"
    return parts.scheme, host, port or DEFAULT_PORTS[parts.scheme]


def _socket_scheme(scope, headers: dict[bytes, bytes]) -> str:
    """``https`` for a wss socket (or one a trusted TLS proxy forwarded), else ``http``."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name = proxy_header[0].removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
        if name in headers:
            forwarded = headers[name].decode("latin-1").split(",")[0].strip()
            return "https" if forwarded == proxy_header[1] else "http"
    return "https" if scope.get("scheme") == "wss" else "http"


def _trusted(origin: tuple[str, str, int]) -> bool:
    scheme, host, port = origin
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        trusted = _origin_parts(entry.replace("://*.", "://wildcard."))
        if trusted is None or trusted[0] != scheme or trusted[2] != port:
            continue
        if entry.split("://", 1)[1].startswith("*."):
            suffix = trusted[1].removeprefix("wildcard")
            if host.endswith(suffix):
                return True
        elif trusted[1] == host:
            return True
    return False


def origin_allowed(scope) -> bool:
    headers = dict(scope.get("headers", []))
    raw = headers.get(b"origin")
    origin = _origin_parts(raw.decode("latin-1")) if raw else None
    if origin is None:
        return False
    if _trusted(origin):
        return True
    scheme, host, port = origin
    if not validate_host(host, settings.ALLOWED_HOSTS):
        return False
    if b"host" not in headers:
        return port == DEFAULT_PORTS[scheme]
    own_host, own_port = split_domain_port(headers[b"host"].decode("latin-1"))
    if not own_host or not validate_host(own_host, settings.ALLOWED_HOSTS):
        return False
    own_scheme = _socket_scheme(scope, headers)
    own = (own_scheme, own_host, int(own_port) if own_port.isdigit() else DEFAULT_PORTS[own_scheme])
    return origin == own


class OriginCheck:
    """ASGI middleware for WebSocket routes: refuse the handshake unless ``origin_allowed``."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("OriginCheck is for WebSocket connections")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        # Refuse the handshake (daphne answers 403). Not Channels' WebsocketDenier: that is a consumer,
        # which opens a channel-layer read for nothing (and a read cancelled at once can hang in tests).
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close"})
