"""Forms of the account pages: the optional profile and the resident-verification search."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .districts import District
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year  # not at import time: the server may run across New Year
        field = self.fields["birth_year"]
        field.widget.attrs["max"] = year
        field.validators.append(MaxValueValidator(year))


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
