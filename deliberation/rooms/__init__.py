"""Live rooms, the base layer: rooms, agendas, the clock, chat, the speaking queue, the floor, questions,
live polls, tables, presence, moderation, the record, and ``realtime/`` (the event log, the feed, admission,
the protocol, the consumer). Imports nothing from its sibling packages (docs/architecture.md)."""
