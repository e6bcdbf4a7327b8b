"""The batched session lookup gives exactly what Django's own get_user gives, key by key."""

from datetime import timedelta

import pytest
from channels.auth import get_user as channels_get_user
from django.contrib.auth import get_user as django_get_user
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from accounts.session_auth import users_for_sessions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _django_says(key: str):
    request = HttpRequest()
    request.session = SessionStore(session_key=key)
    return django_get_user(request)


def test_each_kind_of_session_gets_the_same_answer_as_django():
    ok, changed, inactive, expired_owner, other_backend = (UserFactory() for _ in range(5))
    keys = {"ok": _signed_in(ok), "changed": _signed_in(changed), "inactive": _signed_in(inactive),
            "expired": _signed_in(expired_owner), "other-backend": _signed_in(other_backend),
            "unknown": "no-such-session-key-000000000000", "garbage": "x"}
    changed.set_password("a new password 123")  # the old session no longer verifies
    changed.save()
    inactive.is_active = False
    inactive.save()
    Session.objects.filter(session_key=keys["expired"]).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(session_key=keys["other-backend"])
    store["_auth_user_backend"] = "some.other.Backend"
    store.save()
    no_user = SessionStore()
    no_user["something"] = 1
    no_user.create()
    keys["no-user"] = no_user.session_key

    batched = users_for_sessions(keys.values())

    for name, key in keys.items():
        expected = _django_says(key)
        assert batched[key].pk == expected.pk, name
    assert batched[keys["ok"]] == ok
    assert not any(batched[keys[n]].is_authenticated for n in keys if n != "ok")


def test_a_batch_costs_two_queries_however_many_people(django_assert_num_queries):
    keys = [_signed_in(UserFactory()) for _ in range(20)]
    with django_assert_num_queries(2):
        users = users_for_sessions(keys)
    assert len({u.pk for u in users.values()}) == 20


@pytest.mark.django_db(transaction=True)
def test_it_agrees_with_channels_get_user_too():
    from asgiref.sync import async_to_sync

    user = UserFactory()
    key = _signed_in(user)
    scope_user = async_to_sync(channels_get_user)({"session": SessionStore(session_key=key)})
    assert users_for_sessions([key])[key] == scope_user == user
