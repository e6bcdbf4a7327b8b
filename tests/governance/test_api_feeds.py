"""The feeds: Atom (read with the standard library's XML parser) and iCalendar (read with icalendar)."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import RoomFactory
from tests.governance.api_world import build_world

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(settings):
    settings.JURY_MIN_SIZE = 2
    return build_world()


def _atom(client, name) -> ElementTree.Element:
    response = client.get(reverse(f"api:{name}"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def _calendar(client, name) -> Calendar:
    response = client.get(reverse(f"api:{name}"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_proposals_feed_lists_public_proposals_only(client, world):
    feed = _atom(client, "feed_proposals")
    assert feed.tag == f"{ATOM}feed"
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert "PUBLIC-PROPOSAL" in titles and "ANSWERED-PROPOSAL" in titles
    assert not [t for t in titles if t.startswith("SENTINEL")]  # no draft, no hidden proposal
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert "/proposals/" in link


def test_the_answers_feed_lists_departments_answers(client, world):
    entries = _atom(client, "feed_answers").findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["ANSWERED-PROPOSAL"]
    assert "PUBLIC-ANSWER" in entries[0].find(f"{ATOM}summary").text
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Transport"


def test_the_meetings_calendar_has_upcoming_meetings(client, world):
    events = _calendar(client, "feed_meetings").walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["PUBLIC-COMMITTEE: UPCOMING-MEETING"]
    event = events[0]
    assert event.decoded("DTSTART") > timezone.now() and str(event["LOCATION"]) == "City Hall"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=2)


def test_the_votes_calendar_has_closing_times(client, world):
    events = _calendar(client, "feed_votes").walk("VEVENT")
    assert len(events) == 1 and "OPEN-VOTE" in str(events[0]["SUMMARY"])
    assert events[0].decoded("DTSTART") > timezone.now()


def test_the_sessions_calendar_has_live_public_rooms(client, world):
    RoomFactory(stage="live", title="LIVE-ROOM")
    RoomFactory(stage="live", title="PRIVATE-LIVE-ROOM", access="invited")
    summaries = [str(e["SUMMARY"]) for e in _calendar(client, "feed_sessions").walk("VEVENT")]
    assert summaries == ["LIVE-ROOM"]
