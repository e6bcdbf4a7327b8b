"""The citizen pool: who may volunteer, the admin's further attributes, leaving, the snapshot a draw
reads (profile read at snapshot time, stable order and hash), and the pages."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.districts import DISTRICT_GROUPS, district_group
from deliberation.panels import selectors, services
from deliberation.panels.models import PoolAttribute, PoolMember
from deliberation.panels.rules import refuse_volunteer
from tests.factories import AdminFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _housing():
    return PoolAttribute.objects.create(code="housing", label="Your home is", position=1,
                                        values=[["owner", "Owned"], ["tenant", "Rented"], ["other", "Other"]])


def _volunteer(**profile):
    user = ResidentFactory(**{"district": "mapo", "birth_year": 1990, "gender": "female", **profile})
    return user


def test_every_district_of_seoul_is_in_exactly_one_living_zone():
    from accounts.districts import District

    seoul = [d for d in District.values if d != "outside"]
    zones = [d for districts in DISTRICT_GROUPS.values() for d in districts]
    assert sorted(zones) == sorted(seoul) and len(zones) == len(set(zones)) == 25
    assert district_group("outside") == ""


@pytest.mark.parametrize("case, message", [
    ("anonymous", "Please sign in"), ("unverified", "Only verified residents"),
    ("no_district", "district"), ("outside", "district"), ("no_birth_year", "birth year"), ("no_gender", "gender"),
])
def test_who_may_not_volunteer_is_told_why(case, message):
    from django.contrib.auth.models import AnonymousUser

    user = {"anonymous": lambda: AnonymousUser(), "unverified": lambda: UserFactory(district="mapo", birth_year=1990,
                                                                                     gender="male"),
            "no_district": lambda: _volunteer(district=""), "outside": lambda: _volunteer(district="outside"),
            "no_birth_year": lambda: _volunteer(birth_year=None), "no_gender": lambda: _volunteer(gender="")}[case]()
    with translation.override("en"):
        assert message in refuse_volunteer(user)
    if user.is_authenticated:
        with pytest.raises(PermissionDenied):
            services.volunteer(user=user, answers={})
        assert not PoolMember.objects.exists()


def test_a_volunteer_answers_the_admins_attributes_and_can_leave_and_rejoin():
    _housing()
    user = _volunteer()
    with pytest.raises(ValidationError) as refused:
        services.volunteer(user=user, answers={"housing": "castle"})
    assert "housing" in refused.value.message_dict and not PoolMember.objects.exists()
    member = services.volunteer(user=user, answers={"housing": "tenant"})
    assert (member.person_id, member.attributes, member.active) == (f"u{user.pk}", {"housing": "tenant"}, True)
    assert services.leave_pool(user=user) is True and services.leave_pool(user=user) is False
    member.refresh_from_db()
    assert member.active is False and member.left_at is not None
    again = services.volunteer(user=user, answers={"housing": "owner"})
    assert again.pk == member.pk and again.active and again.attributes == {"housing": "owner"}


def test_the_snapshot_reads_profiles_now_in_a_stable_order_and_its_hash_changes_with_it():
    from datetime import date

    _housing()
    users = [_volunteer(district=d, birth_year=y, gender=g)
             for d, y, g in [("jongno", 1950, "male"), ("gangnam", 2000, "female"), ("mapo", 1985, "other")]]
    for user, home in zip(users, ["owner", "tenant", "other"]):
        services.volunteer(user=user, answers={"housing": home})
    services.leave_pool(user=users[2])
    pool = services.standing_pool()
    features, rows = selectors.pool_snapshot(pool, today=date(2026, 11, 26))
    assert features == ["district_group", "age_band", "gender", "housing"]
    assert rows == [
        {"id": f"u{users[0].pk}", "district_group": "downtown", "age_band": "70+", "gender": "male",
         "housing": "owner"},
        {"id": f"u{users[1].pk}", "district_group": "southeast", "age_band": "18-29", "gender": "female",
         "housing": "tenant"},
    ]
    first = selectors.pool_snapshot_hash(features, rows)
    assert first == selectors.pool_snapshot_hash(*selectors.pool_snapshot(pool, today=date(2026, 11, 26)))
    users[0].district = "mapo"  # moving house changes the next snapshot
    users[0].save()
    assert selectors.pool_snapshot_hash(*selectors.pool_snapshot(pool, today=date(2026, 11, 26))) != first


def test_the_pool_page_joins_and_leaves(client):
    _housing()
    user = _volunteer()
    client.force_login(user)
    page = client.get(reverse("panels:pool")).content.decode()
    assert "Your home is" in page and 'data-testid="in-pool"' not in page
    response = client.post(reverse("panels:pool"), {"action": "join"})
    assert response.status_code == 200 and not PoolMember.objects.exists()  # the question is required
    client.post(reverse("panels:pool"), {"action": "join", "housing": "tenant"})
    assert 'data-testid="in-pool"' in client.get(reverse("panels:pool")).content.decode()
    client.post(reverse("panels:pool"), {"action": "leave"})
    assert PoolMember.objects.get().active is False


def test_the_pool_page_tells_an_unverified_citizen_why_and_stores_nothing(client):
    client.force_login(UserFactory())
    page = client.get(reverse("panels:pool")).content.decode()
    assert 'data-testid="refusal"' in page
    client.post(reverse("panels:pool"), {"action": "join"})
    assert not PoolMember.objects.exists()


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("resident", 403), ("staff", 200)])
def test_only_staff_download_the_pool_in_the_sortition_foundation_layout(client, role, status):
    _housing()
    services.volunteer(user=_volunteer(), answers={"housing": "owner"})
    if role != "anonymous":
        client.force_login(ResidentFactory() if role == "resident" else AdminFactory())
    response = client.get(reverse("panels:pool_csv"))
    assert response.status_code == status
    if status == 200:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["id", "district_group", "age_band", "gender", "housing"]
        from accounts.demographics import age_band

        assert rows[1][1:] == ["northwest", age_band(1990), "female", "owner"] and len(rows) == 2
