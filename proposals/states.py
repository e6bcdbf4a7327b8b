"""The proposal lifecycle as data: states and the one table of allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for support")
    CLOSED = "closed", _("Closed without enough support")
    ESCALATED = "escalated", _("Escalated to the department")
    ANSWERED = "answered", _("Answered")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ADOPTED = "adopted", _("Adopted by a citizens' vote")
    REJECTED = "rejected", _("Not adopted by a citizens' vote")
    HIDDEN = "hidden", _("Hidden by moderation")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")


TRANSITIONS: dict[str, set[str]] = {
    State.DRAFT: {State.PUBLISHED, State.WITHDRAWN},
    State.PUBLISHED: {State.CLOSED, State.ESCALATED, State.HIDDEN, State.WITHDRAWN, State.ADOPTED, State.REJECTED},
    State.CLOSED: {State.HIDDEN, State.ADOPTED, State.REJECTED},
    State.ESCALATED: {State.ANSWERED, State.HIDDEN, State.ADOPTED, State.REJECTED},
    # A yes/no vote on the proposal decides it (voting.services.lifecycle); the department then
    # answers the follow-up item the vote created, as it answers an escalated proposal.
    State.ADOPTED: {State.ANSWERED, State.HIDDEN},
    State.REJECTED: {State.HIDDEN},
    State.ANSWERED: {State.IN_PROGRESS, State.COMPLETED, State.HIDDEN},
    State.IN_PROGRESS: {State.COMPLETED, State.HIDDEN},
    State.COMPLETED: {State.HIDDEN},
    State.WITHDRAWN: {State.HIDDEN},
    # Restoring goes back to the state recorded when the proposal was hidden (checked in services).
    State.HIDDEN: {
        State.PUBLISHED, State.CLOSED, State.ESCALATED, State.ANSWERED,
        State.IN_PROGRESS, State.COMPLETED, State.WITHDRAWN, State.ADOPTED, State.REJECTED,
    },
}

# States the public can see; drafts are the author's, hidden ones the moderators'.
PUBLIC_STATES = [s for s in State if s not in (State.DRAFT, State.HIDDEN)]
# States in which the support window may be open (escalation does not stop support gathering).
SUPPORTABLE_STATES = [State.PUBLISHED, State.ESCALATED]


class EscalationLevel(models.TextChoices):
    NONE = "none", _("Not escalated")
    DEPARTMENT = "department", _("Department")
    MAYOR = "mayor", _("Mayor")


class Origin(models.TextChoices):
    """Who put the proposal forward: a citizen gathers supports; a citizens' jury's recommendation goes to
    the department at once (deliberation.juries.services.verdicts.publish_recommendation)."""

    CITIZEN = "citizen", _("A citizen")
    JURY = "jury", _("A citizens' jury")


# The reason an escalation records on the timeline when no support count put it there.
ESCALATED_BY_JURY = "jury"


class Scope(models.TextChoices):
    CITYWIDE = "citywide", _("Citywide")
    DISTRICT = "district", _("One district")


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTIAL = "partial", _("Partially accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class FollowUpState(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    CLARIFICATION = "clarification", _("Clarification requested")
    ANSWERED = "answered", _("Answered")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


FOLLOW_UP_TRANSITIONS: dict[str, set[str]] = {
    FollowUpState.OPEN: {FollowUpState.CLARIFICATION, FollowUpState.ANSWERED},
    FollowUpState.CLARIFICATION: {FollowUpState.OPEN, FollowUpState.ANSWERED},
    FollowUpState.ANSWERED: {FollowUpState.IN_PROGRESS, FollowUpState.COMPLETED},
    FollowUpState.IN_PROGRESS: {FollowUpState.IN_PROGRESS, FollowUpState.COMPLETED},
    FollowUpState.COMPLETED: set(),
}
# A follow-up is waiting for the department in these states; past its due date it is overdue.
AWAITING_ANSWER = [FollowUpState.OPEN, FollowUpState.CLARIFICATION]
