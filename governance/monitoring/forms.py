"""The forms of citizen monitoring: a rating, the department's reply, an assignment, the overview's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import Monitor
from governance.states import Rating

from . import selectors
from .services import NOTE_MAX, REPLY_MAX


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("How is the work going?"), choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Your note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What you saw, where and when. Public, under your display name."))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("The department's reply"), max_length=REPLY_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Public, beside the rating. One reply per rating."))


class MonitorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, monitor: Monitor) -> str:
        return f"{monitor.user.public_name} ({monitor.load})"


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item) -> str:
        return f"{item.title} · {item.department.display_name} ({item.watchers})"


class AssignForm(forms.Form):
    monitor = MonitorChoiceField(label=_("Monitor (items followed)"), queryset=Monitor.objects.none())
    follow_up = ItemChoiceField(label=_("Item (monitors on it)"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monitor"].queryset = selectors.monitors_with_load()
        self.fields["follow_up"].queryset = selectors.assignable_items()


class FilterForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False,
                                        empty_label=_("All departments"))
    rating = forms.ChoiceField(label=_("Latest rating"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.monitored_departments()
        self.fields["rating"].choices = [("", _("Any rating")), *Rating.choices, ("none", _("Not rated yet"))]
