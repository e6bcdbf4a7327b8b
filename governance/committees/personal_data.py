"""What the committees hold about a person: their applications to open calls and their memberships.

On account deletion (docs/governance.md "Committees"): applications that did not lead to a membership are
deleted (a statement is personal and unpublished); one that did keeps its row (the membership's record)
with the statement emptied. Current memberships end, with "account deleted" as the reason; every
membership is unlinked from the account. The member's name stays on the committee's public record, as
the name of anyone who held a public seat does.
"""

from django.utils import timezone

from accounts.personal_data import iso

from governance.models import Application, Member


def export(user) -> dict:
    return {
        "committee_applications": [
            {"call": a.call.title, "committee": a.call.committee.name, "statement": a.statement, "state": a.state,
             "reason": a.reason, "submitted_at": iso(a.submitted_at), "decided_at": iso(a.decided_at)}
            for a in Application.objects.filter(applicant=user).select_related("call__committee").order_by("pk")
        ],
        "committee_memberships": [
            {"committee": m.committee.name, "name": m.name, "category": m.category, "gender": m.gender,
             "age_band": m.age_band, "district": m.district, "term_start": iso(m.term_start),
             "term_end": iso(m.term_end), "is_chair": m.is_chair, "route": m.route, "route_note": m.route_note,
             "ended_at": iso(m.ended_at), "end_reason": m.end_reason}
            for m in Member.objects.filter(user=user).select_related("committee").order_by("pk")
        ],
    }


def erase(user) -> None:
    Application.objects.filter(applicant=user, member__isnull=True).delete()
    Application.objects.filter(applicant=user).update(statement="")
    Member.objects.filter(user=user, ended_at__isnull=True).update(ended_at=timezone.now(),
                                                                  end_reason="account deleted")
    Member.objects.filter(user=user).update(user=None)
