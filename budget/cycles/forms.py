"""The cycle's form: its fields and widgets from the model; the rules of a good calendar are the services'."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from budget.cycles.services import CALENDAR, IDENTITY
from budget.models import BudgetCycle, BudgetField

FIELDS = ["year", "district", "slug", "title", "description", "total_budget", "cost_min", "cost_max", "fields",
          "committee", *CALENDAR, "execution_due_on", "answer_days", "budget_rule", "score_min", "score_max",
          "scoring_method", "school_sessions_required"]
_LOCAL = "%Y-%m-%dT%H:%M"


class CycleForm(forms.Form):
    """A plain form (not a ModelForm): the services check the cycle in the calendar's order and say why in
    Korean; a ModelForm would check the model's constraints first, in their own words."""

    def __init__(self, *args, cycle: BudgetCycle | None = None, **kwargs):
        if cycle is not None and "initial" not in kwargs:
            kwargs["initial"] = {**{name: getattr(cycle, name) for name in FIELDS if name != "fields"},
                                 "fields": list(cycle.fields.all())}
        super().__init__(*args, **kwargs)
        widgets = {name: forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL) for name in CALENDAR}
        widgets["execution_due_on"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        widgets["fields"] = forms.CheckboxSelectMultiple
        widgets["description"] = forms.Textarea(attrs={"rows": 6})
        widgets["scoring_method"] = forms.Textarea(attrs={"rows": 4})
        self.fields.update(fields_for_model(BudgetCycle, fields=FIELDS, widgets=widgets))
        self.fields["fields"].queryset = BudgetField.objects.select_related("department")
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave empty for “<year>-seoul” or “<year>-<district>”.")
        self.fields["committee"].required = False
        self.fields["district"].choices = [("", _("City-wide")), *self.fields["district"].choices[1:]]
        if cycle is not None and cycle.stage != "draft":
            for name in IDENTITY:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the cycle is announced.")

    def values(self) -> dict:
        """The cleaned values as the services take them (``fields`` apart)."""
        values = dict(self.cleaned_data)
        values["slug"] = values.get("slug") or ""
        values["district"] = values.get("district") or ""
        return {k: v for k, v in values.items() if k != "fields"}
