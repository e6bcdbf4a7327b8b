"""Citizen monitoring's reads: an item's summary and the public aggregates, from a known set of ratings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.models import MonitorRating
from governance.monitoring import selectors, services
from governance.states import Rating
from tests.factories import AdminFactory, DepartmentFactory
from tests.governance.monitoring_world import answered_item, monitor_of

pytestmark = pytest.mark.django_db


def _rate(monitor, item, rating, days_ago):
    stored = services.rate(user=monitor.user, follow_up=item, rating=rating, note=f"{rating} {days_ago}")
    MonitorRating.objects.filter(pk=stored.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return stored


@pytest.fixture
def known():
    """Transport: A (delayed, then on track: latest on track), B (stalled). Welfare: C (done), D (not rated)."""
    staff = AdminFactory()
    transport, welfare = DepartmentFactory(code="transport", name="교통"), DepartmentFactory(code="welfare", name="복지")
    one, two = monitor_of(), monitor_of()
    a, b = answered_item(transport, title="A"), answered_item(transport, title="B")
    c, d = answered_item(welfare, title="C"), answered_item(welfare, title="D")
    answered_item(welfare, title="not monitored")
    for item in (a, b, c, d):
        services.assign(actor=staff, monitor=one, follow_up=item)
    services.assign(actor=staff, monitor=two, follow_up=a)
    _rate(one, a, Rating.DELAYED, 5)
    _rate(two, a, Rating.ON_TRACK, 1)
    _rate(one, b, Rating.STALLED, 2)
    _rate(one, c, Rating.DONE, 3)
    return {"a": a, "b": b, "c": c, "d": d, "transport": transport, "welfare": welfare, "one": one}


def test_an_items_ratings_newest_first_and_its_summary(known):
    a = known["a"]
    assert [r.rating for r in selectors.ratings_of(a)] == [Rating.ON_TRACK, Rating.DELAYED]
    summary = selectors.summary_of(a)
    assert summary["count"] == 2 and summary["monitors"] == 2
    assert summary["latest"].rating == Rating.ON_TRACK
    assert {row["value"]: row["count"] for row in summary["by_rating"]} == {
        "on_track": 1, "delayed": 1, "stalled": 0, "done": 0}


def test_aggregates_count_each_item_once_by_its_latest_rating(known):
    counts = selectors.rating_counts()
    assert counts["items"] == 4 and counts["unrated"] == 1 and counts["ratings"] == 4
    assert {r["value"]: (r["items"], r["ratings"]) for r in counts["by_rating"]} == {
        "on_track": (1, 1), "delayed": (0, 1), "stalled": (1, 1), "done": (1, 1)}
    welfare = selectors.rating_counts(department=known["welfare"].pk)
    assert welfare["items"] == 2 and welfare["unrated"] == 1 and welfare["ratings"] == 1


def test_the_department_table_and_the_filters(known):
    table = {row["department"].code: (row["items"], row["by_rating"], row["unrated"])
             for row in selectors.department_table()}
    assert table == {"transport": (2, [1, 0, 1, 0], 0), "welfare": (2, [0, 0, 0, 1], 1)}
    assert [i.title for i in selectors.monitored_items()] == ["A", "B", "C", "D"]
    assert [i.title for i in selectors.monitored_items(rating=Rating.STALLED)] == ["B"]
    assert [i.title for i in selectors.monitored_items(rating=Rating.DELAYED)] == []  # A's latest is on track
    assert [i.title for i in selectors.monitored_items(rating="none")] == ["D"]
    assert [i.title for i in selectors.monitored_items(department=known["welfare"].pk)] == ["C", "D"]
    assert selectors.monitored_items().get(title="A").rating_count == 2
    assert list(selectors.monitored_departments()) == [known["transport"], known["welfare"]]


def test_a_monitors_own_items_with_whether_they_may_rate_now(known):
    mine = selectors.items_of(known["one"].user)
    assert [a.follow_up.title for a in mine] == ["A", "B", "C", "D"]
    by_title = {a.follow_up.title: a for a in mine}
    assert by_title["A"].my_latest.rating == Rating.DELAYED
    assert by_title["A"].refusal is None  # rated five days ago
    assert by_title["D"].my_latest is None and by_title["D"].refusal is None
