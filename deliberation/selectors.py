"""Reads of the deliberation module that are more than a .get()."""

from django.db.models import Q, QuerySet

from .models import ChatMessage, Room
from .states import Access, RoomState


def visible_rooms(*, user) -> QuerySet:
    """Open, live and ended rooms the user may enter, plus the rooms they facilitate (drafts too)."""
    rooms = Room.objects.select_related("current_round", "facilitator")
    if user.is_city_admin:
        return rooms.order_by("-created_at")
    invited = Q(members__user=user, members__invited=True, members__removed_at__isnull=True)
    shown = Q(state__in=[RoomState.OPEN, RoomState.LIVE, RoomState.ENDED]) & (Q(access=Access.PUBLIC) | invited)
    return rooms.filter(shown | Q(facilitator=user)).distinct().order_by("-created_at")


def floor_stats(room: Room) -> list[dict]:
    """Who has had the floor, for the facilitator: per participant (not observers, not removed), speaking
    turns (hands that reached speaking), chat messages and their share of the room's chat in percent.

    The quietest first (fewest turns, then fewest messages), so the facilitator sees whom to invite.
    """
    from django.db.models import Count

    from .models import ChatMessage, Hand, RoomMember
    from .states import MemberRole

    members = (RoomMember.objects.filter(room=room, removed_at__isnull=True).exclude(role=MemberRole.OBSERVER)
               .select_related("user"))
    turns = dict(Hand.objects.filter(room=room, floor_given_at__isnull=False).values("user_id")
                 .annotate(n=Count("pk")).values_list("user_id", "n"))
    messages = dict(ChatMessage.objects.filter(room=room).values("author_id")
                    .annotate(n=Count("pk")).values_list("author_id", "n"))
    total = sum(messages.values())
    rows = [{"user_id": m.user_id, "name": m.user.public_name, "turns": turns.get(m.user_id, 0),
             "messages": messages.get(m.user_id, 0),
             "chat_share": round(100 * messages.get(m.user_id, 0) / total, 1) if total else 0.0}
            for m in members]
    return sorted(rows, key=lambda r: (r["turns"], r["messages"], r["name"]))


def recent_chat(*, room: Room, up_to_seq: int, limit: int) -> list[ChatMessage]:
    """The last ``limit`` visible chat messages at or below ``up_to_seq``, oldest first (for the page)."""
    newest = (ChatMessage.objects.filter(room=room, hidden_at__isnull=True, seq__lte=up_to_seq)
              .select_related("author").order_by("-seq")[:limit])
    return list(newest)[::-1]
