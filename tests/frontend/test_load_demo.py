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
    _the_budget_demo_has_a_cycle_in_execution_and_one_in_its_call()


def _the_budget_demo_has_a_cycle_in_execution_and_one_in_its_call():
    """budget/demo.py: one cycle carried from the call to execution through the services, one in its call."""
    from budget.models import BudgetCycle, ExecutionReport
    from budget.states import CycleStage, ProjectState

    finished, open_call = BudgetCycle.objects.order_by("year")
    assert (finished.stage, open_call.stage) == (CycleStage.EXECUTION, CycleStage.CALL)
    states = list(finished.projects.values_list("state", flat=True))
    assert {ProjectState.INELIGIBLE, ProjectState.NOT_SHORTLISTED, ProjectState.NOT_FUNDED, ProjectState.FUNDED,
            ProjectState.COMPLETED} <= set(states)
    funded = finished.projects.filter(state__in=[ProjectState.FUNDED, ProjectState.COMPLETED])
    selected = set(finished.vote.result["selected"])
    assert {p.option.position for p in funded.select_related("option")} == selected
    assert not funded.filter(follow_up=None).exists()
    assert ExecutionReport.objects.filter(project__cycle=finished).count() == len(selected) - 1  # one not started
    assert finished.projects.filter(answer__kind="clarify", state=ProjectState.INELIGIBLE).exists()
    assert open_call.projects.filter(state=ProjectState.DRAFT, author=User.objects.get(
        email="citizen@demo.seoul.example")).exists()
    assert open_call.projects.filter(state=ProjectState.SUBMITTED).count() == 2


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
