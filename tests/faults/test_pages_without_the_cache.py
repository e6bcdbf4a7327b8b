"""With Redis (the cache) stopped, pages are still served: the cache degrades, it does not fail the request.

The pages run in this process with the cache pointed at a Redis of the test's own, which the test
stops. What a person gets: the home page, a proposal's page, signing in, supporting a proposal (the
rate limiter's store is the cache: while it is down each process counts on its own).
"""

import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from proposals.models import Support
from tests.factories import ProposalFactory, ResidentFactory
from tests.faults.stack import eventually

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cache_on_own_redis(settings, own_redis):
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": own_redis.url}}
    assert "Redis" in django_settings.CACHES["default"]["BACKEND"], "the production cache is Redis"
    cache.set("probe", 1)
    assert own_redis.process is not None and cache.get("probe") == 1  # the cache really is that Redis
    yield own_redis
    settings.CACHES = django_settings.CACHES


def test_home_proposal_sign_in_and_support_are_served_while_redis_is_down(cache_on_own_redis):
    proposal = ProposalFactory(published=True, title="Shade trees on Main Street")
    resident = ResidentFactory(password="a long enough pw 123")
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    visitor = Client(headers={"Accept-Language": "en"})
    assert visitor.get("/").status_code == 200  # the summary is cached in Redis now

    cache_on_own_redis.stop()
    started = time.monotonic()
    home = visitor.get("/")
    page = visitor.get(f"/proposals/{proposal.pk}/")
    print(f"\nRedis down: home {home.status_code}, proposal {page.status_code} "
          f"in {time.monotonic() - started:.2f} s")
    assert home.status_code == 200
    assert page.status_code == 200 and "Shade trees on Main Street" in page.content.decode()

    signed_in = visitor.post("/accounts/login/", {"login": resident.email, "password": "a long enough pw 123"})
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    assert visitor.get("/me/profile/").status_code == 200  # the session (database) holds

    supported = visitor.post(f"/proposals/{proposal.pk}/support/")
    assert supported.status_code in (200, 302)
    assert Support.objects.filter(proposal=proposal, user=resident).count() == 1

    cache_on_own_redis.start()  # back: the cache is Redis again (after at most RETRY_AFTER seconds)
    assert visitor.get("/").status_code == 200
    redis = cache_on_own_redis.client()
    eventually(lambda: cache.set("probe", 2) or redis.get(cache.make_key("probe")) is not None,
               timeout=10, what="the cache writing to Redis again")
    assert cache.get("probe") == 2


def test_a_redis_that_accepts_but_never_answers_costs_one_request_a_second_not_every_thread(settings):
    """Hung, not down: each call would wait its read timeout. After a failure the cache stays local for
    RETRY_AFTER, then one thread probes while the others stay local; no retry doubles the wait."""
    import socket
    import threading

    from django.core.cache import caches

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)  # kept open, never answered

    threading.Thread(target=accept, daemon=True).start()
    location = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    settings.CACHES = {"hung": {**django_settings.CACHES["default"], "LOCATION": location}}
    hung = caches["hung"]
    try:
        started = time.monotonic()
        assert hung.get("x", "local") == "local"  # the first call waits its read timeout, then degrades
        first = time.monotonic() - started
        time.sleep(2.1)  # past RETRY_AFTER: the next calls may probe again, but only one of them does
        before = len(accepted)
        results, threads = [], [threading.Thread(target=lambda: results.append(hung.get("x", "local")))
                                for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        print(f"\nhung Redis: first call {first:.2f} s; connections for 8 threads after the pause: "
              f"{len(accepted) - before}")
        assert results == ["local"] * 8
        assert len(accepted) - before <= 1  # one probe (one pooled connection), not eight
    finally:
        listener.close()
        for conn in accepted:
            conn.close()
