"""What citizen monitoring holds about a person: being a monitor, the assignments, the ratings written.

On deletion the person stops being a monitor and the assignments end; the ratings stay public (they are
part of the item's public record) and show "former member" as their author, like comments do.
"""

from django.utils import timezone

from accounts.personal_data import iso
from governance.models import Monitor, MonitorAssignment, MonitorRating


def export(user) -> dict:
    monitor = Monitor.objects.filter(user=user).first()
    return {
        "monitor": None if monitor is None else {
            "active": monitor.active, "joined_at": iso(monitor.joined_at), "left_at": iso(monitor.left_at)},
        "monitoring_assignments": [
            {"follow_up": a.follow_up_id, "title": a.follow_up.title, "assigned_at": iso(a.assigned_at),
             "ended_at": iso(a.ended_at)}
            for a in MonitorAssignment.objects.filter(monitor__user=user).select_related("follow_up").order_by("pk")
        ],
        "monitoring_ratings": [
            {"follow_up": r.follow_up_id, "rating": r.rating, "note": r.note, "created_at": iso(r.created_at),
             "reply": r.reply, "replied_at": iso(r.replied_at)}
            for r in MonitorRating.objects.filter(assignment__monitor__user=user).order_by("pk")
        ],
    }


def erase(user) -> None:
    now = timezone.now()
    MonitorAssignment.objects.filter(monitor__user=user, ended_at__isnull=True).update(ended_at=now)
    Monitor.objects.filter(user=user, active=True).update(active=False, left_at=now)
