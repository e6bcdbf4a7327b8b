"""Live results of a secret vote: while it is open only the turnout moves (docs/voting.md "Secrecy").

Ballots cast one by one, each more than the coalescing second after the last, would otherwise each
get an update of their own, and the difference between two updates would be one person's choice.
"""

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from tests.factories import ResidentFactory
from tests.voting.live import cast, communicator, connect, open_vote, receive
from voting import services

pytestmark = pytest.mark.django_db(transaction=True)


def single_choices_revealed(frames: list[dict]) -> list[dict]:
    """Every choice that the difference of two published frames shows as one ballot's."""
    revealed = []
    for i, later in enumerate(frames):
        for earlier in frames[:i]:
            a, b = earlier["data"], later["data"]
            if a["counts"] is not None and b["counts"] is not None and b["ballots"] - a["ballots"] == 1:
                revealed.append({p: b["counts"][p] - a["counts"][p] for p in b["counts"]})
    return revealed


def test_ballots_cast_one_by_one_in_a_secret_vote_move_only_the_turnout_while_it_is_open():
    vote = open_vote(live_results=True, secret=True)

    async def scenario():
        ws = communicator(vote.pk)
        frames = [await connect(ws)]
        for choice in (1, 2, 2, 3, 1):
            await cast(vote, [choice])
            frames.append(await receive(ws))  # the update for this one ballot alone
        await ws.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    assert [f["data"]["ballots"] for f in frames] == [0, 1, 2, 3, 4, 5]  # the turnout is live
    assert single_choices_revealed(frames) == []
    assert all(f["data"]["counts"] is None for f in frames)  # the counts wait for the close


def test_the_page_and_the_download_of_an_open_secret_vote_show_no_counts(client):
    vote = open_vote(live_results=True, secret=True)
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[2])
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "data-live-count" not in page
    assert "The counts are published when the vote closes" in page
    assert client.get(reverse("voting:results_json", args=[vote.pk])).status_code == 404


def test_a_public_vote_keeps_its_live_counts():
    vote = open_vote(live_results=True, secret=False)

    async def scenario():
        ws = communicator(vote.pk)
        await connect(ws)
        await cast(vote, [2])
        update = await receive(ws)
        await ws.disconnect()
        return update

    assert async_to_sync(scenario)()["data"]["counts"] == {"1": 0, "2": 1, "3": 0}
