"""A room's realtime layer: the event log, the per-process feed and fan-out, admission, the WebSocket
protocol and the consumer (docs/realtime-protocol.md)."""
