"""The committees' forms: they parse what was typed; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.demographics import AGE_BANDS
from accounts.districts import District
from accounts.models import Department, Gender
from deliberation.panels.forms import ALGORITHM_CHOICES
from proposals.models import Proposal
from voting.models import Vote

from governance.models import Committee, OpenCall
from governance.states import MemberCategory

# Addresses the pages under /committees/ use; a committee cannot take them as its address.
RESERVED_SLUGS = {"new", "applications", "calls", "members", "draws"}


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CommitteeForm(forms.ModelForm):
    proposal = forms.ModelChoiceField(Proposal.objects.all(), required=False, widget=forms.NumberInput,
                                      label=_("proposal (number)"),
                                      help_text=_("For an agenda committee formed for a proposal: its number."))
    vote = forms.ModelChoiceField(Vote.objects.all(), required=False, widget=forms.NumberInput,
                                  label=_("vote (number)"),
                                  help_text=_("For an agenda committee formed for a vote: its number."))
    secretary_emails = forms.CharField(
        label=_("secretariat (email addresses)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address a line: these people may manage the committee. Never shown in public."))

    class Meta:
        model = Committee
        fields = ["name", "name_en", "slug", "legal_status", "function", "department", "mandate", "legal_basis",
                  "term_start", "term_end", "size", "is_agenda_committee", "proposal", "vote", "policy",
                  "min_citizen_share", "max_gender_share", "minutes_deadline_days", "recommendation_due_days"]
        widgets = {"term_start": DateInput, "term_end": DateInput, "mandate": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["secretary_emails"] = "\n".join(self.instance.secretaries.values_list("email", flat=True))
        if user is not None and not (user.is_staff or user.is_city_admin):
            # An officer chooses their own department; a secretary keeps the committee's.
            allowed = {user.department_id if user.is_officer else None, self.instance.department_id}
            self.fields["department"].queryset = Department.objects.filter(pk__in=allowed - {None})

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is taken by a page of the site; choose another."))
        return slug

    def clean_secretary_emails(self):
        emails = [line.strip().lower() for line in self.cleaned_data["secretary_emails"].replace(",", "\n").split()
                  if line.strip()]
        users = list(get_user_model().objects.filter(email__in=emails, deleted_at__isnull=True))
        unknown = sorted(set(emails) - {u.email for u in users})
        if unknown:
            raise forms.ValidationError(_("No account has these addresses: %(emails)s.")
                                        % {"emails": ", ".join(unknown)})
        return users

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        secretaries = data.pop("secretary_emails")
        return {"secretaries": secretaries, **{name: data[name] for name in self.Meta.fields}}


class AppointForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    category = forms.ChoiceField(label=_("category"), choices=MemberCategory.choices)
    gender = forms.ChoiceField(label=_("gender"), choices=Gender.choices)
    age_band = forms.ChoiceField(label=_("age band"), required=False,
                                 choices=[("", _("Not given"))] + [(label, label) for _lowest, label in AGE_BANDS[1:]])
    district = forms.ChoiceField(label=_("district"), required=False, choices=[("", _("Not given"))] + District.choices)
    term_start = forms.DateField(label=_("term starts"), required=False, widget=DateInput,
                                 help_text=_("Empty: today, or the committee's term start if later."))
    term_end = forms.DateField(label=_("term ends"), required=False, widget=DateInput,
                               help_text=_("Empty: the committee's term end."))
    reason = forms.CharField(label=_("why this person is appointed"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Published with the membership."))


class EndMembershipForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, help_text=_("Published on the committee page."))


class OpenCallForm(forms.ModelForm):
    class Meta:
        model = OpenCall
        fields = ["title", "description", "seats", "category", "opens_at", "closes_at"]
        widgets = {"opens_at": DateTimeInput, "closes_at": DateTimeInput,
                   "description": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data


class ApplyForm(forms.Form):
    statement = forms.CharField(
        label=_("statement"), min_length=20, max_length=3000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you bring to the committee and why you want to serve (20 to 3,000 characters). "
                    "The department reads it; it is not published."))


DECISIONS = [("", _("Choose")), ("selected", pgettext_lazy("an application", "Selected")),
             ("not_selected", pgettext_lazy("an application", "Not selected"))]


class SelectionForm(forms.Form):
    """One decision and reason per application waiting for one, and the call's selection note."""

    note = forms.CharField(label=_("how the selection was made"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Published with the selection."))

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for application in self.applications:
            self.fields[f"decision_{application.pk}"] = forms.ChoiceField(label=_("decision"), choices=DECISIONS)
            self.fields[f"reason_{application.pk}"] = forms.CharField(
                label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Published for the selected; told to the applicant otherwise."))

    def rows(self):
        return [(a, self[f"decision_{a.pk}"], self[f"reason_{a.pk}"]) for a in self.applications]

    def decisions(self) -> dict:
        return {a.pk: (self.cleaned_data[f"decision_{a.pk}"] == "selected", self.cleaned_data[f"reason_{a.pk}"])
                for a in self.applications}


class CommitteeDrawForm(forms.Form):
    algorithm = forms.ChoiceField(label=_("Algorithm"), choices=ALGORITHM_CHOICES)
    size = forms.IntegerField(label=_("seats to draw"), min_value=1, max_value=500)
    quotas = forms.CharField(
        label=_("quotas (CSV)"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("feature,value,min,max lines, as on the draws page, e.g. gender,female,2,3."))
