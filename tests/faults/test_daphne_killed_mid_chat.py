"""kill -9 one of two daphne processes mid-chat: its people reconnect to the other and lose nothing.

Two people chat, one on each server. The first server is killed just after its person sent lines
(stored, but their acknowledgements never reach her). That person reconnects to the other server, resumes from the last
event handled and offers the unacknowledged lines again with their client ids. Both must see every
event exactly once and in order, and every line must be stored exactly once.
"""

import asyncio
import time

import pytest

from deliberation.rooms.models import ChatMessage
from tests.factories import RoomFactory, UserFactory
from tests.faults.rooms import RoomClient, assert_exact, session_cookie

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LINES = 6


def test_people_on_a_killed_daphne_resume_on_the_other_with_nothing_missing_or_doubled(stack):
    room = RoomFactory(stage="live")
    alice = RoomClient(room.pk, session_cookie(UserFactory(display_name="Alice")), "alice")
    bob = RoomClient(room.pk, session_cookie(UserFactory(display_name="Bob")), "bob")
    port_a, port_b = stack.daphne("web-a"), stack.daphne("web-b")

    async def journey() -> float:
        await alice.connect(port_a)
        await bob.connect(port_b)
        await alice.chat("a-0")
        await alice.read_until(lambda c: not c.unacked, timeout=10)
        await bob.chat("b-0")
        for i in range(1, LINES // 2):
            await alice.chat(f"a-{i}")  # sent; their echoes not yet read when the server dies
        await asyncio.sleep(0.3)  # long enough for the server to store them: the resend must not store again
        stack.kill("web-a")
        killed = time.monotonic()
        # Whatever the dead server had written but Alice had not read is lost with the connection, as
        # on a phone whose network drops: she does not read the old socket again.
        alice.ws.transport.abort()
        took = await alice.reconnect([port_b], within=20)
        print(f"\ndaphne killed: alice reconnected to the other server in {took:.2f} s "
              f"({time.monotonic() - killed:.2f} s after the kill), {len(alice.unacked)} line(s) offered again")
        for i in range(LINES // 2, LINES):
            await alice.chat(f"a-{i}")
        await bob.chat("b-1")
        everything = {f"a-{i}" for i in range(LINES)} | {"b-0", "b-1"}
        for person in (alice, bob):
            await person.read_until(lambda c: not c.unacked and everything <= set(c.chats()), timeout=20)
        await asyncio.gather(alice.close(), bob.close())
        return took

    asyncio.run(asyncio.wait_for(journey(), 90))

    last = max(alice.last_seq, bob.last_seq)
    assert alice.last_seq == bob.last_seq == last
    assert_exact(alice, first_seq=1, last_seq=last)
    assert_exact(bob, first_seq=min(bob.seqs()), last_seq=last)
    stored = list(ChatMessage.objects.filter(room=room).values_list("body", flat=True))
    assert sorted(stored) == sorted({f"a-{i}" for i in range(LINES)} | {"b-0", "b-1"}), stored  # each once
    assert sorted(alice.chats()) == sorted(stored) and sorted(bob.chats()) == sorted(stored)
    assert not alice.errors and not bob.errors, alice.errors + bob.errors
