"""The open-data API (정보공개 3.0), version 1: django-ninja, read-only, the same answers for everyone.

- ETag on every 200 (a hash of the body): a client sending it back in If-None-Match gets a 304 without
  the body (the rows are still read: the hash is of what would be sent).
- Per-client rate limit (``ClientThrottle``, a fixed window), 429 with Retry-After (the window's end).
- Errors as ``{"error": {"code", "message", "detail"}}``, 400 for any query the API cannot answer as asked
  (also for ninja's own validation errors, which would be 422), the message in Korean or English.
"""

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.throttling import BaseThrottle
from pydantic_core import to_json

from governance.api import errors
from governance.api.routes import committees_router, records_router

DEFAULT_RATE = "120/m"


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/m" -> (120, 60): requests per period (s, m, h or d)."""
    number, period = rate.split("/", 1)
    return int(number), PERIODS[period.strip()[:1]]


def count_in_window(key: str, timeout: int) -> int:
    """One more request in this window: one cache round trip where the cache can (config/cache.py's
    ``incr_window``, a pipeline), else an increment and an add on the window's first request."""
    incr_window = getattr(cache, "incr_window", None)
    if incr_window is not None:
        return incr_window(key, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or the key expired meanwhile)
        return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)


class ClientThrottle(BaseThrottle):
    """At most settings.API_RATE_LIMIT (e.g. "120/m") requests per client address in each fixed window,
    counted in the shared cache (Redis in production; config/cache.py keeps counting locally while it is
    away). One cache round trip per request (an increment), where ninja's own throttles read and write a
    list of times: the limit must not cost what it protects. The address is REMOTE_ADDR, or the first of
    X-Forwarded-For behind settings.NINJA_NUM_PROXIES proxies (ninja's get_ident)."""

    def __init__(self):
        self._local = threading.local()  # one throttle serves every thread: the wait is per request

    def allow_request(self, request: HttpRequest) -> bool:
        limit, period = parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))
        now = time.time()
        window = int(now // period)
        key = f"api-rate:{self.get_ident(request)}:{window}"
        count = count_in_window(key, period + 1)
        self._local.wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


class CompiledJSONRenderer(JSONRenderer):
    """The answer's JSON written by pydantic's compiled serialiser (pydantic_core.to_json, already installed
    with ninja) instead of json.dumps with a Python ``default`` per datetime: a 100-row page spent ~2.5 ms in
    json.dumps, more than the rest of ninja's work (docs/benchmarks.md "Governance"). UTF-8, not \\u escapes;
    times as ISO 8601 with microseconds and ``Z``. Anything it does not know (a lazy translation) goes
    through ninja's encoder, as before."""

    _fallback = NinjaJSONEncoder().default

    def render(self, request: HttpRequest, data, *, response_status: int) -> bytes:
        return to_json(data, fallback=self._fallback)


class OpenDataAPI(NinjaAPI):
    def create_response(self, request: HttpRequest, data, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        patch_vary_headers(response, ["Accept-Language"])
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        etag = '"%s"' % hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        wanted = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in wanted or "*" in wanted:
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Cache-Control", "Vary"):
                not_modified[header] = response[header]
            return not_modified
        return response


api = OpenDataAPI(
    title="Seoul participation: open data",
    version="1",
    description="Every public record of the platform, read-only. Documentation: /api/v1/docs",
    urls_namespace="api",
    docs_url=None,  # our own page (views.docs): Swagger UI would need scripts from a CDN or ninja's static files
    throttle=[ClientThrottle()],
    renderer=CompiledJSONRenderer(),
)


@api.exception_handler(errors.BadRequest)
def bad_request(request, exc: errors.BadRequest):
    return api.create_response(request, errors.error_body(exc.code, exc.message, **exc.detail), status=400)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    message, names = errors.validation_message(exc.errors)
    return api.create_response(request, errors.error_body("invalid_parameter", message, parameters=names), status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, errors.error_body("not_found", errors.not_found_message()), status=404)


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    return api.create_response(request, errors.error_body("rate_limited", errors.too_many_message()), status=429)


api.add_router("/", records_router)
api.add_router("/", committees_router)
