"""Live vote results (voting.live, voting.consumers) through WebsocketCommunicator and the real ASGI stack."""

import asyncio
import time
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from tests.voting.live import cast, cast_quietly, communicator, connect, open_vote, receive
from voting import services
from voting.models import Vote
from voting.selectors import live_counts
from voting.states import VoteKind, VoteState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_page_gets_the_current_counts_on_connecting_and_again_after_reconnecting():
    vote = open_vote()
    cast_quietly(vote, [1], [2], [1])

    async def scenario():
        ws = communicator(vote.pk)
        snapshot = await connect(ws)
        assert snapshot["data"]["ballots"] == 3 and snapshot["data"]["counts"] == {"1": 2, "2": 1, "3": 0}
        assert snapshot["data"]["state"] == "open" and snapshot["data"]["vote_id"] == vote.pk
        await ws.disconnect()
        await cast(vote, [3])  # missed while away: counts are state, the next snapshot has it
        again = communicator(vote.pk)
        assert (await connect(again))["data"]["counts"] == {"1": 2, "2": 1, "3": 1}
        await again.disconnect()

    async_to_sync(scenario)()


def test_a_ballot_sends_an_update_with_the_new_counts():
    vote = open_vote()

    async def scenario():
        ws = communicator(vote.pk)
        assert (await connect(ws))["data"]["ballots"] == 0
        await cast(vote, [2])
        update = await receive(ws)
        assert update["type"] == "vote.updated"
        assert update["data"]["ballots"] == 1 and update["data"]["counts"] == {"1": 0, "2": 1, "3": 0}
        await ws.disconnect()

    async_to_sync(scenario)()


def test_ballots_within_a_second_are_coalesced_into_one_update_with_all_of_them():
    vote = open_vote()

    async def scenario():
        ws = communicator(vote.pk)
        await connect(ws)
        started = time.monotonic()
        await cast(vote, [1])
        await cast(vote, [3])
        assert time.monotonic() - started < 0.9  # both inside the second the first one opened
        update = await receive(ws)
        assert update["data"]["ballots"] == 2 and update["data"]["counts"] == {"1": 1, "2": 0, "3": 1}
        assert await ws.receive_nothing(timeout=1.5)  # no second update for the second ballot
        await cast(vote, [1])  # a ballot after the update gets its own
        assert (await receive(ws))["data"]["ballots"] == 3
        await ws.disconnect()

    async_to_sync(scenario)()


def test_counts_stay_hidden_while_open_when_the_vote_does_not_show_live_results():
    vote = open_vote(live_results=False)
    cast_quietly(vote, [1])

    async def scenario():
        ws = communicator(vote.pk)
        snapshot = await connect(ws)
        assert snapshot["data"]["ballots"] == 1 and snapshot["data"]["counts"] is None
        await cast(vote, [2])
        update = await receive(ws)
        assert update["data"]["ballots"] == 2 and update["data"]["counts"] is None  # the turnout only
        await ws.disconnect()

    async_to_sync(scenario)()


def test_frames_other_than_ping_get_an_error_and_the_connection_stays_up():
    vote = open_vote()

    async def scenario():
        ws = communicator(vote.pk)
        await connect(ws)
        await ws.send_to(text_data="not json")
        assert (await receive(ws))["code"] == "bad_json"
        await ws.send_to(text_data="x" * 5000)
        assert (await receive(ws))["code"] == "bad_json"
        for frame in ({"type": "ballot.cast", "data": {"choices": [1]}}, ["ping"], {"data": {}}):
            await ws.send_json_to(frame)
            error = await receive(ws)
            assert error["type"] == "error" and error["code"] == "read_only" and error["message"]
        await ws.send_json_to({"type": "ping"})
        pong = await receive(ws)
        assert pong["type"] == "pong" and "server_time" in pong["data"]
        await cast(vote, [1])
        assert (await receive(ws))["type"] == "vote.updated"  # still subscribed
        await ws.disconnect()

    async_to_sync(scenario)()


def test_closing_and_tallying_send_the_final_frame_and_a_closed_vote_says_so_on_connect():
    vote = open_vote()
    cast_quietly(vote, [1])

    async def scenario():
        ws = communicator(vote.pk)
        await connect(ws)
        moved = await database_sync_to_async(services.sweep_votes)(now=vote.closes_at + timedelta(seconds=1))
        assert moved == 2  # closed, then tallied
        first, second = await receive(ws), await receive(ws)
        assert (first["type"], second["type"]) == ("vote.closed", "vote.closed")
        assert (first["data"]["state"], second["data"]["state"]) == ("closed", "tallied")
        assert second["data"]["ballots"] == 1
        await ws.disconnect()
        late = communicator(vote.pk)
        assert (await connect(late))["data"]["state"] == "tallied"
        assert (await receive(late))["type"] == "vote.closed"
        await late.disconnect()

    async_to_sync(scenario)()


def test_opening_by_the_sweep_is_sent_to_a_scheduled_votes_page():
    vote = open_vote()
    Vote.objects.filter(pk=vote.pk).update(state=VoteState.SCHEDULED, opens_at=timezone.now() + timedelta(minutes=1))

    async def scenario():
        ws = communicator(vote.pk)
        assert (await connect(ws))["data"]["state"] == "scheduled"
        await database_sync_to_async(services.sweep_votes)(now=timezone.now() + timedelta(minutes=2))
        update = await receive(ws)
        assert update["type"] == "vote.updated" and update["data"]["state"] == "open"
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("state", [VoteState.DRAFT, VoteState.CANCELLED, None])
def test_a_draft_cancelled_or_unknown_vote_is_refused_with_4404(state):
    vote_id = 999_999
    if state is not None:
        vote = open_vote()
        Vote.objects.filter(pk=vote.pk).update(state=state)
        vote_id = vote.pk

    async def scenario():
        ws = communicator(vote_id)
        connected, _ = await ws.connect(timeout=3)
        assert connected
        error = await receive(ws)
        closing = await ws.receive_output(timeout=3)
        return error["code"], closing["code"]

    assert async_to_sync(scenario)() == ("not_found", 4404)


def test_many_sockets_of_one_process_share_one_subscription_and_all_get_the_update():
    vote = open_vote()

    async def scenario():
        sockets = [communicator(vote.pk) for _ in range(5)]
        for ws in sockets:
            await connect(ws)
        from realtime import fanout
        from voting import live

        local = fanout.local()
        assert len(local.topics[live.group_name(vote.pk)].sinks) == 5 and len(local.subscriptions) == 1
        await cast(vote, [3])
        frames = await asyncio.gather(*(receive(ws) for ws in sockets))
        assert {f["data"]["counts"]["3"] for f in frames} == {1}
        for ws in sockets:
            await ws.disconnect()
        assert live.group_name(vote.pk) not in local.topics

    async_to_sync(scenario)()


def test_live_counts_of_a_ranked_vote_are_first_choices_and_other_kinds_count_every_choice():
    ranked = open_vote(kind=VoteKind.RANKED)
    multiple = open_vote(kind=VoteKind.MULTIPLE, max_choices=2)
    cast_quietly(ranked, [2, 1, 3], [2, 3], [1])
    cast_quietly(multiple, [1, 2], [2, 3], [2])
    assert live_counts(ranked) == {"ballots": 3, "counts": {"1": 1, "2": 2, "3": 0}}
    assert live_counts(multiple) == {"ballots": 3, "counts": {"1": 1, "2": 3, "3": 1}}


# The page itself (vote_live.js in Chromium over daphne) is tests/e2e/test_live_vote.py.
