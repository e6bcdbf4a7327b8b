"""The draw's quotas typed attribute by attribute: staff only, prefilled from the pool, the same inputs as the CSV."""

import pytest
from django.urls import reverse

from deliberation.panels import selectors, services as panel_services
from deliberation.panels.models import Draw
from deliberation.panels.sortition import read_quotas, write_quotas
from tests.factories import AdminFactory, FacilitatorFactory, ResidentFactory, UserFactory, standing_pool

pytestmark = pytest.mark.django_db

URL = reverse("panels:draw_new")


def _indexes(response) -> dict:
    """{(feature, value): (i, j)} of the form's grid, to name the fields of a value."""
    grid = response.context["grid"]
    return {(block["attribute"].code, row["value"]): (i, j)
            for i, block in enumerate(grid) for j, row in enumerate(block["rows"])}


@pytest.mark.parametrize("user_kind, status", [("anonymous", 302), ("citizen", 403), ("facilitator", 403),
                                               ("staff", 200)])
def test_only_staff_open_the_quota_form(client, user_kind, status):
    user = {"anonymous": None, "citizen": UserFactory(), "facilitator": FacilitatorFactory(),
            "staff": AdminFactory()}[user_kind]
    if user is not None:
        client.force_login(user)
    assert client.get(URL).status_code == status
    assert client.post(URL, {"title": "x"}).status_code == (400 if status == 200 else status)
    assert not Draw.objects.exists()


def test_the_form_lists_each_attribute_with_its_values_and_counts(client):
    standing_pool()  # 12 people: 6 women and 6 men, 4 in each of three living zones, all aged 30-39
    client.force_login(AdminFactory())
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="ko")
    grid = {block["attribute"].code: {row["value"]: row["count"] for row in block["rows"]}
            for block in response.context["grid"]}
    assert grid["gender"] == {"female": 6, "male": 6}
    assert grid["district_group"] == {"downtown": 4, "northwest": 4, "southeast": 4}
    labels = {row["value"]: row["label"] for block in response.context["grid"] for row in block["rows"]}
    assert labels["female"] == "여성" and labels["downtown"] != "downtown"  # words, not keys


def test_fill_in_sets_proportional_bounds_and_keeps_what_was_typed(client):
    standing_pool()
    client.force_login(AdminFactory())
    index = _indexes(client.get(URL))
    response = client.post(URL, {"title": "야간버스 배심원단", "size": "5", "algorithm": "legacy", "prefill": "1",
                                 "use_0": "on"})
    assert response.status_code == 200 and not Draw.objects.exists()
    form = response.context["form"]
    i, j = index[("gender", "female")]
    assert (form[f"min_{i}_{j}"].value(), form[f"max_{i}_{j}"].value()) == (2, 3)  # 6/12 of 5 = 2.5
    i, j = index[("district_group", "downtown")]
    assert (form[f"min_{i}_{j}"].value(), form[f"max_{i}_{j}"].value()) == (1, 2)  # 4/12 of 5 = 1.67
    assert form["title"].value() == "야간버스 배심원단"
    assert not form.is_bound  # no errors shown for what is not typed yet


def test_the_form_prepares_the_same_draw_as_the_csv(client):
    pool = standing_pool()
    client.force_login(AdminFactory())
    index = _indexes(client.get(URL))
    uses = {block["attribute"].code: i for i, block in enumerate(client.get(URL).context["grid"])}
    data = {"title": "Night buses jury", "size": "4", "algorithm": "legacy", "pool": pool.pk,
            f"use_{uses['gender']}": "on", f"use_{uses['district_group']}": "on"}
    bounds = {("gender", "female"): (2, 2), ("gender", "male"): (2, 2), ("district_group", "downtown"): (1, 2),
              ("district_group", "northwest"): (1, 2), ("district_group", "southeast"): (1, 2)}
    for key, (low, high) in bounds.items():
        i, j = index[key]
        data[f"min_{i}_{j}"], data[f"max_{i}_{j}"] = low, high
    response = client.post(URL, data)
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("panels:draw", args=[draw.pk])
    quotas = {(q.feature, q.value): (q.min, q.max) for q in read_quotas(draw.quotas_csv)}
    assert quotas == bounds
    assert draw.quotas_csv == write_quotas(read_quotas(draw.quotas_csv))  # the CSV route's layout


def test_missing_or_crossed_bounds_come_back_with_what_was_typed(client):
    standing_pool()
    client.force_login(AdminFactory())
    response = client.get(URL)
    index, uses = _indexes(response), {b["attribute"].code: i for i, b in enumerate(response.context["grid"])}
    i, j = index[("gender", "female")]
    data = {"title": "Jury", "size": "4", "algorithm": "legacy", f"use_{uses['gender']}": "on",
            f"min_{i}_{j}": "3", f"max_{i}_{j}": "1"}
    response = client.post(URL, data)
    assert response.status_code == 400 and not Draw.objects.exists()
    form = response.context["form"]
    assert form.errors[f"max_{i}_{j}"]
    assert form[f"min_{i}_{j}"].value() == "3" and form["title"].value() == "Jury"
    i2, j2 = index[("gender", "male")]
    assert form.errors[f"min_{i2}_{j2}"]  # not given


def test_infeasible_quotas_are_refused_by_the_draw_service_with_its_reasons(client):
    standing_pool()
    client.force_login(AdminFactory())
    response = client.get(URL)
    index, uses = _indexes(response), {b["attribute"].code: i for i, b in enumerate(response.context["grid"])}
    data = {"title": "Jury", "size": "4", "algorithm": "legacy", f"use_{uses['gender']}": "on"}
    for value in ("female", "male"):
        i, j = index[("gender", value)]
        data[f"min_{i}_{j}"], data[f"max_{i}_{j}"] = 3, 3  # 6 seats asked of a panel of 4
    response = client.post(URL, data)
    assert response.status_code == 400 and not Draw.objects.exists()
    assert response.context["form"].non_field_errors()


def test_an_attribute_some_people_lack_cannot_be_used(client):
    standing_pool()
    person = ResidentFactory(district="mapo", gender="female", birth_year=1990)
    panel_services.volunteer(user=person, answers={})
    type(person).objects.filter(pk=person.pk).update(gender="")  # cleared on the profile since
    client.force_login(AdminFactory())
    response = client.get(URL)
    block = next(b for b in response.context["grid"] if b["attribute"].code == "gender")
    assert block["attribute"].blank == 1 and not block["use"].value()  # not ticked by default
    assert selectors.proportional_bounds(0, 0, 5) == (0, 0)
