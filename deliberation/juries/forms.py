"""The forms of the jury pages."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.models import Category, Proposal
from proposals.states import PUBLIC_STATES

from deliberation.panels.models import Draw
from deliberation.juries.models import MINORITY_MAX, QUESTION_MAX, RECOMMENDATION_MAX
from deliberation.juries.states import JuryKind, VerdictRule


class JuryForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=JuryKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    question = forms.CharField(label=gettext_lazy("The question put to the jury"), max_length=QUESTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 3}))
    size = forms.IntegerField(label=gettext_lazy("Number of jurors"), min_value=1, max_value=100,
                              help_text=gettext_lazy("A jury has 10 to 20 jurors; a conference up to 20."))
    verdict_rule = forms.ChoiceField(label=gettext_lazy("Verdict rule"), choices=VerdictRule.choices,
                                     help_text=gettext_lazy("Set in advance; it cannot change once the jury exists."))
    options = forms.CharField(label=gettext_lazy("Options of a ranked verdict"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy("One a line."))
    proposal = forms.IntegerField(label=gettext_lazy("Number of the proposal it answers"), required=False,
                                  min_value=1)
    category = forms.ModelChoiceField(label=gettext_lazy("Category of the proposal the recommendation creates"),
                                      queryset=None, required=False)
    draw = forms.ModelChoiceField(label=gettext_lazy("The draw that chose the panel"), queryset=None,
                                  required=False, help_text=gettext_lazy("For the record; jurors are seated below."))
    briefing = forms.IntegerField(label=gettext_lazy("Briefing (minutes)"), min_value=1, max_value=600, initial=20)
    testimony = forms.IntegerField(label=gettext_lazy("Expert testimony (minutes)"), min_value=1, max_value=600,
                                   initial=60)
    questions = forms.IntegerField(label=gettext_lazy("Jurors' questions (minutes)"), min_value=1, max_value=600,
                                   initial=40)
    deliberation = forms.IntegerField(label=gettext_lazy("Private deliberation (minutes)"), min_value=1,
                                      max_value=600, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["draw"].queryset = Draw.objects.filter(state=Draw.State.DRAWN).order_by("-drawn_at")

    def clean_proposal(self):
        number = self.cleaned_data.get("proposal")
        if number is None:
            return None
        proposal = Proposal.objects.filter(pk=number, state__in=PUBLIC_STATES).first()
        if proposal is None:
            raise ValidationError(_("There is no public proposal with this number."))
        return proposal


class PersonForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The person's email address"))

    def clean_email(self):
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise ValidationError(_("No account has this email address."))
        return user


class DraftForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Draft recommendation"), max_length=RECOMMENDATION_MAX,
                           widget=forms.Textarea(attrs={"rows": 12}))


class MinorityForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your minority opinion"), max_length=MINORITY_MAX,
                           widget=forms.Textarea(attrs={"rows": 8}))
    signed = forms.BooleanField(label=gettext_lazy("Publish it with my name"), required=False)
