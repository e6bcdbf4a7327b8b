"""Authorization over HTTP: every role against volunteering, assigning, rating and replying.

A POST is allowed when its effect is in the database afterwards and refused when nothing changed; the
server never answers 500. "citizen" is in the citizen pool but no monitor; "monitor" is a monitor not
assigned to the item; "assigned" is the item's monitor.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Monitor, MonitorAssignment, MonitorRating
from governance.monitoring import services
from governance.states import Rating
from tests.governance.monitoring_world import pool_member, world

ROLES = ["anonymous", "citizen", "monitor", "assigned", "other_officer", "officer", "staff"]
ALLOWED = {
    "volunteer": {"citizen"},
    "assign": {"staff"},
    "rate": {"assigned"},
    "reply": {"officer"},
    "manage_page": {"staff"},
    "mine_page": {"citizen", "monitor", "assigned", "other_officer", "officer", "staff"},
    "overview_page": set(ROLES),
    "item_page": set(ROLES),
}


@pytest.fixture
def setup(db):
    w = world()
    old = services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DELAYED, note="Earlier")
    MonitorRating.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    people = {"anonymous": None, "citizen": pool_member(), "monitor": w.monitor.user, "assigned": w.assigned.user,
              "other_officer": w.other_officer, "officer": w.officer, "staff": w.staff}
    return w, people, old


def _act(action, client, w, person, old):
    """Do the action; return (status, whether its effect is in the database)."""
    item = w.item
    if action == "volunteer":
        before = Monitor.objects.filter(active=True).count()
        response = client.post(reverse("monitoring:join"), {"action": "join"})
        return response.status_code, Monitor.objects.filter(active=True).count() == before + 1
    if action == "assign":
        response = client.post(reverse("monitoring:manage"), {"action": "assign", "monitor": w.monitor.pk,
                                                              "follow_up": item.pk})
        return response.status_code, MonitorAssignment.objects.filter(monitor=w.monitor, follow_up=item).exists()
    if action == "rate":
        prefix = f"item-{item.pk}"
        response = client.post(reverse("monitoring:rate", args=[item.pk]),
                               {f"{prefix}-rating": "stalled", f"{prefix}-note": "Matrix"})
        return response.status_code, MonitorRating.objects.filter(note="Matrix").exists()
    if action == "reply":
        response = client.post(reverse("monitoring:reply", args=[old.pk]), {f"rating-{old.pk}-reply": "Matrix"})
        old.refresh_from_db()
        return response.status_code, old.reply == "Matrix"
    names = {"manage_page": ("monitoring:manage", []), "mine_page": ("monitoring:mine", []),
             "overview_page": ("monitoring:overview", []), "item_page": ("monitoring:item", [item.pk])}
    name, args = names[action]
    response = client.get(reverse(name, args=args))
    return response.status_code, response.status_code == 200


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(setup, role, action):
    w, people, old = setup
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    status, done = _act(action, client, w, people[role], old)
    assert status < 500
    assert done == (role in ALLOWED[action]), f"{role} {action}: status {status}"
