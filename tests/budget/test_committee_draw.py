"""The budget committee is drawn by lot from the budget school's graduates only: panels' draws take an
eligibility filter (``only_users`` + ``eligibility``), stored with the draw and shown on its page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from budget.committee import services
from deliberation.panels import services as panel_services
from deliberation.panels.models import Draw, PoolMember
from governance.models import CommitteeDraw
from tests.budget.committee_world import world
from tests.factories import PUBLIC_VALUES, AdminFactory, standing_pool

pytestmark = pytest.mark.django_db

QUOTAS = "feature,value,min,max\ngender,female,1,1\ngender,male,1,1\n"


def graduate(w, users):
    session = services.add_school_session(cycle=w.cycle, actor=w.staff, title="1강", held_on=date(2026, 3, 2))
    services.record_attendance(session=session, actor=w.staff, users=users)


def people_ids(draw) -> set[str]:
    """The ids of PEOPLE.csv as the draw stored it (the first column)."""
    return {line.split(",")[0] for line in draw.people_csv.strip().splitlines()[1:]}


def test_prepare_draw_keeps_only_the_eligible_members_and_says_who_they_are():
    pool = standing_pool()
    members = list(PoolMember.objects.filter(pool=pool).select_related("user").order_by("person_id"))
    eligible = members[:6]
    draw = panel_services.prepare_draw(pool=pool, title="Budget committee", size=2, quotas_text=QUOTAS,
                                       actor=AdminFactory(), algorithm="legacy",
                                       only_users=[m.user_id for m in eligible], eligibility="The graduates")
    assert people_ids(draw) == {m.person_id for m in eligible}
    assert draw.eligibility == "The graduates"
    unfiltered = panel_services.prepare_draw(pool=pool, title="Everyone", size=2, quotas_text=QUOTAS,
                                             actor=AdminFactory(), algorithm="legacy")
    assert len(people_ids(unfiltered)) == 12 and unfiltered.eligibility == ""


def test_a_filter_without_saying_who_is_refused_and_nothing_is_stored():
    pool = standing_pool()
    with pytest.raises(ValidationError):
        panel_services.prepare_draw(pool=pool, title="Budget committee", size=2, quotas_text=QUOTAS,
                                    actor=AdminFactory(), algorithm="legacy", only_users=[], eligibility=" ")
    assert not Draw.objects.exists()


def test_nobody_completed_the_school_refuses_the_draw_in_korean():
    w = world()
    standing_pool()
    with translation.override("ko"), pytest.raises(ValidationError) as error:
        services.start_budget_committee_draw(cycle=w.cycle, size=2, quotas_text=QUOTAS, actor=w.staff,
                                             algorithm="legacy")
    assert "예산학교" in " ".join(error.value.messages)
    assert not Draw.objects.exists() and not CommitteeDraw.objects.exists()


def test_only_graduates_can_be_drawn_and_the_draw_page_says_so():
    w = world()
    pool = standing_pool()
    members = list(PoolMember.objects.filter(pool=pool).select_related("user").order_by("person_id"))
    graduates = [m for m in members if m.user.gender == "female"][:2] + [m for m in members
                                                                        if m.user.gender == "male"][:2]
    graduate(w, [m.user for m in graduates])
    admin = AdminFactory()
    committee_draw = services.start_budget_committee_draw(cycle=w.cycle, size=2, quotas_text=QUOTAS, actor=admin,
                                                          algorithm="legacy")
    draw = committee_draw.draw
    assert committee_draw.committee == w.committee
    assert people_ids(draw) == {m.person_id for m in graduates}
    drawn = panel_services.perform_draw(draw=draw, public_values=PUBLIC_VALUES, actor=admin)
    assert set(drawn.selected) <= {m.person_id for m in graduates} and len(drawn.selected) == 2
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("panels:draw", args=[draw.pk]))
    assert page.status_code == 200
    assert "data-testid=\"draw-eligibility\"" in page.content.decode()
    assert draw.eligibility in page.content.decode()


def test_graduates_outside_the_pool_cannot_be_drawn():
    w = world()
    standing_pool()
    graduate(w, [w.citizen])  # completed the school but never volunteered for the pool
    with pytest.raises(ValidationError):
        services.start_budget_committee_draw(cycle=w.cycle, size=2, quotas_text=QUOTAS, actor=w.staff,
                                             algorithm="legacy")
    assert not Draw.objects.exists()
