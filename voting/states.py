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


# Once scheduled a vote's question, options and rules are fixed; only its close may be extended.
TRANSITIONS: dict[str, set[str]] = {
    VoteState.DRAFT: {VoteState.SCHEDULED, VoteState.CANCELLED},
    VoteState.SCHEDULED: {VoteState.OPEN, VoteState.CANCELLED},
    VoteState.OPEN: {VoteState.CLOSED},
    VoteState.CLOSED: {VoteState.TALLIED},
    VoteState.TALLIED: set(),
    VoteState.CANCELLED: set(),
}


class VoteKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (approval, at most k)")
    YES_NO = "yes_no", _("Yes / no / abstain")
    RANKED = "ranked", _("Ranked choice (instant-runoff)")
    BUDGET = "budget", _("Participatory budget")


class BudgetRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by votes, skipping projects that no longer fit")
    GREEDY_STOP = "greedy-stop", _("Greedy by votes, stopping at the first project that does not fit")
    MES = "mes", _("Method of Equal Shares (add1 completion)")
