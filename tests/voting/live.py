"""A live-results page as a test drives it: an open vote, the vote WebSocket, frames checked as they arrive."""

from datetime import timedelta
from unittest import mock

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from config.asgi import application
from tests.factories import ResidentFactory
from voting import services
from voting.models import Option, Vote
from voting.states import VoteKind, VoteState

DATA_KEYS = {"vote_id", "state", "ballots", "counts", "server_time"}  # totals only: nothing per voter


def open_vote(*, kind=VoteKind.SINGLE, labels=("Park", "Library", "Pool"), live_results=True, **fields) -> Vote:
    fields.setdefault("secret", False)  # live counts are for votes that are not secret (test_live_secrecy.py)
    now = timezone.now()
    vote = Vote.objects.create(title="Where", question="Which first?", kind=kind, state=VoteState.OPEN,
                               opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(hours=1),
                               live_results=live_results, **fields)
    for position, label in enumerate(labels, start=1):
        Option.objects.create(vote=vote, position=position, label=label)
    return vote


def communicator(vote_id: int) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/votes/{vote_id}/",
                                 headers=[(b"origin", b"http://testserver"), (b"accept-language", b"en")])


async def receive(ws, timeout: float = 3) -> dict:
    frame = await ws.receive_json_from(timeout=timeout)
    if frame["type"] == "error":
        assert set(frame) == {"type", "code", "message"}, frame
    else:
        assert set(frame) == {"type", "data"} and set(frame["data"]) == DATA_KEYS or frame["type"] == "pong", frame
    return frame


async def connect(ws) -> dict:
    connected, _ = await ws.connect(timeout=3)
    assert connected
    snapshot = await receive(ws)
    assert snapshot["type"] == "vote.snapshot"
    return snapshot


def cast_quietly(vote, *ballots):
    """Ballots stored before the test listens (their update would arrive in the middle of it)."""
    with mock.patch("voting.live.ballot_cast"):
        for choices in ballots:
            services.cast_ballot(vote=vote, user=ResidentFactory(), choices=choices)


def cast(vote, choices):
    """From the test's event loop, as a view under daphne would: the update is sent on that loop."""
    return database_sync_to_async(lambda: services.cast_ballot(vote=vote, user=ResidentFactory(), choices=choices))()
