"""Reads of the deliberation module that are more than a .get()."""

from django.db.models import Q, QuerySet

from .models import Room
from .states import Access, RoomState


def visible_rooms(*, user) -> QuerySet:
    """Open, live and ended rooms the user may enter, plus the rooms they facilitate (drafts too)."""
    rooms = Room.objects.select_related("current_round", "facilitator")
    if user.is_city_admin:
        return rooms.order_by("-created_at")
    invited = Q(members__user=user, members__invited=True, members__removed_at__isnull=True)
    shown = Q(state__in=[RoomState.OPEN, RoomState.LIVE, RoomState.ENDED]) & (Q(access=Access.PUBLIC) | invited)
    return rooms.filter(shown | Q(facilitator=user)).distinct().order_by("-created_at")
