"""The authorization matrix of the open-data API: every endpoint, every role, no private value in any body."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.governance.api_world import SENTINELS, build_world

pytestmark = pytest.mark.django_db

LISTS = ("proposals", "follow_ups", "votes", "rooms", "juries", "deliberative_polls", "committees", "members",
         "meetings", "minutes", "recommendations", "annual_documents", "ratings", "indicators")
DETAILS = {"proposals": "proposal", "follow-ups": "follow_up", "votes": "vote", "rooms": "room", "juries": "jury",
           "deliberative-polls": "deliberative_poll", "committees": "committee", "meetings": "meeting",
           "minutes": "minutes_of"}
OTHER_PAGES = ("api:docs", "api:openapi-json", "api:feed_proposals", "api:feed_answers", "api:feed_meetings",
               "api:feed_sessions", "api:feed_votes")


@pytest.fixture
def world(settings):
    settings.API_RATE_LIMIT = "10000/m"
    settings.JURY_MIN_SIZE = 2  # a jury of three, as tests/deliberation/conftest.py allows
    return build_world()


def _bodies(client: Client, world) -> dict[str, str]:
    """Every answer the API and the feeds give this client: lists, public details, private ids' details."""
    urls = [reverse(f"api:{name}") for name in LISTS] + [reverse(name) for name in OTHER_PAGES]
    urls += [reverse(f"api:{name}", args=[world.public[kind]]) for kind, name in DETAILS.items()]
    urls += [reverse(f"api:{name}", args=[world.private[kind]]) for kind, name in DETAILS.items() if kind in world.private]
    urls += [reverse("api:proposal", args=[world.private["hidden_proposal"]]),
             reverse("api:room", args=[world.private["invited_room"]]),
             reverse("api:vote", args=[world.public["open_vote"]]),
             reverse("api:members") + f"?committee={world.public['committees']}"]
    bodies = {}
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 404), (url, response.status_code, response.content[:300])
        bodies[url] = response.content.decode()
    return bodies


@pytest.mark.parametrize("role", ["anonymous", "citizen", "author", "moderator", "officer", "admin"])
def test_no_private_value_reaches_any_role(world, role):
    client = Client()
    if world.people[role] is not None:
        client.force_login(world.people[role])
    bodies = _bodies(client, world)
    viewer = world.people[role]
    if viewer is not None:  # the docs page is in the site's shell, whose header names the person signed in
        docs = reverse("api:docs")
        bodies[docs] = bodies[docs].replace(viewer.display_name, "").replace(viewer.email, "")
    everything = "\n".join(bodies.values())
    leaks = {s: [url for url, body in bodies.items() if s in body] for s in SENTINELS if s in everything}
    assert not leaks
    assert "1913" not in everything  # every planted person's birth year
    assert "@example.org" not in everything  # nobody's email
    for mark in world.marks:  # the public records are there: the check above is not vacuous
        assert mark in everything, mark


def test_private_records_are_not_found_for_the_people_who_may_see_them_on_the_site(world):
    """The API answers everyone as the public: the draft's author and an admin get a 404 for a draft."""
    for role in ("author", "admin"):
        client = Client()
        client.force_login(world.people[role])
        assert client.get(reverse("api:proposal", args=[world.private["proposals"]])).status_code == 404
        assert client.get(reverse("api:minutes_of", args=[world.private["minutes"]])).status_code == 404
        assert client.get(reverse("api:vote", args=[world.private["votes"]])).status_code == 404


def test_the_answers_are_the_same_for_every_role(world):
    """Not one byte differs between an anonymous visitor and an admin (the API reads no session)."""
    anonymous = _bodies(Client(), world)
    admin = Client()
    admin.force_login(world.people["admin"])
    signed_in = _bodies(admin, world)
    for url in anonymous:
        if url.endswith(".ics") or url == reverse("api:docs"):
            continue  # DTSTAMP is the time of the request; the docs page's shell has the person's own menu
        assert anonymous[url] == signed_in[url], url
