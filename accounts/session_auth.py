"""Who is signed in, for many session keys at once: Django's get_user, batched for WebSocket crowds.

A room of thousands fills up in seconds (a forum starting, everyone reconnecting after a network
blip); asking the database twice per connection, one connection at a time, made 1,000 people wait
close to a minute (docs/benchmarks.md). ``users_for_sessions`` gives the same answer as
``django.contrib.auth.get_user`` for each key (tests/accounts/test_session_auth.py checks it against
Django), in two queries for the whole batch when sessions live in the database, and one load per
key with any other session engine.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import constant_time_compare

DB_ENGINE = "django.contrib.sessions.backends.db"


def _session_data(keys: list[str]) -> dict[str, dict]:
    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE == DB_ENGINE:
        store = engine.SessionStore()
        rows = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return {row.session_key: store.decode(row.session_data) for row in rows}
    return {key: engine.SessionStore(session_key=key).load() for key in keys}


def _verified(user, session_hash) -> bool:
    """The session was made for this user with their current password (or a fallback secret)."""
    if not hasattr(user, "get_session_auth_hash"):
        return True
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash())


def users_for_sessions(keys) -> dict:
    """{session key: the signed-in user, or AnonymousUser} for each key (None or unknown: anonymous)."""
    keys = [k for k in set(keys) if k]
    result = {}
    wanted = {}  # key -> (user id, backend path, session hash)
    for key, data in _session_data(keys).items():
        try:
            user_id = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
            backend_path = data[BACKEND_SESSION_KEY]
        except (KeyError, ValueError, TypeError):
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            wanted[key] = (user_id, backend_path, data.get(HASH_SESSION_KEY))
    users = get_user_model()._default_manager.in_bulk({user_id for user_id, _path, _hash in wanted.values()})
    for key, (user_id, backend_path, session_hash) in wanted.items():
        backend, user = load_backend(backend_path), users.get(user_id)
        if user is not None and hasattr(backend, "user_can_authenticate"):
            user = user if backend.user_can_authenticate(user) else None
        elif user is not None:  # a backend of another shape: ask it, as Django would
            user = backend.get_user(user_id)
        if user is not None and _verified(user, session_hash):
            result[key] = user
    return {key: result.get(key) or AnonymousUser() for key in keys}
