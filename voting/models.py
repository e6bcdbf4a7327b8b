"""Votes, their options, ballots, and the roll of who voted (kept apart from the ballots)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.districts import District

from .states import Acceptance, BudgetRule, VoteKind, VoteState


class Vote(models.Model):
    title = models.CharField(_("title"), max_length=160)
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=VoteKind.choices)
    max_choices = models.PositiveSmallIntegerField(_("at most this many choices"), null=True, blank=True)
    budget = models.PositiveBigIntegerField(_("total budget"), null=True, blank=True)
    category_budgets = models.JSONField(_("budgets per category"), default=dict, blank=True)
    budget_rule = models.CharField(_("budget rule"), max_length=12, choices=BudgetRule.choices, blank=True)
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="votes", verbose_name=_("proposal voted on"))
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="votes", verbose_name=_("department that follows up"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    state = models.CharField(max_length=10, choices=VoteState.choices, default=VoteState.DRAFT)
    secret = models.BooleanField(_("secret ballot"), default=True)
    allow_change = models.BooleanField(_("voters may change their ballot until the close"), default=False)
    live_results = models.BooleanField(_("results shown while open"), default=False)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    districts = models.JSONField(_("districts allowed to vote"), default=list, blank=True)
    quorum = models.PositiveIntegerField(_("minimum turnout (ballots)"), null=True, blank=True)
    quorum_percent = models.PositiveSmallIntegerField(
        _("minimum turnout (per cent of the people who may vote)"), null=True, blank=True,
        help_text=_("Counted at the close, e.g. 25 as the Local Referendum Act asks."))
    acceptance = models.CharField(_("a yes/no vote passes with"), max_length=12, choices=Acceptance.choices,
                                  default=Acceptance.MAJORITY)
    follow_up_winner = models.BooleanField(_("the winning option goes to the department"), default=False)
    answer_due_days = models.PositiveSmallIntegerField(_("days the department has to answer"), default=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    tallied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # The moderator's review of a vote a citizen submitted (the reason is shown to its author).
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason given by the reviewer"), max_length=2000, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "vote")
        verbose_name_plural = pgettext_lazy("model name", "votes")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_opening"),
            models.CheckConstraint(condition=~Q(kind="budget") | Q(budget__isnull=False),
                                   name="budget_vote_has_budget"),
        ]
        indexes = [models.Index(fields=["closes_at"], condition=Q(state="open"), name="vote_open_closes_at")]

    def __str__(self) -> str:
        return self.title

    @property
    def shows_live_counts(self) -> bool:
        """Counts per option while open: only in a vote that is not secret (a secret one shows the turnout).

        In a secret vote each update would move by the few ballots cast since the last one, and the
        difference would be those people's choices (docs/voting.md "Secrecy").
        """
        return self.live_results and not self.secret


class Option(models.Model):
    """An answer to choose, a candidate to rank, or a project with its cost."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    cost = models.PositiveBigIntegerField(_("cost"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=80, blank=True)
    # A budget project's place and the department that would carry it out (its page, voting:project);
    # a funded project's follow-up item goes to this department, else to the vote's (services.lifecycle.hand_on).
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("department that carries it out"))
    external_id = models.CharField(max_length=64, blank=True, help_text="the project id of an imported .pb file")

    class Meta:
        verbose_name = pgettext_lazy("model name", "option")
        verbose_name_plural = pgettext_lazy("model name", "options")
        ordering = ["vote", "position"]
        constraints = [models.UniqueConstraint(fields=["vote", "position"], name="option_position_unique")]

    def __str__(self) -> str:
        return self.label


class VoterRoll(models.Model):
    """Who voted in a vote: one row per person, the database's guarantee of one ballot each.

    For a secret vote nothing links a row here to a ballot: no key, no shared time to the
    microsecond (ballots keep only the date), and no query or export joins the two.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="roll")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "voter roll entry")
        verbose_name_plural = pgettext_lazy("model name", "voter roll entries")
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="one_ballot_per_voter")]


def random_ballot_id() -> int:
    """A ballot's key: 63 random bits, so keys order nothing (no sequence follows the roll)."""
    return secrets.randbits(63) or 1


class Ballot(models.Model):
    """A ballot: option positions (in rank order for ranked votes). ``voter`` only for open votes.

    A secret vote's ballots come here only at the close, unsealed from SealedBallot in one shuffled
    batch (voting/ballot_box.py), dated the close's day: nothing orders or dates them with the roll.
    """

    id = models.BigIntegerField(primary_key=True, default=random_ballot_id, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    choices = models.JSONField(default=list)
    receipt_hash = models.CharField(max_length=64, unique=True)
    cast_on = models.DateField(default=timezone.localdate)
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="only for votes that are not secret")
    # Demographic cells for the published breakdowns (age band, gender, district), copied at casting
    # time so results never need the roll; small cells are suppressed when published.
    age_band = models.CharField(max_length=8, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    district = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "ballot")
        verbose_name_plural = pgettext_lazy("model name", "ballots")
        constraints = [models.UniqueConstraint(fields=["vote", "voter"], condition=Q(voter__isnull=False),
                                               name="one_open_ballot_per_voter")]


class SealedBallot(models.Model):
    """A secret vote's ballot while the vote is open: written with the roll, readable by no one.

    ``sealed`` holds the ballot (choices, receipt hash, cells) encrypted under a key the database
    does not hold (voting/ballot_box.py); the close unseals every one into Ballot and deletes it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="sealed_ballots")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = pgettext_lazy("model name", "sealed ballot")
        verbose_name_plural = pgettext_lazy("model name", "sealed ballots")


class VotingSettings(models.Model):
    """The admin's switches for the voting module: one row (pk 1), edited in the Django admin."""

    citizens_may_submit = models.BooleanField(
        _("verified residents may submit votes"), default=False,
        help_text=_("A submitted vote waits for a moderator's approval before staff schedule it."))

    class Meta:
        verbose_name = _("voting settings")
        verbose_name_plural = _("voting settings")

    def __str__(self) -> str:
        return str(_("Voting settings"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row only
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "VotingSettings":
        return cls.objects.get_or_create(pk=1)[0]
