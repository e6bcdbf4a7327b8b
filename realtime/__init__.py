"""What the live rooms and the live vote results share over WebSocket (plain Python, not a Django app).

- ``loops``: the event loop a database thread works for, things kept once per event loop, and
  handing work from a thread to the loop in a fresh context.
- ``resilience``: a consumer that survives its channel layer failing (``LayerGuard``), and a
  process's one subscription to a group that subscribes again after a failure (``Subscription``).
- ``fanout``: the process's subscriptions shared by its sockets (``LocalFanout``, one per topic: a
  room, a vote) and its sends to the layer, in order, without making the writer wait (``Publisher``).
- ``connection``: a socket's language, and the close codes both sockets use.
- ``cache``: a bounded per-process cache (the rooms' shared hello part).

See docs/architecture.md, "Fan-out and crowds".
"""
