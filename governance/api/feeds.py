"""Feeds people use elsewhere: Atom for new proposals and new answers (django.contrib.syndication), and
iCalendar (the icalendar library) for upcoming committee meetings, live room sessions and vote closing times.

Each feed holds at most FEED_SIZE entries (the newest, or the soonest), read in one query.
"""

from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from governance.api import feed_selectors

FEED_SIZE = 50
# A live session or a meeting has no planned end in the record: calendars get this length.
NOMINAL_LENGTH = timedelta(hours=2)


class ProposalsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("New proposals")
    subtitle = gettext_lazy("Proposals published on the participation platform, newest first.")

    def link(self):
        return reverse("proposals:list")

    def items(self):
        return feed_selectors.new_proposals(FEED_SIZE)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.category.code]


class AnswersFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("New answers")
    subtitle = gettext_lazy("Departments' answers to proposals, votes and committee recommendations, newest first.")

    def link(self):
        return reverse("api:docs")

    def items(self):
        return feed_selectors.new_answers(FEED_SIZE)

    def item_title(self, item):
        return item.follow_up.title

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return reverse("api:follow_up", args=[item.follow_up_id]) + f"#update-{item.pk}"

    def item_guid(self, item):
        return f"answer-{item.pk}"

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.follow_up.department.display_name


def _calendar(request: HttpRequest, name: str, events: list[Event]) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Seoul participation platform//open data//KO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Seoul")
    for event in events:
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


def _event(request: HttpRequest, *, uid: str, summary: str, start, end, url: str, description: str = "",
           location: str = "") -> Event:
    event = Event()
    event.add("uid", f"{uid}@{request.get_host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("url", request.build_absolute_uri(url))
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    return event


@require_safe
def meetings_ics(request: HttpRequest) -> HttpResponse:
    """Scheduled committee meetings from yesterday on, the soonest first."""
    events = [_event(request, uid=f"meeting-{m.pk}", summary=f"{m.committee.display_name}: {m.title}",
                     start=m.scheduled_at, end=m.scheduled_at + NOMINAL_LENGTH, url=reverse("api:meeting", args=[m.pk]),
                     description=m.agenda, location=m.place)
              for m in feed_selectors.upcoming_meetings(FEED_SIZE * 4)]
    return _calendar(request, _("Committee meetings"), events)


@require_safe
def sessions_ics(request: HttpRequest) -> HttpResponse:
    """Public rooms that are live now (from when they opened) and committee meetings held in a live room."""
    events = [_event(request, uid=f"room-{room.pk}", summary=room.title, start=room.opened_at or room.created_at,
                     end=(room.opened_at or room.created_at) + NOMINAL_LENGTH,
                     url=reverse("rooms:room", args=[room.pk]), description=room.description)
              for room in feed_selectors.live_rooms(FEED_SIZE)]
    events += [_event(request, uid=f"meeting-room-{m.pk}", summary=f"{m.committee.display_name}: {m.title}",
                      start=m.scheduled_at, end=m.scheduled_at + NOMINAL_LENGTH,
                      url=reverse("rooms:room", args=[m.room_id]), description=m.agenda)
               for m in feed_selectors.upcoming_online_meetings(FEED_SIZE)]
    return _calendar(request, _("Live sessions"), events)


@require_safe
def votes_ics(request: HttpRequest) -> HttpResponse:
    """When each scheduled or open vote closes (a zero-length event at the closing time)."""
    events = [_event(request, uid=f"vote-close-{v.pk}", summary=_("Voting closes: %(title)s") % {"title": v.title},
                     start=v.closes_at, end=v.closes_at, url=reverse("voting:detail", args=[v.pk]),
                     description=v.question)
              for v in feed_selectors.closing_votes(FEED_SIZE * 4)]
    return _calendar(request, _("Vote closing times"), events)
