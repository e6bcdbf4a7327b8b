"""Juries', verdicts' and recommendations' lifecycles as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JuryKind(models.TextChoices):
    JURY = "jury", _("Citizens' jury")
    CONFERENCE = "conference", _("Consensus conference")


class VerdictRule(models.TextChoices):
    """Set before the hearing and copied onto every verdict; docs/juries.md gives the exact arithmetic."""

    MAJORITY = "majority", _("Simple majority")
    TWO_THIRDS = "two_thirds", _("Two thirds")
    UNANIMITY = "unanimity", _("Unanimity")
    RANKED = "ranked", _("Ranked options (instant runoff)")


class JuryState(models.TextChoices):
    FORMING = "forming", _("Seating the jurors")
    HEARING = "hearing", _("Hearing: briefing, testimony and questions")
    DELIBERATING = "deliberating", _("Private deliberation")
    VERDICT = "verdict", _("Verdict")
    DRAFTING = "drafting", _("Drafting the recommendation")
    ADOPTING = "adopting", _("Voting on the recommendation")
    ADOPTED = "adopted", _("Recommendation adopted")
    PUBLISHED = "published", _("Recommendation published")


# A conference has no verdict on the question: it goes from deliberating straight to drafting, and a
# jury only through a verdict that met its rule (services.juries.move_jury checks the kind).
JURY_TRANSITIONS: dict[str, set[str]] = {
    JuryState.FORMING: {JuryState.HEARING},
    JuryState.HEARING: {JuryState.DELIBERATING},
    JuryState.DELIBERATING: {JuryState.VERDICT, JuryState.DRAFTING},
    JuryState.VERDICT: {JuryState.DELIBERATING, JuryState.DRAFTING},  # rule not met: another round
    JuryState.DRAFTING: {JuryState.ADOPTING},
    JuryState.ADOPTING: {JuryState.ADOPTED, JuryState.DRAFTING},  # not adopted: back to the draft
    JuryState.ADOPTED: {JuryState.PUBLISHED},
    JuryState.PUBLISHED: set(),
}


class VerdictSubject(models.TextChoices):
    QUESTION = "question", _("The jury's question")
    RECOMMENDATION = "recommendation", _("The draft recommendation")


class VerdictState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RecommendationState(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("state of a jury recommendation", "Draft")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")
