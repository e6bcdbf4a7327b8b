"""The vote lifecycle as data: states, kinds, rules, and the one table of allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed: counting")
    TALLIED = "tallied", _("Results published")
    CANCELLED = "cancelled", _("Cancelled")
    # A vote a citizen proposed (where an admin allows it) waits for a moderator's review.
    SUBMITTED = "submitted", _("Awaiting review")
    REJECTED = "rejected", _("Not approved")


# Once scheduled a vote's question, options and rules are fixed; only its close may be extended.
# A citizen's vote starts as submitted: a moderator approves it to a draft (staff then finish and
# schedule it) or rejects it with a reason; its author may withdraw it (cancelled) while it waits.
TRANSITIONS: dict[str, set[str]] = {
    VoteState.SUBMITTED: {VoteState.DRAFT, VoteState.REJECTED, VoteState.CANCELLED},
    VoteState.DRAFT: {VoteState.SCHEDULED, VoteState.CANCELLED},
    VoteState.SCHEDULED: {VoteState.OPEN, VoteState.CANCELLED},
    VoteState.OPEN: {VoteState.CLOSED},
    VoteState.CLOSED: {VoteState.TALLIED},
    VoteState.TALLIED: set(),
    VoteState.CANCELLED: set(),
    VoteState.REJECTED: set(),
}


class VoteKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (approval, at most k)")
    YES_NO = "yes_no", _("Yes / no / abstain")
    RANKED = "ranked", _("Ranked choice (instant-runoff)")
    BUDGET = "budget", _("Participatory budget")


class Acceptance(models.TextChoices):
    """When a yes/no vote passes (the quorum, if any, must be met too)."""

    MAJORITY = "majority", _("More yes than no (abstentions do not count)")
    ABSOLUTE = "absolute", _("Yes from more than half of all ballots (abstentions count against)")
    TWO_THIRDS = "two_thirds", _("Yes from at least two thirds of yes and no")


class BudgetRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by votes, skipping projects that no longer fit")
    GREEDY_STOP = "greedy-stop", _("Greedy by votes, stopping at the first project that does not fit")
    MES = "mes", _("Method of Equal Shares (add1 completion)")
