"""The forms of the pool, draw and invitation pages."""

from django import forms
from django.utils.translation import gettext_lazy

from deliberation.panels.models import ALGORITHM_LABELS, Pool, PoolAttribute
from deliberation.panels.sortition.pool import Quota

# What staff choose; maximin runs over profiles, or person by person with the household check (the draw's
# page says which ran and why).
ALGORITHM_CHOICES = [(algorithm, ALGORITHM_LABELS[algorithm]) for algorithm in ("maximin", "legacy")]


def households_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("One person per household (optional)"), max_length=200, required=False,
        help_text=gettext_lazy("The address columns of PEOPLE.csv, separated by commas (e.g. address,postcode): "
                               "at most one person with the same values is drawn. Empty: no household check."))


class DrawForm(forms.Form):
    pool = forms.ModelChoiceField(label=gettext_lazy("Pool"), queryset=Pool.objects.order_by("-standing", "-pk"),
                                  empty_label=None, required=False,
                                  help_text=gettext_lazy("The standing pool unless another is chosen."))
    title = forms.CharField(label=gettext_lazy("What the panel is for"), max_length=200)
    size = forms.IntegerField(label=gettext_lazy("Panel size"), min_value=1, max_value=5000)
    quotas = forms.CharField(
        label=gettext_lazy("Quotas (QUOTAS.csv)"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("One line per attribute value: feature,value,min,max, after the header line "
                               "feature,value,min,max (the Sortition Foundation's layout)."))
    algorithm = forms.ChoiceField(label=gettext_lazy("Algorithm"), choices=ALGORITHM_CHOICES)
    households = households_field()


class ImportForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the pool"), max_length=160)
    file = forms.FileField(label=gettext_lazy("People (PEOPLE.csv)"),
                           help_text=gettext_lazy("The Sortition Foundation's layout: the person's id in the first "
                                                  "column, one column per attribute."))


class SendForm(forms.Form):
    deadline_at = forms.DateTimeField(
        label=gettext_lazy("Answer by (Asia/Seoul)"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("A reserve person asked later gets a window of the same length from then."))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why the member drops out"), max_length=500)


class VolunteerForm(forms.Form):
    """One choice per attribute the admin defined; the profile gives the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attribute in PoolAttribute.objects.all():
            self.fields[attribute.code] = forms.ChoiceField(label=attribute.label, choices=attribute.choices(),
                                                            widget=forms.RadioSelect)


class QuotaGridForm(forms.Form):
    """The draw's inputs with its quotas typed attribute by attribute (each value's min and max), for staff who
    do not write QUOTAS.csv; ``quotas()`` gives the same Quota rows the CSV would, so the draw is unchanged.

    Fields are numbered (``use_<i>``, ``min_<i>_<j>``, ``max_<i>_<j>``) after ``attributes`` (the pool's
    AttributeCounts), so a value's text never becomes a field name.
    """

    title = forms.CharField(label=gettext_lazy("What the panel is for"), max_length=200)
    size = forms.IntegerField(label=gettext_lazy("Panel size"), min_value=1, max_value=5000)
    algorithm = forms.ChoiceField(label=gettext_lazy("Algorithm"), choices=ALGORITHM_CHOICES)
    households = households_field()

    def __init__(self, *args, attributes, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributes = attributes
        for i, attribute in enumerate(attributes):
            self.fields[f"use_{i}"] = forms.BooleanField(
                label=gettext_lazy("Use “%(attribute)s” in the quotas") % {"attribute": attribute.label},
                required=False)
            for j, (_value, label, _count) in enumerate(attribute.values):
                for bound in ("min", "max"):
                    self.fields[f"{bound}_{i}_{j}"] = forms.IntegerField(
                        label=(gettext_lazy("Minimum: %(value)s") if bound == "min"
                               else gettext_lazy("Maximum: %(value)s")) % {"value": label},
                        min_value=0, max_value=5000, required=False,
                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "quota-input"}))

    def grid(self) -> list[dict]:
        """The attributes with their bound fields, for the template's tables."""
        return [{"attribute": attribute, "use": self[f"use_{i}"],
                 "rows": [{"value": value, "label": label, "count": count,
                           "share": round(100 * count / attribute.total) if attribute.total else 0,
                           "min": self[f"min_{i}_{j}"], "max": self[f"max_{i}_{j}"]}
                          for j, (value, label, count) in enumerate(attribute.values)]}
                for i, attribute in enumerate(self.attributes)]

    def clean(self):
        data = super().clean()
        used = [i for i in range(len(self.attributes)) if data.get(f"use_{i}")]
        if not used:
            raise forms.ValidationError(gettext_lazy("Choose at least one attribute for the quotas."))
        for i in used:
            attribute = self.attributes[i]
            if attribute.blank:
                self.add_error(f"use_{i}", gettext_lazy(
                    "%(n)s people in the pool have no “%(attribute)s”; leave it out of the quotas or complete "
                    "their data first.") % {"n": attribute.blank, "attribute": attribute.label})
            for j, (_value, _label, _count) in enumerate(attribute.values):
                low, high = data.get(f"min_{i}_{j}"), data.get(f"max_{i}_{j}")
                if low is None:
                    self.add_error(f"min_{i}_{j}", gettext_lazy("Give a minimum (0 for none)."))
                if high is None:
                    self.add_error(f"max_{i}_{j}", gettext_lazy("Give a maximum."))
                if low is not None and high is not None and low > high:
                    self.add_error(f"max_{i}_{j}", gettext_lazy("The maximum is below the minimum."))
        return data

    def quotas(self) -> list[Quota]:
        data = self.cleaned_data
        return [Quota(attribute.code, value, data[f"min_{i}_{j}"], data[f"max_{i}_{j}"])
                for i, attribute in enumerate(self.attributes) if data.get(f"use_{i}")
                for j, (value, _label, _count) in enumerate(attribute.values)]
