"""The room creation form and its agenda formset; they only clean input, services.create_room decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deliberation.rooms.models import Room
from deliberation.rooms.states import RoundKind, Speakers


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["title", "description", "access", "observers_allowed", "auto_advance"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class RoundForm(forms.Form):
    """One row of the agenda; the duration is typed in minutes and stored in seconds."""

    kind = forms.ChoiceField(label=_("kind"), choices=RoundKind.choices, initial=RoundKind.DISCUSSION)
    title = forms.CharField(label=_("title"), max_length=120)
    duration_minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=1, max_value=24 * 60)
    speakers = forms.ChoiceField(label=_("who may speak"), choices=Speakers.choices, initial=Speakers.QUEUE)
    chat_open = forms.BooleanField(label=_("chat open"), required=False, initial=True)
    turn_seconds = forms.IntegerField(label=_("speaking turn (seconds)"), min_value=10, max_value=3600, initial=120)

    def has_changed(self) -> bool:
        # A row counts as filled once it has a title or a duration; untouched choices and checkboxes
        # carry their initial values and should not make an empty row an error.
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in ("title", "duration_minutes"))

    def round_spec(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "title": data["title"], "duration_seconds": data["duration_minutes"] * 60,
                "speakers": data["speakers"], "chat_open": data["chat_open"], "turn_seconds": data["turn_seconds"]}


class BaseAgendaFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.rounds():
            raise ValidationError(_("An agenda needs at least one round."), code="required")

    def rounds(self) -> list[dict]:
        return [form.round_spec() for form in self.forms if form.has_changed() and form.cleaned_data]


AgendaFormSet = forms.formset_factory(RoundForm, formset=BaseAgendaFormSet, extra=3, max_num=40, validate_max=True)
