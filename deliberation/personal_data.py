"""What the deliberation packages hold about a person: rooms joined and written in, pools and invitations."""

from django.utils import timezone

from accounts.personal_data import iso

from .panels.models import Invitation, PoolMember
from .rooms.models import ChatMessage, RoomMember


def export(user) -> dict:
    return {
        "room_memberships": [
            {"room": m.room_id, "title": m.room.title, "role": m.role, "joined_at": iso(m.joined_at)}
            for m in RoomMember.objects.filter(user=user).select_related("room").order_by("pk")
        ],
        "room_messages": [
            {"room": m.room_id, "body": m.body, "created_at": iso(m.created_at)}
            for m in ChatMessage.objects.filter(author=user).order_by("pk")
        ],
        "pool_memberships": [
            {"pool": m.pool.name, "active": m.active, "joined_at": iso(m.joined_at), "left_at": iso(m.left_at)}
            for m in PoolMember.objects.filter(user=user).select_related("pool").order_by("pk")
        ],
        "invitations": [
            {"panel": i.draw.title, "state": i.state, "created_at": iso(i.created_at),
             "responded_at": iso(i.responded_at)}
            for i in Invitation.objects.filter(user=user).select_related("draw").order_by("pk")
        ],
    }


def erase(user) -> None:
    """A deleted account leaves the citizen pools, so no later draw picks it."""
    PoolMember.objects.filter(user=user, active=True).update(active=False, left_at=timezone.now())
