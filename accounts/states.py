"""The resident-verification request's lifecycle as data: its states and the one table of allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


TRANSITIONS = {
    VerificationState.PENDING: {VerificationState.APPROVED, VerificationState.REFUSED},
    VerificationState.APPROVED: set(),
    VerificationState.REFUSED: set(),
}
