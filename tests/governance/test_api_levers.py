"""The speed changes of issue 15's benchmark (docs/benchmarks.md "Governance") keep the answers the same:
the API's compiled JSON renderer, the proposals' codes as subqueries (a count without joins), the rate
limit's one-round-trip counter, and the dashboard's charts written in Python."""

import json
from datetime import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.cache import _WindowedLocMemCache
from governance.api import baseline
from governance.dashboard import charts
from tests.factories import CategoryFactory, DepartmentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(settings):
    settings.API_RATE_LIMIT = "10000/m"
    category = CategoryFactory(code="bikes", default_department=DepartmentFactory(code="transport"))
    return ProposalFactory(published=True, category=category, title="자전거 도로를 넓혀 주세요")


def test_the_api_answers_utf8_json_with_iso_times_and_the_codes_of_each_row(client, proposal):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:proposals"))
    assert response.status_code == 200
    assert "자전거 도로를 넓혀 주세요".encode() in response.content  # UTF-8, not \u escapes
    [row] = response.json()["results"]
    assert (row["category_code"], row["department_code"]) == ("bikes", "transport")
    assert row["published_at"].endswith("Z")
    assert datetime.fromisoformat(row["published_at"].replace("Z", "+00:00")) == proposal.published_at
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"])
    assert "JOIN" not in count_sql


def test_the_api_and_the_baseline_give_the_same_rows(client, proposal):
    ProposalFactory(published=True, category=proposal.category, title="two")
    api = client.get(reverse("api:proposals"), {"limit": 5}).json()
    base = json.loads(baseline.proposals(RequestFactory().get("/api/baseline/proposals/", {"limit": 5})).content)
    assert base["count"] == api["count"] == 2
    assert [r["id"] for r in base["results"]] == [r["id"] for r in api["results"]]
    assert {k for r in base["results"] for k in r} == {k for r in api["results"] for k in r}


@pytest.mark.parametrize("backend", ["shared", "local"])
def test_a_window_counter_counts_in_one_call_and_expires(backend):
    store = cache if backend == "shared" else _WindowedLocMemCache("test-window", {})
    key = f"test-window:{backend}"
    store.delete(key)
    assert [store.incr_window(key, 30) for _ in range(3)] == [1, 2, 3]
    assert store.get(key) == 3
    if backend == "shared" and hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        ttl = cache._cache.get_client().ttl(cache.make_and_validate_key(key))
        assert 0 < ttl <= 30


def test_a_chart_is_one_bar_per_row_with_escaped_labels_and_a_dash_for_no_value():
    svg = charts.svg(charts.bars([("<b>Jan</b>", 4), ("Feb", None), ("Mar", 2.5)]))
    assert svg.count("<rect ") == 3
    assert "&lt;b&gt;Jan&lt;/b&gt;: 4" in svg and "<b>" not in svg
    assert "Feb: –" in svg and 'height="0"' in svg
    assert 'viewBox="0 0 320 120"' in svg and 'y="0.0" width=' in svg  # the tallest bar fills the height
