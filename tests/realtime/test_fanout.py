"""realtime.fanout: one subscription per group in a process, shared by its sinks; broadcasts in order."""

import asyncio

import pytest
from channels.layers import channel_layers, get_channel_layer

from realtime import fanout
from realtime.resilience import LayerUnavailable
from tests.layer_faults import layer_down_at_connect


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


class Collected(fanout.Topic):
    """Keeps what the group sent; ``hears_own`` as asked."""

    def __init__(self, group, hears_own=False, fail_start=False):
        super().__init__(group)
        self.hears_own_broadcasts, self.fail_start = hears_own, fail_start
        self.messages, self.stopped = [], False

    def on_message(self, message):
        self.messages.append(message)

    async def start(self):
        if self.fail_start:
            raise RuntimeError("the database is away")

    def stop(self):
        self.stopped = True


async def until(check, seconds=3.0):
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


def test_sinks_of_one_group_share_one_subscription_until_the_last_leaves():
    async def scenario():
        local = fanout.local()
        made = []

        def make():
            made.append(Collected("t.share"))
            return made[-1]

        first = await local.join("t.share", "sink-1", make)
        again = await local.join("t.share", "sink-2", make)
        assert first is again and len(made) == 1 and first.sinks == {"sink-1", "sink-2"}
        await get_channel_layer().group_send("t.share", {"type": "x", "n": 1})
        await until(lambda: first.messages)
        await local.leave("t.share", "sink-1")
        assert "t.share" in local.topics and not first.stopped
        await local.leave("t.share", "sink-2")
        assert "t.share" not in local.topics and "t.share" not in local.subscriptions and first.stopped
        await local.leave("t.share", "sink-2")  # leaving twice is harmless
        return first.messages

    assert asyncio.run(scenario()) == [{"type": "x", "n": 1}]


def test_a_topic_that_cannot_start_is_dropped_and_the_next_join_tries_again():
    async def scenario():
        local = fanout.local()
        with pytest.raises(RuntimeError):
            await local.join("t.start", "sink", lambda: Collected("t.start", fail_start=True))
        assert local.topics == {} and local.subscriptions == {}
        topic = await local.join("t.start", "sink", lambda: Collected("t.start"))
        await local.leave("t.start", "sink")
        return topic

    assert isinstance(asyncio.run(scenario()), Collected)


def test_joining_while_the_layer_is_down_raises_layer_unavailable(monkeypatch):
    layer_down_at_connect(monkeypatch)

    async def scenario():
        local = fanout.local()
        with pytest.raises(LayerUnavailable):
            await local.join("t.down", "sink", lambda: Collected("t.down"))
        return local.topics

    assert asyncio.run(scenario()) == {}


def test_broadcasts_leave_in_order_and_only_a_topic_that_hears_its_own_gets_them_at_once():
    async def scenario():
        local = fanout.local()
        own = await local.join("t.own", "sink", lambda: Collected("t.own", hears_own=True))
        other = await local.join("t.other", "sink", lambda: Collected("t.other"))
        for n in range(5):
            fanout.publish("t.own", {"type": "x", "n": n})
            fanout.publish("t.other", {"type": "x", "n": n})
        at_once = ([m["n"] for m in own.messages], [m["n"] for m in other.messages])
        await until(lambda: len(own.messages) == 10 and len(other.messages) == 5)
        await local.leave("t.own", "sink")
        await local.leave("t.other", "sink")
        return at_once, [m["n"] for m in own.messages], [m["n"] for m in other.messages]

    at_once, own, other = asyncio.run(scenario())
    assert at_once == ([0, 1, 2, 3, 4], [])
    assert own == [0, 1, 2, 3, 4] * 2  # its own copies, then the layer's (a room's feed drops them by seq)
    assert other == [0, 1, 2, 3, 4]


def test_a_failed_broadcast_does_not_stop_the_ones_after_it(monkeypatch, caplog):
    layer_class = type(get_channel_layer())
    real_send, calls = layer_class.group_send, []

    async def flaky(self, group, message):
        calls.append(message["n"])
        if message["n"] == 1:
            raise ConnectionError("Redis is away")
        return await real_send(self, group, message)

    monkeypatch.setattr(layer_class, "group_send", flaky)

    async def scenario():
        for n in range(3):
            fanout.publish("t.flaky", {"type": "x", "n": n})
        await until(lambda: len(calls) == 3)

    asyncio.run(scenario())
    assert calls == [0, 1, 2] and "t.flaky: broadcast to the layer failed" in caplog.text


def test_publish_soon_from_a_thread_publishes_on_the_loop():
    async def scenario():
        local = fanout.local()
        topic = await local.join("t.soon", "sink", lambda: Collected("t.soon"))
        loop = asyncio.get_running_loop()
        await asyncio.to_thread(lambda: fanout.publish_soon(loop, "t.soon", {"type": "x", "n": 7}))
        await until(lambda: topic.messages)
        await local.leave("t.soon", "sink")
        return topic.messages

    assert asyncio.run(scenario()) == [{"type": "x", "n": 7}]
