"""The execution report's form: only parses; the rules are the service's (services.check_report)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budget.states import ExecutionStage


class ReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Date of the report"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("Money spent since the last report (won)"), min_value=0,
                                help_text=_("Whole won; 0 when nothing was paid since the last report."))
    stage = forms.ChoiceField(label=_("Stage reached"),
                              choices=[c for c in ExecutionStage.choices if c[0] != ExecutionStage.NOT_STARTED])
    progress_percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Published on the project's page and in the department's follow-up."))

    def __init__(self, *args, project=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("reported_on", timezone.localdate())
        initial.setdefault("amount", 0)
        if project is not None:
            if project.execution_stage != ExecutionStage.NOT_STARTED:
                initial.setdefault("stage", project.execution_stage)
        super().__init__(*args, **kwargs)
