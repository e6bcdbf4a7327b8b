"""Forms of the account pages: the profile, resident verification (request, search, answer), deleting an account."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .districts import District
from .legal import OPTIONAL_PROFILE_FIELDS
from .models import Gender


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), max_length=40, required=False,
        help_text=_("Shown next to what you write. Leave it empty to appear as “Citizen” and a number."),
    )
    district = forms.ChoiceField(label=_("District you live in"), required=False,
                                 choices=[("", _("Prefer not to say"))] + list(District.choices))
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", _("Prefer not to say"))] + list(Gender.choices))
    email_notifications = forms.BooleanField(
        label=_("Email me when something happens to proposals I wrote or supported"), required=False
    )
    optional_consent = forms.BooleanField(
        label=_("I agree to the collection and use of my district, birth year and gender (optional)"),
        required=False,
        help_text=_("Used only in aggregate statistics and to draw balanced citizen panels; kept until you "
                    "withdraw this consent or delete your account."),
    )

    def __init__(self, *args, has_optional_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_optional_consent = has_optional_consent
        if has_optional_consent:
            del self.fields["optional_consent"]
        year = timezone.localdate().year  # not at import time: the server may run across New Year
        field = self.fields["birth_year"]
        field.widget.attrs["max"] = year
        field.validators.append(MaxValueValidator(year))

    def clean(self):
        cleaned = super().clean()
        filled = [name for name in OPTIONAL_PROFILE_FIELDS if cleaned.get(name) not in (None, "")]
        if filled and not self.has_optional_consent and not cleaned.get("optional_consent"):
            self.add_error("optional_consent", _("To save district, birth year or gender, tick this box; "
                                                 "or leave those fields empty."))
        return cleaned


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by email"), required=False, max_length=254)
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("unverified", _("Waiting for verification")), ("verified", _("Verified residents")),
    ])


class PublicProfileForm(forms.Form):
    """What the person publishes on their profile page; every box starts unticked (the minimum)."""

    profile_public = forms.BooleanField(
        label=_("Publish a profile page with my display name"), required=False,
        help_text=_("Off: nobody but you can open your profile page, and your name links nowhere."))
    profile_handle = forms.CharField(
        label=_("Profile address (optional)"), max_length=30, required=False,
        help_text=_("Lower-case Latin letters, digits and hyphens, e.g. seoul-walker; without it your page "
                    "has a number as its address."))
    profile_shows_proposals = forms.BooleanField(label=_("Show my public proposals"), required=False)
    profile_shows_comments = forms.BooleanField(label=_("Show my comments on public proposals"), required=False)
class VerificationRequestForm(forms.Form):
    district = forms.ChoiceField(label=_("District you live in"), choices=[("", "---------")] + list(District.choices))
    note = forms.CharField(
        label=_("Note for the moderator (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example how you can show where you live (a neighbourhood meeting you attend). "
                    "Do not write your resident registration number."),
    )


class VerificationAnswerForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason (required to refuse)"), required=False, max_length=1000)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
