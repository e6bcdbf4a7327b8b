"""The forms of the meeting pages: they parse what was typed; the services decide."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, Role, User
from governance.models import AnnualDocument, Attendance, CommitteeRecommendation
from governance.states import MeetingMode

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                             help_text=_("Markdown is allowed. The agenda is public."))
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput(),
                                       input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"])
    mode = forms.ChoiceField(label=pgettext_lazy("how a meeting is held", "Held"), choices=MeetingMode.choices,
                             widget=forms.RadioSelect, initial=MeetingMode.IN_PERSON)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Needed for a meeting held in person."))
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator of the live room"), required=False, queryset=User.objects.none(),
        help_text=_("For an online or hybrid meeting: who runs its live room (you, if you run rooms)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = User.objects.filter(
            Q(role__in=[Role.FACILITATOR, Role.ADMIN]) | Q(is_superuser=True), is_active=True).order_by("display_name")
        self.fields["facilitator"].label_from_instance = lambda user: user.public_name


class HoldForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held on"), required=False, widget=LocalDateTimeInput(),
                                  input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
                                  help_text=_("Leave empty for now."))

    def clean_held_at(self):
        value = self.cleaned_data["held_at"]
        if value is not None and value > timezone.now():
            raise forms.ValidationError(_("A meeting is recorded as held once it has taken place."))
        return value


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=300,
                             help_text=_("Shown on the meeting's page."))


class AttendanceForm(forms.Form):
    """One choice per member: present, online, excused, absent (or not recorded)."""

    def __init__(self, *args, members=(), initial_statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_statuses = initial_statuses or {}
        choices = [("", _("Not recorded")), *Attendance.Status.choices]
        self.members = list(members)
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.name, choices=choices, required=False, initial=initial_statuses.get(member.pk, ""))

    def statuses(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data.get(f"member_{member.pk}", "") for member in self.members}

    def rows(self):
        return [(member, self[f"member_{member.pk}"]) for member in self.members]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=pgettext_lazy("record of a meeting", "Minutes"), max_length=100000, widget=forms.Textarea(attrs={"rows": 16}),
                              help_text=_("Markdown is allowed. Once published, the minutes are public and fixed."))


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitteeRecommendation.Kind.choices,
                             initial=CommitteeRecommendation.Kind.RECOMMENDATION)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Markdown is allowed."))
    department = forms.ModelChoiceField(label=_("Department that answers"), queryset=Department.objects.all())

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committee is not None and not self.is_bound:
            self.fields["department"].initial = committee.department_id
        self.fields["department"].label_from_instance = lambda d: d.display_name


class GenerateDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=AnnualDocument.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class DocumentForm(forms.Form):
    body = forms.CharField(label=_("Text"), max_length=50000, widget=forms.Textarea(attrs={"rows": 24}),
                           help_text=_("Markdown is allowed. Once published, the document is fixed."))
