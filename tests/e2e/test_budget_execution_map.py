"""The budget cycle page's map in Chromium (progressive enhancement): with a tile server that cannot be reached
(offline) the map still shows the funded projects' markers over the list, with no script error; without a
tile server the page is the list alone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.budget.execution_helpers import funded_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def cycle_with_places():
    cycle, projects, _vote = funded_cycle()
    for project, (lat, lng) in zip(projects[:2], [("37.555", "126.894"), ("37.571", "126.977")]):
        project.location, project.latitude, project.longitude = "광장", Decimal(lat), Decimal(lng)
        project.save()
    return cycle


def test_the_map_draws_the_markers_over_the_list_even_when_the_tiles_fail(new_page, settings):
    settings.BUDGET_MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # refused: the tiles fail
    cycle = cycle_with_places()
    page = new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/budget/{cycle.slug}/")
    expect(page.locator("#pb-map")).to_be_visible()
    expect(page.locator("#pb-map .leaflet-marker-icon")).to_have_count(2)
    expect(page.locator("[data-testid=funded] tbody tr")).to_have_count(2)
    assert errors == []


def test_without_a_tile_server_the_page_is_the_list(new_page, settings):
    settings.BUDGET_MAP_TILE_URL = ""
    cycle = cycle_with_places()
    page = new_page()
    page.goto(f"/budget/{cycle.slug}/")
    expect(page.locator("[data-testid=funded] tbody tr")).to_have_count(2)
    expect(page.locator("[data-place]").first).to_have_text("광장")
    assert page.locator("#pb-map").count() == 0
