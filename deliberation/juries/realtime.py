"""The frames a citizens' jury adds to its private room's protocol (docs/realtime-protocol.md, "A
citizens' jury's rooms"). The jury services write them as room events (``append_event``); the room
layer knows them only through this registration, made when the app is ready."""

from deliberation.rooms.realtime.protocol import register_outbound

OUTBOUND = {
    "agenda.round_added": ("round",),
    "jury.state": ("jury_id", "from", "state"),
    "verdict.opened": ("verdict_id", "number", "subject", "rule", "options", "url"),
    "verdict.closed": ("verdict_id", "number", "subject", "met", "result"),
    "recommendation.updated": ("jury_id", "version", "text", "author_id", "author"),
}


def register_frames() -> None:
    """Called by DeliberationConfig.ready(). Juries send no frames of their own over the socket (their
    votes and drafts go through pages), so there is nothing to add to the inbound table."""
    register_outbound(OUTBOUND)
