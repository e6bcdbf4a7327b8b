"""Governance in the open (issue 15): the city's committees, citizen monitoring and the dashboard's tallies.

- A ``Committee`` (위원회) with its ``Member`` rows, each on the record with how they came in: appointed,
  selected from an ``OpenCall`` (citizens' ``Application`` rows, the department's published selection), or
  drawn by lot from the pool (``CommitteeDraw``: the existing draw pipeline, its confirmed invitations).
- ``Meeting`` rows with ``Attendance`` per member, minutes due by a deadline held in the database, and
  ``CommitteeRecommendation`` rows that reach the department's follow-up queue (``proposals.FollowUp``).
- ``AnnualDocument``: the annual operating plan and the performance report (운영성과보고서), generated
  from the record and edited by the secretariat before publication.
- ``Monitor``, ``MonitorAssignment``, ``MonitorRating``: pool members who volunteer to follow how
  follow-up items are carried out, and rate them; the department replies.
- ``Tally``: the dashboard's summary counts per metric, day, district and department, kept current by
  receivers of what the services do (not computed by scanning the big tables on each view).

Lifecycles are tables in ``states.py``; writes in each package's ``services``; reads in its ``selectors``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.districts import District
from accounts.models import Department, Gender
from core.bilingual import BilingualName

from governance.states import (
    ApplicationState, DocumentState, MeetingMode, MeetingState, MemberCategory, MemberRoute, OpenCallState, Rating,
)


class Committee(BilingualName, models.Model):
    """One of the city's committees (statutory or not; advisory, deliberative, executive or citizen
    participation), or an agenda committee (의제별 시민참여위원회) formed for one proposal, vote or policy."""

    class LegalStatus(models.TextChoices):
        STATUTORY = "statutory", _("Statutory")
        NON_STATUTORY = "non_statutory", _("Non-statutory")

    class Function(models.TextChoices):
        ADVISORY = "advisory", _("Advisory")
        DELIBERATIVE = "deliberative", _("Deliberative")
        EXECUTIVE = "executive", _("Executive")
        CITIZEN = "citizen", _("Citizen participation")

    name = models.CharField(_("name (Korean)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    function = models.CharField(_("function"), max_length=20, choices=Function.choices)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="committees")
    mandate = models.TextField(_("mandate"), max_length=5000)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    size = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)])
    # An agenda committee is formed for one proposal, vote or policy (at most one link; a policy is named).
    is_agenda_committee = models.BooleanField(_("agenda committee"), default=False)
    proposal = models.ForeignKey("proposals.Proposal", verbose_name=_("proposal"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="agenda_committees")
    vote = models.ForeignKey("voting.Vote", verbose_name=_("vote"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="agenda_committees")
    policy = models.CharField(_("policy"), max_length=200, blank=True)
    # The composition rules the city sets per committee (docs/governance.md).
    min_citizen_share = models.PositiveSmallIntegerField(
        _("ordinary citizens, at least (%)"), default=0, validators=[MaxValueValidator(100)])
    max_gender_share = models.PositiveSmallIntegerField(
        # xgettext:no-python-format (a literal percent sign, not a placeholder)
        _("one gender, at most (% of appointed members)"), default=60, validators=[MaxValueValidator(100)],
        # xgettext:no-python-format
        help_text=_("The Framework Act on Gender Equality: no gender above 60 % of appointed members."))
    minutes_deadline_days = models.PositiveSmallIntegerField(_("minutes published within (days)"), default=14)
    recommendation_due_days = models.PositiveSmallIntegerField(_("department answers recommendations within (days)"),
                                                               default=30)
    secretaries = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("secretariat"), blank=True,
                                         related_name="committee_secretariats")
    created_at = models.DateTimeField(default=timezone.now)
    dissolved_at = models.DateTimeField(_("dissolved"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "committee")
        verbose_name_plural = pgettext_lazy("model name", "committees")
        ordering = ["name"]
        indexes = [models.Index(fields=["department", "function"], name="committee_department")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_agenda_committee=True) | (Q(proposal__isnull=True) & Q(vote__isnull=True) & Q(policy="")),
                name="committee_links_only_for_agenda"),
            models.CheckConstraint(condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                                   name="committee_term_ordered"),
        ]


class OpenCall(models.Model):
    """An open call for members (공개모집): citizens apply with a statement; the department selects and
    publishes the selection with its reasons."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="open_calls")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("who is sought, and what members do"), max_length=5000)
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    category = models.CharField(_("member category"), max_length=20, choices=MemberCategory.choices,
                                default=MemberCategory.CITIZEN)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    state = models.CharField(max_length=12, choices=OpenCallState.choices, default=OpenCallState.DRAFT)
    selection_note = models.TextField(_("how the selection was made"), max_length=5000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    selected_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "open call")
        verbose_name_plural = pgettext_lazy("model name", "open calls")
        ordering = ["-opens_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                              name="open_call_window_ordered")]


class Application(models.Model):
    """A citizen's application to an open call; the department's decision comes with a reason."""

    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="committee_applications")
    statement = models.TextField(_("statement"), max_length=3000)
    state = models.CharField(max_length=12, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED)
    reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "application")
        verbose_name_plural = pgettext_lazy("model name", "applications")
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "applicant"], name="one_application_per_call")]


class CommitteeDraw(models.Model):
    """Seats filled by lot from the pool through the draw pipeline (quotas, public values, invitations,
    reserve): the draw's confirmed people become members."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="draws")
    draw = models.OneToOneField("deliberation.Draw", on_delete=models.PROTECT, related_name="committee_draw")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "committee draw")
        verbose_name_plural = pgettext_lazy("model name", "committee draws")


class Member(models.Model):
    """A member of a committee, public on its page (name, category, gender, age band, district, term,
    chair, and how they came in); no contact detail is public."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="committee_memberships")
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=MemberCategory.choices)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    route = models.CharField(_("how they came in"), max_length=12, choices=MemberRoute.choices)
    route_note = models.TextField(_("on the record"), max_length=2000, blank=True,
                                  help_text=_("Why appointed, or the selection's reason."))
    application = models.OneToOneField(Application, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="member")
    invitation = models.OneToOneField("deliberation.Invitation", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="committee_member")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "committee member")
        verbose_name_plural = pgettext_lazy("model name", "committee members")
        ordering = ["-is_chair", "name", "pk"]
        indexes = [models.Index(fields=["committee", "ended_at"], name="member_current")]
        constraints = [
            models.UniqueConstraint(fields=["committee"], condition=Q(is_chair=True, ended_at__isnull=True),
                                    name="one_chair_per_committee"),
            models.CheckConstraint(
                condition=(Q(route=MemberRoute.OPEN_CALL) & Q(application__isnull=False))
                | (Q(route=MemberRoute.LOT) & Q(invitation__isnull=False))
                | (Q(route=MemberRoute.APPOINTED) & Q(application__isnull=True) & Q(invitation__isnull=True)),
                name="member_route_has_its_record"),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A committee meeting: scheduled with an agenda, held in person, online in a live room, or both;
    minutes are due ``committee.minutes_deadline_days`` after it is held (``minutes_due_at``, stored)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveIntegerField(_("number"), help_text=_("The committee's meeting number, from 1."))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=10000, help_text=_("Markdown is allowed."))
    agenda_html = models.TextField(editable=False, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled for"))
    mode = models.CharField(_("held"), max_length=12, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    place = models.CharField(_("place"), max_length=200, blank=True)
    room = models.OneToOneField("deliberation.Room", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="committee_meeting")
    state = models.CharField(max_length=12, choices=MeetingState.choices, default=MeetingState.SCHEDULED)
    held_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), max_length=100000, blank=True, help_text=_("Markdown is allowed."))
    minutes_html = models.TextField(editable=False, blank=True)
    minutes_due_at = models.DateTimeField(null=True, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # Set when the secretariat was told the minutes are overdue (governance.meetings.tasks): once.
    minutes_overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "committee meeting")
        verbose_name_plural = pgettext_lazy("model name", "committee meetings")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "-scheduled_at"], name="meeting_committee"),
            models.Index(fields=["scheduled_at"], name="meeting_upcoming"),
            models.Index(fields=["minutes_due_at"], name="meeting_minutes_due",
                         condition=Q(state="held", minutes_published_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="meeting_number_unique"),
            models.CheckConstraint(condition=~Q(state="held") | Q(held_at__isnull=False, minutes_due_at__isnull=False),
                                   name="held_meeting_has_its_times"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes_overdue(self) -> bool:
        return (self.state == MeetingState.HELD and self.minutes_published_at is None
                and self.minutes_due_at is not None and self.minutes_due_at < timezone.now())


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ONLINE = "online", _("Present online")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = pgettext_lazy("model name", "attendance")
        verbose_name_plural = pgettext_lazy("model name", "attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]


class CommitteeRecommendation(models.Model):
    """A decision or recommendation of a committee, sent to a department's follow-up queue with a due
    date; the department's answer shows on the committee page (through ``follow_up``)."""

    class Kind(models.TextChoices):
        DECISION = "decision", pgettext_lazy("a committee's", "Decision")
        RECOMMENDATION = "recommendation", pgettext_lazy("a committee's", "Recommendation")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="recommendations")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="recommendations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RECOMMENDATION)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=10000, help_text=_("Markdown is allowed."))
    body_html = models.TextField(editable=False, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="committee_recommendations")
    follow_up = models.OneToOneField("proposals.FollowUp", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="committee_recommendation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "committee recommendation")
        verbose_name_plural = pgettext_lazy("model name", "committee recommendations")
        ordering = ["-created_at", "-pk"]


class AnnualDocument(models.Model):
    """The committee's annual operating plan or annual performance report (운영성과보고서): generated
    from the record as a draft, edited by the secretariat, then published (and then fixed)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Annual operating plan")
        REPORT = "report", _("Annual performance report")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="documents")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    figures = models.JSONField(default=dict, blank=True, help_text="the record's figures when generated")
    body = models.TextField(_("text"), max_length=50000, help_text=_("Markdown is allowed."))
    body_html = models.TextField(editable=False, blank=True)
    state = models.CharField(max_length=10, choices=DocumentState.choices, default=DocumentState.DRAFT)
    generated_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "annual document")
        verbose_name_plural = pgettext_lazy("model name", "annual documents")
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["committee", "year", "kind"], name="one_document_a_year")]


class Monitor(models.Model):
    """A pool member who volunteers to monitor how follow-up items are carried out (시민 모니터링)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monitor")
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "monitor")
        verbose_name_plural = pgettext_lazy("model name", "monitors")


class MonitorAssignment(models.Model):
    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="assignments")
    follow_up = models.ForeignKey("proposals.FollowUp", on_delete=models.CASCADE, related_name="monitor_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "monitoring assignment")
        verbose_name_plural = pgettext_lazy("model name", "monitoring assignments")
        constraints = [models.UniqueConstraint(fields=["monitor", "follow_up"], name="one_assignment_per_item")]


class MonitorRating(models.Model):
    """A monitor's rating of an item's progress with a short note; the department may reply once."""

    assignment = models.ForeignKey(MonitorAssignment, on_delete=models.CASCADE, related_name="ratings")
    follow_up = models.ForeignKey("proposals.FollowUp", on_delete=models.CASCADE, related_name="monitor_ratings")
    rating = models.CharField(_("progress"), max_length=10, choices=Rating.choices)
    note = models.CharField(_("note"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(_("the department's reply"), max_length=2000, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "monitor's rating")
        verbose_name_plural = pgettext_lazy("model name", "monitors' ratings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["follow_up", "-created_at"], name="rating_item")]


class Tally(models.Model):
    """One summary count of the dashboard: ``metric`` on ``day`` for a district and a department (empty /
    0 when the fact has none), with ``count`` facts adding up to ``total`` (days, won, people...) and an
    optional ``bucket`` (a histogram's bin, e.g. whole days to answer, for the median). Kept current by
    receivers of what the services do; ``governance.dashboard`` reconciles it from the source tables."""

    metric = models.CharField(max_length=40)
    day = models.DateField()
    district = models.CharField(max_length=20, blank=True)
    department_id = models.BigIntegerField(default=0)
    bucket = models.IntegerField(default=0)
    count = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = pgettext_lazy("model name", "dashboard tally")
        verbose_name_plural = pgettext_lazy("model name", "dashboard tallies")
        constraints = [models.UniqueConstraint(fields=["metric", "day", "district", "department_id", "bucket"],
                                               name="tally_key")]
        indexes = [models.Index(fields=["metric", "day"], name="tally_metric_day")]
