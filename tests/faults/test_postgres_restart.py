"""PostgreSQL restarted under daphne, a worker and beat: pages come back, rooms resume, no deadline is lost.

A round's deadline falls while the database restarts. Afterwards the home page answers 200 again,
the person in the room resumes exactly (and sees the round end), a line she sends is stored once,
the worker and beat are still running and the round was ended (its task, else the sweep). The
socket stays open: the first frame after the restart finds its database connection replaced.
"""

import asyncio
import time

import pytest
from django.db import connection

from deliberation.rooms.models import ChatMessage, Round
from deliberation.rooms.states import RoundState
from tests.factories import RoomFactory, UserFactory
from tests.faults.rooms import Dropped, RoomClient, assert_exact, session_cookie
from tests.faults.stack import eventually, producer, restart_postgres

pytestmark = [pytest.mark.faults, pytest.mark.serial, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUND_SECONDS = 14


def test_pages_rooms_worker_and_a_deadline_through_a_postgres_restart(stack, own_redis):
    port = stack.daphne("web")
    stack.worker()
    stack.beat()
    eventually(lambda: "ready" in stack.tail("worker"), timeout=60, what="the worker ready")
    assert stack.get("web", "/") == 200
    # The round starts once the stack is up (`make test` runs this beside the parallel phase, and a loaded
    # machine can take longer to start the stack than the round lasts).
    room = RoomFactory(stage="live", rounds=[
        {"kind": "discussion", "title": "Short", "duration_seconds": ROUND_SECONDS},
        {"kind": "discussion", "title": "Next", "duration_seconds": 600}])
    first = Round.objects.get(room=room, position=1)
    assert first.state == RoundState.RUNNING
    # As in production: the round's exact-time task (the test process runs tasks eagerly, so queue it here).
    producer(own_redis.url).send_task(
        "deliberation.tasks.expire_round", args=[room.pk, first.pk], eta=first.deadline_at)
    alice = RoomClient(room.pk, session_cookie(UserFactory(display_name="Alice")), "alice")

    async def journey() -> dict:
        await alice.connect(port)
        await alice.chat("before")
        await alice.read_until(lambda c: "before" in c.chats(), timeout=10)
        wait = (first.deadline_at.timestamp() - time.time()) - 2
        assert wait > 0, "the round ended before the restart: the deadline would not fall during it"
        await asyncio.sleep(wait)  # restart so that the deadline falls while it is down

        took = await asyncio.to_thread(restart_postgres)
        back = time.monotonic()
        statuses = []

        def home_page() -> bool:
            statuses.append(stack.get("web", "/", timeout=15))
            return statuses[-1] == 200

        await asyncio.to_thread(eventually, home_page, timeout=30, what="the home page back")
        pages_back = time.monotonic() - back
        try:
            await alice.chat("after")
            await alice.read_until(lambda c: "after" in c.chats() and not c.unacked, timeout=20)
        except Dropped:
            await alice.reconnect([port], within=30)
        await alice.read_until(lambda c: "after" in c.chats() and not c.unacked
                               and any(e["type"] == "round.ended" for e in c.events), timeout=60)
        await alice.close()
        return {"restart": took, "pages_back": pages_back, "statuses": statuses,
                "room_back": time.monotonic() - back}

    figures = asyncio.run(asyncio.wait_for(journey(), 150))
    connection.close()  # this thread's connection did not survive the restart either
    print(f"\nPostgreSQL restart took {figures['restart']:.2f} s; home page 200 again {figures['pages_back']:.2f} s "
          f"after (statuses {figures['statuses']}); the room had the round's end and the new line "
          f"{figures['room_back']:.2f} s after; socket closes {alice.closes or 'none'}")

    # kept connections are health-checked (CONN_HEALTH_CHECKS): the first page after the restart is served
    assert figures["statuses"][0] == 200 and all(status == 200 for status in figures["statuses"])
    assert stack.alive("web") and stack.alive("worker") and stack.alive("beat"), stack.tail("worker")
    first.refresh_from_db()
    assert first.state == RoundState.DONE  # the deadline was not lost
    assert_exact(alice, first_seq=1, last_seq=alice.last_seq)
    assert sorted(ChatMessage.objects.filter(room=room).values_list("body", flat=True)) == ["after", "before"]
    # The first frame after the restart met a connection the server had kept: it must be replaced,
    # not crash the socket (1011) and drop the line with it.
    assert alice.closes == [], alice.closes
