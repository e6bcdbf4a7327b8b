"""What the proposals module holds about a person ("download my data", "delete my account")."""

from accounts.personal_data import iso

from .models import Comment, Follow, Notification, NotificationSetting, Proposal, Support
from .states import State


def export(user) -> dict:
    return {
        "proposals": [
            {"id": p.pk, "title": p.title, "body": p.body, "state": p.state, "created_at": iso(p.created_at),
             "published_at": iso(p.published_at)}
            for p in Proposal.objects.filter(author=user).order_by("pk")
        ],
        "comments": [
            {"id": c.pk, "proposal": c.proposal_id, "body": c.body, "hidden": c.is_hidden,
             "created_at": iso(c.created_at)}
            for c in Comment.objects.filter(author=user).order_by("pk")
        ],
        "supports": [
            {"proposal": s.proposal_id, "title": s.proposal.title, "created_at": iso(s.created_at)}
            for s in Support.objects.filter(user=user).select_related("proposal").order_by("pk")
        ],
        "notifications": [
            {"kind": n.kind, "proposal": n.proposal_id, "state": n.state, "created_at": iso(n.created_at),
             "read_at": iso(n.read_at)}
            for n in Notification.objects.filter(user=user).order_by("pk")
        ],
        "follows": [
            {"proposal": f.proposal_id, "vote": f.vote_id, "created_at": iso(f.created_at)}
            for f in Follow.objects.filter(user=user).order_by("pk")
        ],
        "notification_settings": [
            {"kind": s.kind, "in_site": s.in_site, "email": s.email}
            for s in NotificationSetting.objects.filter(user=user).order_by("kind")
        ],
    }


def erase(user) -> None:
    """Drafts nobody else saw and the person's notifications go; what was published stays (docs/privacy.md)."""
    Proposal.objects.filter(author=user, state=State.DRAFT).delete()
    Notification.objects.filter(user=user).delete()
