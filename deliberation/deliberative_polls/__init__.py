"""Deliberative polls (공론조사): questionnaires, the T1/T2 surveys, materials, the report, and the pure
statistics core ``survey/``. Named so that "poll" alone means a room's live poll."""
