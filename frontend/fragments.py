"""Fragments of a page that are the same for every reader, rendered once per content and kept in the cache.

A fragment's cache key is its content: every value its template reads, the language, and a fingerprint
of the template's source, hashed. A changed value (one more support, a new state, an edited title, a day
less left) makes another key, so nothing has to invalidate an entry and an out-of-date one is never read;
a template changed by a deploy makes new keys too. Only values that are the same for every reader may go
into a fragment: nothing of the viewer (name, counts, permissions, CSRF tokens) is ever rendered in one.

Many fragments of a page are read in one round trip (``get_many``) and the missing ones written in one.
When Redis is away the cache degrades to a local one (config/cache.py): fragments are then rendered as
before, per process.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENT_SECONDS = 600  # an unread fragment leaves the cache after this; a read one is still its content

_fingerprints: dict[str, str] = {}


def template_fingerprint(name: str) -> str:
    """A short hash of a template's source (and of the templates it includes, by their names' sources)."""
    fingerprint = _fingerprints.get(name)
    if fingerprint is None:
        source = getattr(get_template(name).template, "source", "")
        fingerprint = _fingerprints[name] = hashlib.blake2b(source.encode(), digest_size=6).hexdigest()
    return fingerprint


def content_key(kind: str, fingerprint: str, parts) -> str:
    digest = hashlib.blake2b(repr((get_language(), parts)).encode(), digest_size=16).hexdigest()
    return f"fragment:{kind}:{fingerprint}:{digest}"


def render_many(items: Sequence, *, kind: str, fingerprint: str, content: Callable[[object], object],
                render: Callable[[object], str]) -> list[SafeString]:
    """Each item's fragment, from the cache where its content was rendered before, else rendered and kept.

    ``content(item)`` returns every value the fragment shows (the key); ``render(item)`` the HTML.
    """
    keys = [content_key(kind, fingerprint, content(item)) for item in items]
    found = cache.get_many(keys) if keys else {}
    missing = {}
    out = []
    for key, item in zip(keys, items):
        html = found.get(key)
        if html is None:
            html = missing[key] = str(render(item))
        out.append(mark_safe(html))
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)
    return out


def render_one(*, kind: str, fingerprint: str, parts, render: Callable[[], str]) -> SafeString:
    return render_many([parts], kind=kind, fingerprint=fingerprint, content=lambda p: p, render=lambda _p: render())[0]


def join(fragments: Iterable[str]) -> SafeString:
    return mark_safe("".join(fragments))


def source_fingerprint(origin) -> str:
    """A short hash of a template file's source, for the fragments a ``{% shared_fragment %}`` in it keeps:
    a deploy that changes the template changes their keys. Read once, when the template is compiled."""
    try:
        with open(origin.name, "rb") as f:
            return hashlib.blake2b(f.read(), digest_size=6).hexdigest()
    except (OSError, TypeError, AttributeError):
        return "0"
