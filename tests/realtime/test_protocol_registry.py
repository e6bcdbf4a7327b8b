"""The room protocol's frame tables are extended by registration; the juries register theirs."""

import pytest

from deliberation.juries.realtime import OUTBOUND as JURY_FRAMES
from deliberation.rooms.realtime import protocol


def test_the_jury_frames_are_registered_when_the_app_is_ready():
    for kind, keys in JURY_FRAMES.items():
        assert protocol.OUTBOUND[kind] == keys


def test_registering_the_same_frame_again_changes_nothing_and_another_shape_is_refused(monkeypatch):
    monkeypatch.setattr(protocol, "OUTBOUND", dict(protocol.OUTBOUND))
    monkeypatch.setattr(protocol, "INBOUND", dict(protocol.INBOUND))
    protocol.register_outbound({"jury.state": JURY_FRAMES["jury.state"]})
    with pytest.raises(ValueError):
        protocol.register_outbound({"jury.state": ("jury_id",)})
    protocol.register_inbound({"test.knock": {"times": protocol.Field(int, min=1)}})
    assert protocol.validate({"type": "test.knock", "data": {"times": 2}}) == ("test.knock", {"times": 2})
