"""The legal documents a person agrees to, and the version of each: the one place a version changes.

Raise a document's version when its text changes in substance (what is collected, why, how long, who
receives it). Each ``Consent`` row keeps the version that was agreed to, so a later change can ask
people again without losing what they agreed to before. The texts themselves are the pages
``/privacy/``, ``/terms/`` and the consent boxes of the sign-up form (frontend/templates/frontend/legal/,
accounts/templates/account/signup.html).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The age under which a guardian's consent is required (개인정보 보호법 제22조의2).
GUARDIAN_CONSENT_AGE = 14


class ConsentKind(models.TextChoices):
    PRIVACY = "privacy", _("Collection and use of personal information (required)")
    TERMS = "terms", _("Terms of use (required)")
    OPTIONAL_PROFILE = "optional_profile", _("Optional profile information")
    GUARDIAN = "guardian", _("Guardian's consent (under 14)")


DOCUMENT_VERSIONS = {
    ConsentKind.PRIVACY: "2026-12-03",
    ConsentKind.TERMS: "2026-12-03",
    ConsentKind.OPTIONAL_PROFILE: "2026-12-03",
    ConsentKind.GUARDIAN: "2026-12-03",
}

# Consents a person cannot withdraw while keeping the account (withdrawing them is deleting the account).
REQUIRED_KINDS = (ConsentKind.PRIVACY, ConsentKind.TERMS)
# Kinds a person may withdraw from the profile page, and what withdrawing clears.
WITHDRAWABLE_KINDS = (ConsentKind.OPTIONAL_PROFILE,)
# The profile fields that may be stored only under the optional consent.
OPTIONAL_PROFILE_FIELDS = ("district", "birth_year", "gender")
