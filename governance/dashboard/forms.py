"""The dashboard's filters: a year, or a date range, and a district; a bad value is a clear message."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import DISTRICTS, Period

MAX_RANGE_DAYS = 366 * 10
FIRST_YEAR = 2000


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=2100)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    district = forms.ChoiceField(label=_("District"), required=False,
                                 choices=[("", _("All of Seoul"))] + DISTRICTS)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if (start is None) != (end is None):
            raise ValidationError(_("Give both dates of the period (from and to), or a year."), code="half_range")
        if start and end:
            if end < start:
                raise ValidationError(_("The period ends before it starts."), code="reversed")
            if (end - start).days > MAX_RANGE_DAYS:
                raise ValidationError(_("The period may be at most ten years long."), code="too_long")
        return data

    def period(self) -> Period:
        """The period asked for (call after is_valid()): the dates, else the year, else this year."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        return Period.of_year(data.get("year") or timezone.localdate().year)

    def chosen_district(self) -> str:
        return self.cleaned_data.get("district") or ""


def default_period() -> Period:
    return Period.of_year(timezone.localdate().year)
