"""Citizens' juries and consensus conferences: the jury, its secret verdicts, its recommendation.

Imported at the end of models.py (app label ``deliberation``); docs/juries.md describes the rules.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.panels.models import Draw
from deliberation.rooms.models import Room
from deliberation.juries.states import (
    JuryKind, JuryState, RecommendationState, VerdictRule, VerdictState, VerdictSubject,
)

QUESTION_MAX = 1000
RECOMMENDATION_MAX = 15_000  # leaves room in the proposal body (20,000) for the tally and the link
MINORITY_MAX = 5000


class Jury(models.Model):
    """One question, a panel of seated jurors, a hearing room and a private room, a recommendation.

    The hearing (briefing, expert testimony, jurors' questions) is ``room``, with observers; the
    private deliberation and the drafting are ``private_room`` (a PANEL room without observers).
    """

    kind = models.CharField(_("kind"), max_length=12, choices=JuryKind.choices, default=JuryKind.JURY)
    title = models.CharField(_("title"), max_length=120)
    question = models.TextField(_("question"), max_length=QUESTION_MAX)
    size = models.PositiveSmallIntegerField(_("number of jurors"))
    verdict_rule = models.CharField(_("verdict rule"), max_length=12, choices=VerdictRule.choices,
                                    default=VerdictRule.MAJORITY)
    options = models.JSONField(_("options of a ranked verdict"), default=list, blank=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="juries")
    room = models.OneToOneField(Room, on_delete=models.PROTECT, related_name="jury_hearing")
    private_room = models.OneToOneField(Room, on_delete=models.PROTECT, related_name="jury_private")
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.SET_NULL, related_name="juries")
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="juries", verbose_name=_("proposal it answers"))
    category = models.ForeignKey("proposals.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("category of the proposal it creates"))
    state = models.CharField(max_length=14, choices=JuryState.choices, default=JuryState.FORMING)
    created_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("citizens' jury")
        verbose_name_plural = _("citizens' juries")
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="jury_size_positive")]

    def __str__(self) -> str:
        return self.title


class Verdict(models.Model):
    """One secret vote of the jury: on its question, or on adopting the draft recommendation.

    Who voted is on the roll (VerdictVoter); what was voted is in VerdictBallot, which names no one.
    """

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="verdicts")
    number = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=16, choices=VerdictSubject.choices)
    subject_text = models.TextField(help_text="the question or the draft as it was put to the vote")
    rule = models.CharField(max_length=12, choices=VerdictRule.choices)
    options = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=8, choices=VerdictState.choices, default=VerdictState.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    met = models.BooleanField(null=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "verdict vote")
        verbose_name_plural = pgettext_lazy("model name", "verdict votes")
        ordering = ["jury", "number"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "number"], name="one_verdict_number_per_jury"),
            models.UniqueConstraint(fields=["jury"], condition=Q(state="open"), name="one_open_verdict_per_jury"),
        ]


class VerdictVoter(models.Model):
    """The roll: this juror has voted in this verdict. No time, no ballot: nothing links it to a choice."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = pgettext_lazy("model name", "verdict voter")
        verbose_name_plural = pgettext_lazy("model name", "verdict voters")
        constraints = [models.UniqueConstraint(fields=["verdict", "user"], name="one_vote_per_juror")]


class VerdictBallot(models.Model):
    """A secret ballot: "yes", "no", "abstain", or a ranking. A random id, no user, no time; written
    only when the verdict closes, unsealed from SealedVerdictBallot in one shuffled batch, so neither
    the writing transaction, the row order nor the ids follow the roll; read and exported ordered by choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="ballots")
    choice = models.JSONField()

    class Meta:
        verbose_name = pgettext_lazy("model name", "verdict ballot")
        verbose_name_plural = pgettext_lazy("model name", "verdict ballots")


class SealedVerdictBallot(models.Model):
    """A ballot while its verdict is open: written with the roll, sealed (voting/ballot_box.py), so its
    transaction and place, which follow the roll's, lead to nothing readable; unsealed at the close."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="sealed_ballots")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = pgettext_lazy("model name", "sealed verdict ballot")
        verbose_name_plural = pgettext_lazy("model name", "sealed verdict ballots")


class Recommendation(models.Model):
    """The recommendation (권고안): drafted in the private room, adopted by a verdict, then published."""

    jury = models.OneToOneField(Jury, on_delete=models.CASCADE, related_name="recommendation")
    text = models.TextField(_("recommendation"), max_length=RECOMMENDATION_MAX, blank=True)
    version = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=RecommendationState.choices, default=RecommendationState.DRAFTED)
    adopted_by = models.ForeignKey(Verdict, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "recommendation")
        verbose_name_plural = pgettext_lazy("model name", "recommendations")


class MinorityOpinion(models.Model):
    """A juror's dissent, published with the recommendation: with their name if signed, else anonymous."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="minority_opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("minority opinion"), max_length=MINORITY_MAX)
    signed = models.BooleanField(_("publish with my name"), default=False)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "minority opinion")
        verbose_name_plural = pgettext_lazy("model name", "minority opinions")
        ordering = ["written_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "author"],
                                               name="one_minority_opinion_per_juror")]
