"""Drawing panels by lot: the citizen pool, the draws on the record, and the invitations of a drawn panel.

Collected by deliberation/models.py (app label ``deliberation``); docs/juries.md describes them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.panels.states import InvitationState


# --- The citizen pool (협치서울시민회의): people who volunteered or were imported, to draw panels from ---


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Pool(models.Model):
    """A list of people panels are drawn from: the standing pool citizens volunteer for, or an imported one."""

    name = models.CharField(_("name"), max_length=160)
    standing = models.BooleanField(_("the standing pool citizens volunteer for"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "pool")
        verbose_name_plural = pgettext_lazy("model name", "pools")
        constraints = [models.UniqueConstraint(fields=["standing"], condition=Q(standing=True),
                                               name="one_standing_pool")]

    def __str__(self) -> str:
        return self.name


class PoolAttribute(models.Model):
    """A further attribute an admin defines for volunteers to answer (e.g. housing tenure), with its values."""

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("The column name in the pool's CSV, e.g. housing."))
    label = models.CharField(_("question"), max_length=200)
    values = models.JSONField(_("answers"), default=list, help_text=_("A list of [code, label] pairs."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = pgettext_lazy("model name", "pool attribute")
        verbose_name_plural = pgettext_lazy("model name", "pool attributes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    def choices(self) -> list[tuple[str, str]]:
        return [(str(code), str(label)) for code, label in self.values]


class PoolMember(models.Model):
    """One person of a pool. A volunteer's district group, age band and gender come from their profile
    when a snapshot is taken; ``attributes`` keeps the rest (all of them for an imported person)."""

    class Source(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteered")
        IMPORT = "import", _("Imported")

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="members")
    person_id = models.CharField(max_length=64, help_text="the first column of the pool's CSV")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="pool_memberships")
    attributes = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "pool member")
        verbose_name_plural = pgettext_lazy("model name", "pool members")
        ordering = ["pool", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "person_id"], name="pool_person_unique"),
            models.UniqueConstraint(fields=["pool", "user"], condition=Q(user__isnull=False), name="pool_user_unique"),
        ]


# The sortition core's algorithm codes (sortition.ALGORITHMS) in words, for pages and the staff form.
ALGORITHM_LABELS = {"maximin": _("Equal chances (maximin)"),
                    "maximin-people": _("Equal chances (maximin, person by person)"),
                    "legacy": _("Simple stratified draw (legacy)")}


class Draw(models.Model):
    """One draw of a panel by lot, with everything anyone needs to check it.

    The inputs are kept as the files ``manage.py draw`` reads (the pool snapshot and the quotas in the
    Sortition Foundation's layout, with their SHA-256), so a published draw can be re-run by anyone.
    Once drawn nothing changes: a changed pool, quota or size is a new draw that names this one.
    """

    class State(models.TextChoices):
        PREPARING = "preparing", _("Computing the fair distribution")
        PUBLISHED = "published", _("Published: waiting for the public values")
        DRAWN = "drawn", pgettext_lazy("state of a draw", "Drawn")
        FAILED = "failed", _("Could not be drawn")

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="draws")
    title = models.CharField(_("what the panel is for"), max_length=200)
    size = models.PositiveIntegerField(_("panel size"))
    algorithm = models.CharField(_("algorithm"), max_length=20)
    households = models.CharField(_("one person per household: address columns"), max_length=200, blank=True,
                                  help_text="PEOPLE.csv columns, comma-separated; empty: no household check")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARING)

    @property
    def algorithm_label(self) -> str:
        return str(ALGORITHM_LABELS.get(self.algorithm, self.algorithm))

    @property
    def household_columns(self) -> list[str]:
        return [column for column in self.households.split(",") if column]
    people_csv = models.TextField(help_text="the pool snapshot drawn from, as PEOPLE.csv")
    # Who of the pool could be drawn, in words, when the draw took only part of it (prepare_draw's only_users).
    eligibility = models.CharField(_("who could be drawn"), max_length=300, blank=True)
    quotas_csv = models.TextField(help_text="the quotas, as QUOTAS.csv")
    pool_hash = models.CharField(max_length=64)
    quotas_hash = models.CharField(max_length=64)
    distribution = models.JSONField(null=True, blank=True, help_text="maximin: panels and their weights (ppb); "
                                    "over profiles, each panel a count per profile")
    chances = models.JSONField(null=True, blank=True, help_text="each person's selection probability (maximin "
                                                                "person by person; over profiles, see distribution)")
    public_values = models.TextField(blank=True)
    key = models.TextField(blank=True, help_text="the RFC 3797 key string of the public values")
    selected = models.JSONField(default=list, blank=True)
    panel_index = models.PositiveIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True, help_text="why it could not be drawn")
    seconds = models.FloatField(null=True, blank=True, help_text="the library's time for the distribution or draw")
    progress = models.JSONField(null=True, blank=True, help_text="the maximin job's last progress report")
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="superseded_by")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "draw")
        verbose_name_plural = pgettext_lazy("model name", "draws")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="draw_size_positive")]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """One person asked to take a seat of a drawn panel, by a deadline; a declined, expired or withdrawn
    invitation is followed by the reserve person asked for the same seat (``replaces``), or the seat stays
    open and ``explanation`` says why. The token is for a link in a letter (imported people have no account).
    """

    class Match(models.TextChoices):
        DRAWN = "", pgettext_lazy("seat filled by the draw itself", "Drawn")
        SAME = "same", _("same profile")
        QUOTAS = "quotas", _("quotas kept")

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="invitations")
    person_id = models.CharField(max_length=64, help_text="the person's id in the draw's PEOPLE.csv")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="panel_invitations")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    seat = models.PositiveIntegerField(help_text="the seat of the panel this invitation fills, from 1")
    state = models.CharField(max_length=10, choices=InvitationState.choices, default=InvitationState.INVITED)
    deadline_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="replaced_by")
    reserve_position = models.PositiveIntegerField(null=True, blank=True, help_text="1-based, for a replacement")
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.DRAWN, blank=True)
    reason = models.TextField(blank=True, help_text="why it ended early (staff's reason for a withdrawal)")
    explanation = models.TextField(blank=True, help_text="why this reserve person; or, once ended, why the "
                                                         "seat stays open")
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="when the invited user was emailed")

    class Meta:
        verbose_name = pgettext_lazy("model name", "invitation")
        verbose_name_plural = pgettext_lazy("model name", "invitations")
        ordering = ["draw", "seat", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "person_id"], name="invitation_person_once"),
            # At most one person holds (or is asked for) a seat: two replacements can never share it.
            models.UniqueConstraint(fields=["draw", "seat"], condition=Q(state__in=["invited", "confirmed"]),
                                    name="invitation_one_per_seat"),
        ]
        indexes = [models.Index(fields=["deadline_at"], condition=Q(state="invited"), name="invitation_due")]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.seat}/{self.person_id}"
