"""The review's form: the finding, a yes/no per published criterion, reasons, the reviewed cost and its lines.
It parses what was typed; the services decide whether the finding holds together."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from budget.models import ProjectReview
from budget.states import ReviewCriterion

LINES = 6
_YES_NO = [("yes", pgettext_lazy("answer to a review criterion", "Yes")),
           ("no", pgettext_lazy("answer to a review criterion", "No"))]


class ReviewForm(forms.Form):
    eligible = forms.ChoiceField(label=_("Finding"), widget=forms.RadioSelect, choices=[
        ("yes", _("Eligible")), ("no", _("Not eligible"))])
    reasons = forms.CharField(label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Public on the project's page; the first sentences are its record's note."))
    reviewed_cost = forms.IntegerField(label=_("Reviewed cost (won)"), required=False, min_value=1,
                                       help_text=_("Required when the project is eligible."))

    def __init__(self, *args, review: ProjectReview | None = None, **kwargs):
        if review is not None and "initial" not in kwargs:
            initial = {"eligible": "yes" if review.eligible else "no", "reasons": review.reasons,
                       "reviewed_cost": review.reviewed_cost}
            initial.update({f"criterion_{code}": "yes" if ok else "no" for code, ok in review.criteria.items()})
            for n, line in enumerate(review.cost_lines[:LINES]):
                initial.update({f"item_{n}": line["item"], f"amount_{n}": line["amount"]})
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for code, label in ReviewCriterion.choices:
            self.fields[f"criterion_{code}"] = forms.ChoiceField(label=label, choices=_YES_NO,
                                                                 widget=forms.RadioSelect)
        for n in range(LINES):
            self.fields[f"item_{n}"] = forms.CharField(label=_("Item %(n)s") % {"n": n + 1}, max_length=200,
                                                       required=False)
            self.fields[f"amount_{n}"] = forms.IntegerField(label=_("Amount %(n)s (won)") % {"n": n + 1},
                                                            required=False, min_value=1)

    def criterion_fields(self):
        return [self[f"criterion_{code}"] for code in ReviewCriterion.values]

    def line_fields(self):
        return [(self[f"item_{n}"], self[f"amount_{n}"]) for n in range(LINES)]

    def values(self) -> dict:
        """What the services take; the lines as typed (the service drops blank rows and checks the rest)."""
        data = self.cleaned_data
        return {
            "eligible": data["eligible"] == "yes", "reasons": data["reasons"], "reviewed_cost": data["reviewed_cost"],
            "criteria": {code: data[f"criterion_{code}"] == "yes" for code in ReviewCriterion.values},
            "cost_lines": [{"item": data.get(f"item_{n}", ""), "amount": data.get(f"amount_{n}")}
                           for n in range(LINES)],
        }
