"""Citizen monitoring's pages: the overview, an item, joining, my items, the panel on follow-up cards, replies."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.selectors import personal_data_of
from governance.models import Monitor, MonitorRating
from governance.monitoring import services
from governance.states import Rating
from tests.governance.monitoring_world import pool_member, world

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def w():
    return world()


def test_public_pages_show_the_aggregates_the_item_and_its_ratings(client, w):
    services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.STALLED, note="The site is fenced off")
    overview = client.get(reverse("monitoring:overview"), **EN)
    assert overview.status_code == 200
    assert w.item.title in overview.text and 'data-rating="stalled"><th scope="row">Stalled</th><td>1</td>' in overview.text
    filtered = client.get(reverse("monitoring:overview"), {"rating": "done", "department": w.department.pk}, **EN)
    assert filtered.status_code == 200 and w.item.title not in filtered.text.split('id="items-title"')[1]
    bad = client.get(reverse("monitoring:overview"), {"rating": "great", "department": "x"}, **EN)
    assert bad.status_code == 200  # an unknown filter shows everything, never a 500
    page = client.get(reverse("monitoring:item", args=[w.item.pk]), **EN)
    assert page.status_code == 200
    assert "The site is fenced off" in page.text and 'id="follow-up-' in page.text  # the follow-up card itself
    assert 'data-testid="monitoring-panel"' not in page.text  # not repeated on its own page


def test_an_unmonitored_item_has_no_monitoring_page(client):
    from tests.governance.monitoring_world import answered_item
    assert client.get(reverse("monitoring:item", args=[answered_item().pk])).status_code == 404


def test_an_item_whose_proposal_is_hidden_leaves_the_public_pages(client, w):
    services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.STALLED, note="Hidden note")
    w.item.proposal.state = "hidden"
    w.item.proposal.save(update_fields=["state"])
    assert client.get(reverse("monitoring:item", args=[w.item.pk])).status_code == 404
    overview = client.get(reverse("monitoring:overview")).text
    assert w.item.title not in overview and "Hidden note" not in overview


def test_a_pool_member_volunteers_and_steps_down_on_the_join_page(client):
    member = pool_member()
    client.force_login(member)
    assert 'value="join"' in client.get(reverse("monitoring:join"), **EN).text
    response = client.post(reverse("monitoring:join"), {"action": "join"})
    assert response.status_code == 302 and Monitor.objects.get(user=member).active
    client.post(reverse("monitoring:join"), {"action": "leave"})
    assert not Monitor.objects.get(user=member).active


def test_a_rating_with_bad_input_keeps_what_was_typed_on_my_items(client, w):
    client.force_login(w.assigned.user)
    prefix = f"item-{w.item.pk}"
    response = client.post(reverse("monitoring:mine"), {"follow_up": w.item.pk, f"{prefix}-rating": "",
                                                        f"{prefix}-note": "Cones but no workers"}, **EN)
    assert response.status_code == 400
    assert "Cones but no workers" in response.text and "what you typed is kept" in response.text
    assert not MonitorRating.objects.exists()
    response = client.post(reverse("monitoring:mine"), {"follow_up": w.item.pk, f"{prefix}-rating": "delayed",
                                                        f"{prefix}-note": "x" * 501}, **EN)
    assert response.status_code == 400 and "x" * 501 in response.text
    response = client.post(reverse("monitoring:mine"), {"follow_up": w.item.pk, f"{prefix}-rating": "delayed",
                                                        f"{prefix}-note": "Cones but no workers"})
    assert response.status_code == 302
    assert MonitorRating.objects.get().rating == Rating.DELAYED
    again = client.get(reverse("monitoring:mine"), **EN).text
    assert "You rated this item in the last 24 hours" in again


def test_a_rating_with_bad_input_on_the_items_page_keeps_what_was_typed(client, w):
    client.force_login(w.assigned.user)
    prefix = f"item-{w.item.pk}"
    response = client.post(reverse("monitoring:rate", args=[w.item.pk]),
                           {f"{prefix}-rating": "splendid", f"{prefix}-note": "Half the lamps are up"}, **EN)
    assert response.status_code == 400 and "Half the lamps are up" in response.text
    response = client.post(reverse("monitoring:rate", args=[w.item.pk]),
                           {f"{prefix}-rating": "on_track", f"{prefix}-note": "Half the lamps are up"})
    assert response.status_code == 302 and MonitorRating.objects.get().note == "Half the lamps are up"


def test_the_panel_is_on_the_proposals_follow_up_card_with_a_link(client, w):
    services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.ON_TRACK, note="Going well")
    html = client.get(w.item.proposal.get_absolute_url(), **EN).text
    card = html.split(f'id="follow-up-{w.item.pk}"')[1]
    assert 'data-testid="monitoring-panel"' in card
    assert reverse("monitoring:item", args=[w.item.pk]) in card
    assert 'data-testid="latest-rating">On track<' in card
    assert 'data-testid="reply-form"' not in card  # anonymous


def test_the_officer_replies_from_the_work_page_through_the_panel(client, w):
    rating = services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DELAYED, note="No progress")
    work = reverse("proposals:follow_up_work", args=[w.item.pk])
    client.force_login(w.other_officer)
    assert 'data-testid="reply-form"' not in client.get(w.item.proposal.get_absolute_url()).text
    client.force_login(w.officer)
    page = client.get(work, **EN).text
    assert 'data-testid="reply-form"' in page and reverse("monitoring:reply", args=[rating.pk]) in page
    field = f"rating-{rating.pk}-reply"
    error = client.post(reverse("monitoring:reply", args=[rating.pk]), {field: " ", "next": work}, **EN)
    assert error.status_code == 400 and 'name="next" value="' + work in error.text
    done = client.post(reverse("monitoring:reply", args=[rating.pk]), {field: "Contract signed last week.",
                                                                       "next": work})
    assert done.status_code == 302 and done.url == work
    assert 'data-testid="reply-form"' not in client.get(work).text
    item_page = client.get(reverse("monitoring:item", args=[w.item.pk])).text
    assert "Contract signed last week." in item_page
    client.force_login(w.assigned.user)
    assert "Contract signed last week." in client.get(reverse("monitoring:mine")).text


def test_an_offsite_next_is_ignored(client, w):
    rating = services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.DELAYED, note="No progress")
    client.force_login(w.officer)
    done = client.post(reverse("monitoring:reply", args=[rating.pk]),
                       {f"rating-{rating.pk}-reply": "Soon.", "next": "https://evil.example/"})
    assert done.url == reverse("monitoring:item", args=[w.item.pk])


def test_staff_assign_and_end_assignments_on_the_manage_page(client, w):
    client.force_login(w.staff)
    assert client.get(reverse("monitoring:manage")).status_code == 200
    bad = client.post(reverse("monitoring:manage"), {"action": "assign", "monitor": w.monitor.pk}, **EN)
    assert bad.status_code == 400 and not w.monitor.assignments.exists()
    client.post(reverse("monitoring:manage"), {"action": "assign", "monitor": w.monitor.pk, "follow_up": w.item.pk})
    assignment = w.monitor.assignments.get()
    client.post(reverse("monitoring:manage"), {"action": "unassign", "assignment": assignment.pk})
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_download_my_data_and_deletion_keep_the_ratings_public_but_anonymous(client, w):
    services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.STALLED, note="Nothing since June")
    user = w.assigned.user
    data = personal_data_of(user)
    assert data["monitor"]["active"] is True
    assert [r["note"] for r in data["monitoring_ratings"]] == ["Nothing since June"]
    assert data["monitoring_assignments"][0]["follow_up"] == w.item.pk
    name = user.public_name
    account_services.delete_account(user=user, password="pw-for-tests-123")
    w.assigned.refresh_from_db()
    assert not w.assigned.active and w.assigned.assignments.get().ended_at is not None
    page = client.get(reverse("monitoring:item", args=[w.item.pk]), **EN).text
    assert "Nothing since June" in page and "Former member" in page and name not in page


def test_the_pages_read_in_korean(client, w):
    services.rate(user=w.assigned.user, follow_up=w.item, rating=Rating.ON_TRACK, note="잘 되고 있음")
    overview = client.get(reverse("monitoring:overview"), HTTP_ACCEPT_LANGUAGE="ko").text
    assert "시민 모니터링" in overview and "순조로움" in overview and "On track" not in overview
    item = client.get(reverse("monitoring:item", args=[w.item.pk]), HTTP_ACCEPT_LANGUAGE="ko").text
    assert "모든 평가" in item and "Every rating" not in item
