"""The participatory budget in the open-data API: cycles, a cycle with its counts, its projects (paged, filtered)."""

import pytest
from django.urls import reverse

from budget.states import CycleStage, ProjectState
from tests.budget.execution_helpers import funded_cycle
from tests.budget.factories import make_cycle, make_project

pytestmark = pytest.mark.django_db


def test_the_cycles_list_shows_public_cycles_only(client):
    cycle, _projects, _vote = funded_cycle()
    make_cycle(stage=CycleStage.DRAFT)
    body = client.get("/api/v1/budget-cycles").json()
    assert body["count"] == 1 and body["results"][0]["slug"] == cycle.slug
    assert body["results"][0]["stage"] == CycleStage.EXECUTION and body["results"][0]["total_budget"] == 500_000_000


def test_a_cycle_has_its_counts_and_an_unknown_one_is_a_json_404(client):
    cycle, _projects, vote = funded_cycle()
    body = client.get(reverse("api:budget_cycle", args=[cycle.slug])).json()
    assert body["vote_id"] == vote.pk
    assert body["counts"]["funded"] == 2 and body["counts"]["decided"] == 400_000_000
    missing = client.get("/api/v1/budget-cycles/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_cycles_projects_are_paged_and_filtered_and_never_drafts(client):
    cycle, projects, _vote = funded_cycle()
    make_project(cycle=cycle, state=ProjectState.DRAFT)
    url = reverse("api:budget_cycle_projects", args=[cycle.slug])
    body = client.get(url, {"limit": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert body["results"][0]["field_code"] == projects[0].field.slug
    funded = client.get(url, {"state": "funded"}).json()
    assert [r["id"] for r in funded["results"]] == [projects[0].pk, projects[1].pk]
    assert client.get(url, {"state": "draft"}).status_code == 400
    assert client.get(url, {"district": "mapo"}).json()["count"] == 1
    assert client.get(url, {"colour": "red"}).json()["error"]["code"] == "unknown_parameter"


def test_the_openapi_schema_lists_the_budget_paths(client):
    paths = set(client.get(reverse("api:openapi-json")).json()["paths"])
    assert {"/api/v1/budget-cycles", "/api/v1/budget-cycles/{slug}", "/api/v1/budget-cycles/{slug}/projects"} <= paths
