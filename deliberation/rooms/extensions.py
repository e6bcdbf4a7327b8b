"""What the packages built on rooms add to a room's page, without rooms importing them.

``rooms`` is the base layer and imports none of its siblings (the contract in ``.importlinter``). A
package whose rooms show more (a jury's hearing and private room show its question, its open vote and
the live draft) registers a provider in ``DeliberationConfig.ready()``; the room page merges what each
returns into its template context. A provider that lists templates under ``room_page_includes`` has
them included at the foot of the room's page (the lists of every provider are joined, not replaced).
"""

from collections.abc import Callable

from deliberation.rooms.models import Room

RoomPageContext = Callable[[Room], dict]

_room_page_context: list[RoomPageContext] = []


def register_room_page_context(provider: RoomPageContext) -> None:
    """Add ``provider(room) -> dict`` to every room page's context; registering it twice adds it once."""
    if provider not in _room_page_context:
        _room_page_context.append(provider)


def room_page_context(room: Room) -> dict:
    """What the registered packages add to this room's page, merged in registration order."""
    context: dict = {}
    includes: list[str] = []
    for provider in _room_page_context:
        added = dict(provider(room))
        includes.extend(added.pop("room_page_includes", ()))
        context.update(added)
    context["room_page_includes"] = includes
    return context
