"""The deliberative poll (공론조사): the poll, its questionnaire, its panel, the two linked surveys and
the information materials. Imported at the end of models.py (app label ``deliberation``).

A panel answers the same questionnaire twice (T1 before information and deliberation, T2 after);
deliberation/deliberative_polls/survey/ computes the report, services.deliberative_polls stores the answers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.deliberative_polls.margins import SEOUL_MARGINS
from deliberation.rooms.models import Room
from deliberation.panels.models import Draw
from deliberation.deliberative_polls.states import DPollState, Stance, SurveyGroup, SurveyKind



def default_margins() -> dict:
    """Seoul's adult population by living zone, gender and age band, in shares (docs/juries.md says where from)."""
    return {attribute: dict(values) for attribute, values in SEOUL_MARGINS.items()}


class DeliberativePoll(models.Model):
    title = models.CharField(_("title"), max_length=200)
    topic = models.TextField(_("topic"), max_length=5000, blank=True)
    state = models.CharField(max_length=15, choices=DPollState.choices, default=DPollState.SETUP)
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliberative_polls",
                             verbose_name=_("draw of the panel"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliberative_polls",
                             help_text="the plenary, with its tables rounds")
    margins = models.JSONField(_("population margins"), default=default_margins, blank=True,
                               help_text=_("{attribute: {value: population share or count}}, for weighting and "
                                           "representativeness."))
    control_enabled = models.BooleanField(_("with a control sample"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deliberative poll")
        verbose_name_plural = _("deliberative polls")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    poll = models.ForeignKey(DeliberativePoll, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(_("code"), max_length=40, help_text=_("A short name for the exports, e.g. q1."))
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    options = models.JSONField(_("choices"), default=list, blank=True, help_text="single choice: the choices")
    low_label = models.CharField(_("label of the lowest value"), max_length=60, blank=True)
    high_label = models.CharField(_("label of the highest value"), max_length=60, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "survey question")
        verbose_name_plural = pgettext_lazy("model name", "survey questions")
        ordering = ["poll", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["poll", "code"], name="survey_question_code_unique")]

    def __str__(self) -> str:
        return self.text


class SurveyParticipant(models.Model):
    """A panel member (or control) of one poll; ``attributes`` are the groups read from the profile when seated."""

    poll = models.ForeignKey(DeliberativePoll, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="survey_participations")
    group = models.CharField(max_length=15, choices=SurveyGroup.choices, default=SurveyGroup.DELIBERATING)
    attributes = models.JSONField(default=dict, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "survey participant")
        verbose_name_plural = pgettext_lazy("model name", "survey participants")
        ordering = ["poll", "pk"]
        constraints = [models.UniqueConstraint(fields=["poll", "user"], condition=Q(user__isnull=False),
                                               name="one_participation_per_poll")]


class SurveyResponse(models.Model):
    """One participant's answers to one survey: wave 1 (T1) or 2 (T2), given once."""

    participant = models.ForeignKey(SurveyParticipant, on_delete=models.CASCADE, related_name="responses")
    wave = models.PositiveSmallIntegerField(choices=[(1, "T1"), (2, "T2")])
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "survey response")
        verbose_name_plural = pgettext_lazy("model name", "survey responses")
        ordering = ["participant", "wave"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "wave"], name="one_response_per_wave"),
            models.CheckConstraint(condition=Q(wave__in=[1, 2]), name="response_wave_1_or_2"),
        ]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(help_text="an int for scales, the choice's text, or yes/no")

    class Meta:
        verbose_name = pgettext_lazy("model name", "survey answer")
        verbose_name_plural = pgettext_lazy("model name", "survey answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]


class Material(models.Model):
    """Information material of a poll, for or against or background; shown once published (plain text)."""

    poll = models.ForeignKey(DeliberativePoll, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    stance = models.CharField(_("stance"), max_length=12, choices=Stance.choices)
    body = models.TextField(_("text"), max_length=20000, blank=True)
    link = models.URLField(_("link"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "information material")
        verbose_name_plural = pgettext_lazy("model name", "information materials")
        ordering = ["poll", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class StoredReport(models.Model):
    """A poll's report as computed once (services.store_dpoll_report, when the poll closes), per language
    (the weighting's error is a sentence). ``key`` is what the report was computed from
    (selectors.dpoll_report_key): the page uses the stored report only while the key still matches, so a
    change (a title, a margin) is never hidden behind an old figure."""

    poll = models.ForeignKey(DeliberativePoll, on_delete=models.CASCADE, related_name="stored_reports")
    language = models.CharField(max_length=8)
    key = models.CharField(max_length=200)
    report = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "stored report")
        verbose_name_plural = pgettext_lazy("model name", "stored reports")
        constraints = [models.UniqueConstraint(fields=["poll", "language"], name="one_stored_report_per_language")]
