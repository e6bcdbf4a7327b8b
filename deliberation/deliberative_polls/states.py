"""The deliberative poll's lifecycle as data, and the kinds of its questionnaire."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DPollState(models.TextChoices):
    """A deliberative poll's life: T1 before anything is shown, deliberation, T2, then the report."""

    SETUP = "setup", _("Being prepared")
    T1_OPEN = "t1_open", _("First survey (T1) open")
    DELIBERATING = "deliberating", _("Information and deliberation")
    T2_OPEN = "t2_open", _("Second survey (T2) open")
    CLOSED = "closed", _("Closed: the report is being checked")
    PUBLISHED = "published", _("Report published")


# Strictly forward: a survey once closed is never reopened, so T1 answers are all given before any
# material or discussion and T2 answers all after (deliberation.deliberative_polls.services.move_poll).
DPOLL_TRANSITIONS: dict[str, set[str]] = {
    DPollState.SETUP: {DPollState.T1_OPEN},
    DPollState.T1_OPEN: {DPollState.DELIBERATING},
    DPollState.DELIBERATING: {DPollState.T2_OPEN},
    DPollState.T2_OPEN: {DPollState.CLOSED},
    DPollState.CLOSED: {DPollState.PUBLISHED},
    DPollState.PUBLISHED: set(),
}
# The state in which each survey (wave) takes answers.
WAVE_OPEN_STATE = {1: DPollState.T1_OPEN, 2: DPollState.T2_OPEN}
# The states in which people are seated: after T1 closes, a newcomer could never answer T1.
SEATING_STATES = (DPollState.SETUP, DPollState.T1_OPEN)


class SurveyGroup(models.TextChoices):
    DELIBERATING = "deliberating", _("Deliberating panel")
    CONTROL = "control", _("Control sample")


class SurveyKind(models.TextChoices):
    """The kinds deliberation.deliberative_polls.survey.questions knows (same codes)."""

    LIKERT5 = "likert5", _("Agreement, 1 to 5")
    LIKERT7 = "likert7", _("Agreement, 1 to 7")
    SCALE10 = "scale10", _("Scale, 0 to 10")
    CHOICE = "choice", _("Single choice")
    YESNO = "yesno", _("Yes or no")


class Stance(models.TextChoices):
    PRO = "pro", _("For")
    CON = "con", _("Against")
    BACKGROUND = "background", _("Background")
