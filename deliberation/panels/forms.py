"""The forms of the pool, draw and invitation pages."""

from django import forms
from django.utils.translation import gettext_lazy

from deliberation.panels.models import ALGORITHM_LABELS, Pool, PoolAttribute
from deliberation.panels.sortition import ALGORITHMS


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
    algorithm = forms.ChoiceField(label=gettext_lazy("Algorithm"), choices=[(a, ALGORITHM_LABELS.get(a, a)) for a in ALGORITHMS])


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
