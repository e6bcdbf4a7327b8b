"""What the voting module holds about a person: that they voted, and when; never what (ballots are not linked)."""

from accounts.personal_data import iso

from .models import VoterRoll


def export(user) -> dict:
    return {
        "votes_cast": [
            {"vote": row.vote_id, "title": row.vote.title, "voted_at": iso(row.voted_at)}
            for row in VoterRoll.objects.filter(user=user).select_related("vote").order_by("pk")
        ],
    }
