"""The forms of a citizen's budget project: its text, the answer to the review, the list's filters.

The forms only parse; what the cycle takes (cost limits, fields, district, coordinates) is checked by
``services`` so that every caller gets the same refusal."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.districts import District
from budget.models import BudgetCycle
from budget.states import PUBLIC_PROJECT_STATES, AnswerKind, ProjectState

COORDINATE_PLACES = Decimal("0.000001")


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160,
                            help_text=_("Say in one line what the money would do, e.g. benches in a park."))
    description = forms.CharField(
        label=_("Description"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The problem, your idea and how it would be carried out. Markdown is allowed: **bold**, "
                    "lists starting with “- ”, and links."))
    field = forms.ModelChoiceField(label=_("Field"), queryset=None, empty_label=_("Choose a field"),
                                   required=False,
                                   error_messages={"invalid_choice": _("This cycle does not take projects in "
                                                                       "that field.")})
    district = forms.ChoiceField(label=_("District"), required=False,
                                 choices=[("", _("Citywide"))] + list(District.choices))
    location = forms.CharField(label=_("Place"), max_length=200, required=False,
                               help_text=_("Where the project would be, e.g. the name of a park or a street."))
    latitude = forms.DecimalField(label=_("Latitude"), required=False,
                                  widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                                  help_text=_("Optional: both or neither, in decimal degrees (Seoul City Hall "
                                               "is 37.5663, 126.9779). A map app shows them for a place."))
    longitude = forms.DecimalField(label=_("Longitude"), required=False,
                                   widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    estimated_cost = forms.IntegerField(label=_("Estimated cost (won)"), required=False,
                                        widget=forms.NumberInput(attrs={"step": "1", "inputmode": "numeric"}))
    beneficiaries = forms.CharField(label=_("Who benefits"), max_length=300, required=False,
                                    help_text=_("e.g. children and parents who use the playground."))

    def __init__(self, *args, cycle: BudgetCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = cycle.fields.all()
        self.fields["estimated_cost"].help_text = _("Whole won, from %(min)s to %(max)s.") % {
            "min": f"{cycle.cost_min:,}", "max": f"{cycle.cost_max:,}"}
        if cycle.district:
            self.fields["district"].choices = [(cycle.district, cycle.get_district_display())]
            self.fields["district"].initial = cycle.district
            self.fields["district"].help_text = _("This cycle is for one district only.")
            self.fields["district"].error_messages["invalid_choice"] = _("This cycle is for %(district)s only.") % {
                "district": cycle.get_district_display()}

    def _coordinate(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and value.is_finite() and abs(value) <= 1000:
            return value.quantize(COORDINATE_PLACES)
        return value  # out of range: the service says so

    def clean_latitude(self):
        return self._coordinate("latitude")

    def clean_longitude(self):
        return self._coordinate("longitude")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional, shown on the public record)"), required=False,
                             max_length=1000)


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your answer"), choices=AnswerKind.choices, widget=forms.RadioSelect)
    body = forms.CharField(label=_("What you want to say"), max_length=3000, required=False,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Required when you clarify; published on the project's page."))


class ProjectFilterForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False,
                                 choices=[("", _("All districts"))] + list(District.choices))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states"))] + [(s, ProjectState(s).label)
                                                                   for s in PUBLIC_PROJECT_STATES])

    def __init__(self, *args, cycle: BudgetCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields"))] + [(f.slug, f.display_name)
                                                                   for f in cycle.fields.all()]

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
