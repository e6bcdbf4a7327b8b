"""One WebSocket frame written to many sockets of a daphne process: built once, written straight to each socket.

A room's event goes to every socket in the room as the same text. Through ASGI each socket pays for
it again: Channels' ``base_send``, daphne's ``Server.handle_reply`` (header checks) and
``WebSocketProtocol.handle_reply``, the UTF-8 encoding, autobahn's ``sendMessage`` (asserts,
statistics, the frame header) and ``sendData`` (whose debug line formats its arguments whatever the
log level), then Twisted's ``transport.write``, which only buffers: it registers the socket with
the event loop, and a later turn of the loop writes it and unregisters it (two ``epoll_ctl`` and a
callback per socket per frame). At 1,000 sockets a broadcast spent most of its time there
(docs/benchmarks.md "Speed at city scale").

Here the frame is built once per event (a server's frames are not masked: the same bytes for every
client) and written to each socket at once when nothing of that socket is waiting in Twisted's
buffers, as asyncio's transports do; what the kernel does not take now goes to Twisted's buffer,
behind which everything later waits, so the order holds. Where the socket is not a plain daphne
WebSocket in the open state (another ASGI server, the test communicator, TLS terminated by daphne,
a socket closing, compression negotiated, autobahn queueing, splitting or refusing a message for its size), ``writer`` or ``write`` says so and
the caller sends through ASGI as before.

The hold on daphne is its ``send`` callable (``functools.partial(Server.handle_reply, protocol)``),
checked at every connect; daphne and Twisted are pinned (requirements.txt) and the tests run the
rooms over a real daphne (tests/realtime/test_wire.py, the end-to-end tests).
"""

import functools
import struct

try:  # daphne is the server in production and in the end-to-end tests; elsewhere the ASGI path is used
    from autobahn.websocket.protocol import WebSocketProtocol
    from daphne.server import Server as DaphneServer
    from twisted.internet.tcp import Connection as TCPConnection
except ImportError:  # pragma: no cover - daphne is in requirements.txt
    DaphneServer = WebSocketProtocol = TCPConnection = None


def text_frame(text: str) -> bytes:
    """The server-to-client frame (FIN, opcode 1, unmasked) carrying ``text`` (RFC 6455 section 5.2)."""
    payload = text.encode("utf-8")
    n = len(payload)
    if n < 126:
        header = bytes((0x81, n))
    elif n < 65536:
        header = struct.pack("!BBH", 0x81, 126, n)
    else:
        header = struct.pack("!BBQ", 0x81, 127, n)
    return header + payload


def writer(send):
    """daphne's protocol object behind an ASGI ``send`` callable, or None (not served by daphne)."""
    if DaphneServer is None or not isinstance(send, functools.partial) or len(send.args) != 1:
        return None
    server = getattr(send.func, "__self__", None)
    protocol = send.args[0]
    if not isinstance(server, DaphneServer) or not isinstance(protocol, WebSocketProtocol):
        return None
    return protocol


def write(protocol, frame: bytes) -> bool:
    """Write one ready frame to ``protocol``'s socket; False (nothing written) when the ASGI path must be used."""
    if (protocol.state != WebSocketProtocol.STATE_OPEN or protocol.send_queue
            or protocol._perMessageCompress is not None or protocol.autoFragmentSize
            or 0 < protocol.maxMessagePayloadSize < len(frame)):  # autobahn's own checks (it refuses or splits)
        return False
    connection = protocol.server.connections.get(protocol)
    if connection is None or connection.get("disconnected"):
        return False
    transport = protocol.transport
    if not isinstance(transport, TCPConnection):  # TLS in daphne, or something unforeseen: the ASGI path
        return False
    if not transport.connected or transport.disconnecting or transport._writeDisconnected:
        return False
    if not transport._tempDataBuffer and transport.offset == len(transport.dataBuffer):
        try:
            sent = transport.socket.send(frame)
        except OSError:
            # The kernel's buffer is full (EWOULDBLOCK), or the peer is gone: the frame goes to Twisted's
            # buffer, and Twisted's write finds the error and closes the connection as it always does.
            sent = 0
        if sent == len(frame):
            return True
        frame = frame[sent:]
    transport.write(frame)
    return True


class _Formatted:
    """pprint's text of an object, made only if a log line is written."""

    __slots__ = ("obj", "pformat")

    def __init__(self, obj, pformat):
        self.obj, self.pformat = obj, pformat

    def __str__(self) -> str:
        return self.pformat(self.obj)

    __repr__ = __format__ = lambda self, *spec: str(self)  # noqa: E731


def defer_autobahn_debug_formatting() -> bool:
    """autobahn pretty-prints its options at every connection for a debug line that is not written unless
    debugging (6 % of daphne's samples while a crowd connected): have it format them only when written.
    False if autobahn is not installed."""
    try:
        from autobahn.websocket import protocol
    except ImportError:  # pragma: no cover - daphne brings autobahn
        return False
    real = protocol.pformat
    if getattr(real, "deferred", False):
        return True

    def pformat(obj):
        return _Formatted(obj, real)

    pformat.deferred = True
    protocol.pformat = pformat
    protocol.Timings.__str__ = lambda self: real(self._timings)  # the module's one caller that needs a str
    return True
