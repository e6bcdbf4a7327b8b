"""The sign-up form: allauth's, plus what Korean law asks of a public service before collecting anything.

개인정보 보호법 (PIPA): consent to collecting and using personal information after being told the items,
the purpose, the retention and the right to refuse (제15조, 제22조), optional items consented to
separately (제22조 ③), and a legal guardian's consent for a child under 14 (제22조의2). Each consent
becomes a ``Consent`` row with the version of the document agreed to (accounts/legal.py).
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import services
from .legal import GUARDIAN_CONSENT_AGE


class ConsentFields(forms.Form):
    """The consent and age fields, shared by the email sign-up and the Kakao/Naver one."""

    agree_terms = forms.BooleanField(label=_("I agree to the terms of use (required)"), required=True,
                                     error_messages={"required": _("You need to agree to the terms of use to sign up.")})
    agree_privacy = forms.BooleanField(
        label=_("I agree to the collection and use of my personal information as described above (required)"),
        required=True,
        error_messages={"required": _("You need to agree to the collection and use of your personal information "
                                      "to sign up; without it the platform cannot keep your account.")},
    )
    agree_optional = forms.BooleanField(
        label=_("I agree to the collection and use of my district, birth year and gender (optional)"),
        required=False,
    )
    age = forms.ChoiceField(
        label=_("Age"), widget=forms.RadioSelect,
        choices=[("14+", _("I am 14 or older")), ("under14", _("I am under 14 and my legal guardian agrees"))],
        error_messages={"required": _("Please say whether you are 14 or older.")},
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=60, required=False)
    guardian_contact = forms.CharField(label=_("Guardian's phone number or email"), max_length=120, required=False)
    guardian_agrees = forms.BooleanField(
        label=_("I am the legal guardian and I agree to my child's sign-up and to the collection and use of "
                "their personal information"), required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("age") == "under14":
            missing = _("Children under %(age)d need their legal guardian's consent: fill in the guardian's "
                        "name and contact and ask them to tick the box.") % {"age": GUARDIAN_CONSENT_AGE}
            for name in ("guardian_name", "guardian_contact", "guardian_agrees"):
                if not cleaned.get(name):
                    self.add_error(name, missing)
        return cleaned

    def custom_signup(self, request, user) -> None:
        super().custom_signup(request, user)
        under14 = self.cleaned_data.get("age") == "under14"
        services.record_signup_consents(
            user=user, optional_profile=bool(self.cleaned_data.get("agree_optional")),
            guardian_name=self.cleaned_data["guardian_name"].strip() if under14 else "",
            guardian_contact=self.cleaned_data["guardian_contact"].strip() if under14 else "",
        )


class SignupForm(ConsentFields, AllauthSignupForm):
    """Sign-up by email and password (ACCOUNT_FORMS["signup"])."""


if "allauth.socialaccount" in settings.INSTALLED_APPS:
    from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm

    class SocialSignupForm(ConsentFields, AllauthSocialSignupForm):
        """Sign-up through Kakao or Naver (SOCIALACCOUNT_FORMS["signup"]): the same consents, asked before the
        account exists (SOCIALACCOUNT_AUTO_SIGNUP is off, so the provider's data alone never creates one)."""
