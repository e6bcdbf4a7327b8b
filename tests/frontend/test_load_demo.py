"""`manage.py load_demo` on the production stack: PostgreSQL and the Redis cache that the rate limits use."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_loads_on_postgresql_and_redis():
    assert "Redis" in settings.CACHES["default"]["BACKEND"], "run under tests/services/with-services.sh"
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo data loaded." in out.getvalue()
    citizen = User.objects.get(email="citizen@demo.seoul.example")
    # its people filled optional fields: they hold the consents that allow it, as a sign-up would record
    assert set(citizen.consents.values_list("kind", flat=True)) == {"privacy", "terms", "optional_profile"}


def test_the_demo_loads_on_a_fresh_database_beside_a_redis_that_kept_an_earlier_demos_counters():
    from django.core.cache import cache

    # A database dropped and created again numbers its users from 1 again; Redis keeps the counters.
    cache.set_many({f"rl:{action}:{pk}": 10_000 for action in settings.RATE_LIMITS for pk in range(1, 800)},
                   timeout=3600)
    call_command("load_demo", "--supporters", "60", stdout=io.StringIO())
    assert User.objects.filter(email="citizen@demo.seoul.example").exists()


def test_the_bypass_is_only_for_its_block():
    from accounts.ratelimit import RateLimited, check_rate, rate_limits_bypassed

    with rate_limits_bypassed():
        for _ in range(50):
            check_rate(action="proposal.create", user_id=1)
    limit = settings.RATE_LIMITS["proposal.create"][0]
    for _ in range(limit):
        check_rate(action="proposal.create", user_id=1)
    with pytest.raises(RateLimited):
        check_rate(action="proposal.create", user_id=1)
