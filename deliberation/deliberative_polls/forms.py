"""The forms of the deliberative poll's pages."""

from django import forms
from django.utils.translation import gettext_lazy

from deliberation.deliberative_polls.states import Stance, SurveyGroup, SurveyKind
from deliberation.panels.models import Draw


class PollForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    topic = forms.CharField(label=gettext_lazy("Topic"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    control_enabled = forms.BooleanField(label=gettext_lazy("With a control sample that does not deliberate"),
                                         required=False)


class QuestionForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    text = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SurveyKind.choices)
    options = forms.CharField(label=gettext_lazy("Choices (single choice: one a line)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    low_label = forms.CharField(label=gettext_lazy("Label of the lowest value"), max_length=60, required=False)
    high_label = forms.CharField(label=gettext_lazy("Label of the highest value"), max_length=60, required=False)


class MarginsForm(forms.Form):
    margins = forms.JSONField(label=gettext_lazy("Population margins (JSON)"),
                              widget=forms.Textarea(attrs={"rows": 8}))


class MaterialForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    stance = forms.ChoiceField(label=gettext_lazy("Stance"), choices=Stance.choices)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    link = forms.URLField(label=gettext_lazy("Link"), required=False, assume_scheme="https")


class ParticipantsForm(forms.Form):
    emails = forms.CharField(label=gettext_lazy("Email addresses, one a line"),
                             widget=forms.Textarea(attrs={"rows": 4}))
    group = forms.ChoiceField(label=gettext_lazy("Group"), choices=SurveyGroup.choices)


class SeatDrawForm(forms.Form):
    draw = forms.ModelChoiceField(label=gettext_lazy("A drawn panel"), empty_label=None,
                                  queryset=Draw.objects.filter(state=Draw.State.DRAWN))


class ControlForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("With a control sample that does not deliberate"),
                                 required=False)
