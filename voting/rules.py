"""Who may vote, asked before showing the ballot and again when casting: one place."""

from datetime import datetime

from django.utils.translation import gettext as _

from accounts.districts import District

from .states import VoteState


def may_manage(user) -> bool:
    """Staff and city admins create, schedule and extend votes."""
    return user.is_authenticated and (user.is_staff or user.is_city_admin)


def refuse_vote(user, vote, now: datetime) -> str | None:
    """Why ``user`` may not vote in ``vote`` now; None when they may."""
    if not user.is_authenticated:
        return _("Please sign in to vote.")
    if vote.state in (VoteState.DRAFT, VoteState.SCHEDULED) or now < vote.opens_at:
        return _("This vote is not open yet.")
    if vote.state != VoteState.OPEN or now >= vote.closes_at:
        return _("This vote is closed.")
    if not user.is_verified_resident:
        return _("Only verified residents can vote. Ask for verification on your profile page.")
    if vote.min_age:
        if not user.birth_year:
            return _("This vote is for people aged %(age)d or over; add your birth year to your profile.") % {
                "age": vote.min_age}
        if now.year - user.birth_year < vote.min_age:
            return _("This vote is for people aged %(age)d or over.") % {"age": vote.min_age}
    if vote.districts and user.district not in vote.districts:
        names = ", ".join(str(District(d).label) for d in vote.districts if d in District.values)
        return _("This vote is for residents of: %(districts)s.") % {"districts": names}
    return None
