"""Per-user rate limits for writes (proposals, comments, flags, supports), kept in the cache.

A fixed window per (action, user): simple, shared by every process through Redis in production.
While Redis is down the cache answers from a local one (config/cache.py): each process then counts
on its own, so the limit holds per process rather than being lifted or refusing everyone.
An admin's seed script (``manage.py load_demo``) acts for hundreds of people in seconds; it runs
inside ``rate_limits_bypassed()``, which no request can enter.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RateLimited(ValidationError):
    """Raised when a user has done an action too often; the message says when to try again."""


_bypassed: ContextVar[bool] = ContextVar("rate_limits_bypassed", default=False)


@contextmanager
def rate_limits_bypassed() -> Iterator[None]:
    """No per-user limit counts or refuses inside this block (this thread or task only): for seed
    scripts an admin runs from the shell, never for a request. The cache is neither read nor written."""
    token = _bypassed.set(True)
    try:
        yield
    finally:
        _bypassed.reset(token)


def check_rate(*, action: str, user_id: int) -> None:
    """Count one use of ``action`` by ``user_id``; raise RateLimited if over the configured limit."""
    if _bypassed.get():
        return
    limit, window = settings.RATE_LIMITS[action]
    key = f"rl:{action}:{user_id}"
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return
    if count > limit:
        minutes = max(1, window // 60)
        raise RateLimited(
            _("You have done this too often. You can do it %(limit)d times in %(minutes)d minutes; "
              "please try again later.") % {"limit": limit, "minutes": minutes},
            code="rate_limited",
        )
