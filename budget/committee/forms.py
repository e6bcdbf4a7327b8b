"""The budget committee's forms: school sessions and attendance, the committee's draw, a sub-committee,
its members, a score, a shortlist. They parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role, User
from budget.models import SchoolSession


class SessionForm(forms.ModelForm):
    class Meta:
        model = SchoolSession
        fields = ["title", "held_on", "place"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}


class AttendanceForm(forms.Form):
    """Who attended one session: people chosen from a search of the pool, or a pasted list of emails."""

    session = forms.ModelChoiceField(label=pgettext_lazy("budget school session", "Session"), queryset=SchoolSession.objects.none())
    users = forms.ModelMultipleChoiceField(
        label=_("People found"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(pool_memberships__pool__standing=True, pool_memberships__active=True))
    emails = forms.CharField(label=_("Or paste their email addresses"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("One a line, or separated by commas."))

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = cycle.school_sessions.all()

    def clean(self):
        data = super().clean()
        if not data.get("users") and not (data.get("emails") or "").strip():
            raise forms.ValidationError(_("Choose people from the search or paste their email addresses."))
        return data


class CommitteeDrawForm(forms.Form):
    size = forms.IntegerField(label=_("Seats to draw"), min_value=1, max_value=1000)
    quotas = forms.CharField(label=_("Quotas (QUOTAS.csv)"), widget=forms.Textarea(attrs={"rows": 6}),
                             help_text=_("One line per value: feature,value,min,max."))


class SubCommitteeForm(forms.Form):
    field = forms.ModelChoiceField(label=pgettext_lazy("budget field", "Field"), queryset=None)
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator of its live room"), required=False,
        queryset=User.objects.filter(role__in=[Role.FACILITATOR, Role.ADMIN], is_active=True).order_by("display_name"),
        help_text=_("Leave empty to run the room yourself."))

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        taken = cycle.sub_committees.values_list("field_id", flat=True)
        self.fields["field"].queryset = cycle.fields.exclude(pk__in=taken)


class MembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].label_from_instance = lambda m: m.name


class ShortlistForm(forms.Form):
    reasons = forms.CharField(label=_("The sub-committee's reasons"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}))
