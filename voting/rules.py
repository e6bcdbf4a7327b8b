"""Who may vote, asked before showing the ballot and again when casting: one place."""

from datetime import datetime

from django.utils.translation import gettext as _

from accounts.districts import District

from .models import Vote, VotingSettings
from .states import TRANSITIONS, VoteKind, VoteState


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
    return refuse_voter(user, vote, now)


def refuse_voter(user, vote, now: datetime) -> str | None:
    """Why ``user`` is not among ``vote``'s voters (whatever its state); None when they are."""
    if not user.is_authenticated:
        return _("Please sign in to vote.")
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


FOLLOWABLE_STATES = (VoteState.SCHEDULED, VoteState.OPEN, VoteState.CLOSED)


def refuse_follow(user, vote: Vote) -> str | None:
    """Anyone signed in may follow a public vote until its results are out (then nothing more will change)."""
    if not user.is_authenticated:
        return _("Please sign in to follow this vote.")
    if vote.state not in FOLLOWABLE_STATES:
        return _("Only a scheduled or open vote can be followed.")
    return None


def refuse_submit(user) -> str | None:
    """A citizen proposing a vote: only where an admin switched it on, and only verified residents."""
    if not user.is_authenticated:
        return _("Please sign in to propose a vote.")
    if not VotingSettings.load().citizens_may_submit:
        return _("Proposing votes is not open to citizens at the moment.")
    if not user.is_verified_resident:
        return _("Only verified residents can propose a vote. Ask for verification on your profile page.")
    return None


def refuse_edit(user, vote: Vote) -> str | None:
    """Whose a vote is to edit: staff's while it is prepared, its author's while it awaits review."""
    if vote.state == VoteState.SUBMITTED:
        mine = user.is_authenticated and vote.created_by_id == user.pk
        return None if mine else _("Only its author can edit a vote awaiting review.")
    return None if may_manage(user) else _("Only staff can edit votes.")


def refuse_cancel(user, vote: Vote) -> str | None:
    """Staff cancel votes; a vote awaiting review is its author's to withdraw (a moderator rejects it)."""
    if vote.state == VoteState.SUBMITTED:
        mine = user.is_authenticated and vote.created_by_id == user.pk
        return None if mine else _("Only its author can withdraw a vote awaiting review; a moderator can reject it.")
    return None if may_manage(user) else _("Only staff can cancel a vote.")


def refuse_review(user) -> str | None:
    if not (user.is_authenticated and user.is_moderator):
        return _("Only moderators review submitted votes.")
    return None


def is_editable(vote: Vote) -> bool:
    """A vote's question, options and rules can change until it is scheduled."""
    return vote.state in (VoteState.DRAFT, VoteState.SUBMITTED)


def refuse_edit_project(user, vote: Vote) -> str | None:
    """Staff write a budget project's page (description, district, department) while the vote's options
    may still change: once scheduled, voters must read what everyone else read."""
    if not may_manage(user):
        return _("Only staff can edit a project's page.")
    if vote.kind != VoteKind.BUDGET:
        return _("Only the projects of a participatory budget have a page.")
    if not is_editable(vote):
        return _("A scheduled vote keeps its projects as voters read them.")
    return None


def manage_actions(state: str) -> set[str]:
    """What the staff pages offer a vote in ``state`` (TRANSITIONS): edit and schedule a draft, review a
    submitted one, extend the close of a scheduled or open one, cancel any that may still be cancelled
    (a citizen's submitted vote is withdrawn by its author or rejected in review, not cancelled by staff)."""
    actions = set()
    if state in (VoteState.DRAFT, VoteState.SUBMITTED):
        actions.add("edit")
    if VoteState.SCHEDULED in TRANSITIONS[state]:
        actions.add("schedule")
    if state == VoteState.SUBMITTED:
        actions.add("review")
    if state in (VoteState.SCHEDULED, VoteState.OPEN):
        actions.add("extend")
    if VoteState.CANCELLED in TRANSITIONS[state] and state != VoteState.SUBMITTED:
        actions.add("cancel")
    return actions
