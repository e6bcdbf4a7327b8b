"""The feeds' reads: the same public records as the API (selectors), as model instances for the feed writers."""

from datetime import timedelta

from django.utils import timezone

from deliberation.rooms.models import Room
from deliberation.rooms.states import Access, RoomState
from governance.api import selectors
from governance.models import Meeting
from governance.states import MeetingState
from proposals.models import FollowUpUpdate, Proposal
from proposals.states import PUBLIC_STATES as PROPOSAL_PUBLIC_STATES
from voting.models import Vote
from voting.states import VoteState


def new_proposals(limit: int) -> list[Proposal]:
    return list(Proposal.objects.filter(state__in=PROPOSAL_PUBLIC_STATES, published_at__isnull=False)
                .select_related("category").only("id", "title", "body_html", "published_at", "category__code")
                .order_by("-published_at", "-pk")[:limit])


def new_answers(limit: int) -> list[FollowUpUpdate]:
    return list(selectors.answers()[:limit])


def upcoming_meetings(limit: int) -> list[Meeting]:
    since = timezone.now() - timedelta(days=1)
    return list(Meeting.objects.filter(state=MeetingState.SCHEDULED, scheduled_at__gte=since)
                .select_related("committee").order_by("scheduled_at", "pk")[:limit])


def upcoming_online_meetings(limit: int) -> list[Meeting]:
    return [m for m in upcoming_meetings(limit) if m.room_id]


def live_rooms(limit: int) -> list[Room]:
    return list(Room.objects.filter(access=Access.PUBLIC, state=RoomState.LIVE).order_by("-opened_at", "-pk")[:limit])


def closing_votes(limit: int) -> list[Vote]:
    return list(Vote.objects.filter(state__in=[VoteState.SCHEDULED, VoteState.OPEN]).order_by("closes_at", "pk")
                .only("id", "title", "question", "closes_at")[:limit])
