"""What budget.committee adds to the layers below: a sub-committee's live room shows the field's projects
and, to its members, the scoring form (rooms.extensions). Imported by budget/receivers.py."""

from budget.committee import selectors
from deliberation.rooms import extensions

extensions.register_room_page_context(selectors.room_page_context)
