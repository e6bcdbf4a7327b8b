"""Forms of the proposal pages: they parse and check the shape of input; services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.districts import District
from frontend.forms import add_service_errors  # noqa: F401 (views import it from here)

from .models import BODY_MAX, COMMENT_MAX, REASON_MAX, TITLE_MAX, Category
from .selectors import search_terms
from .states import PUBLIC_STATES, Scope, State, Verdict

BLANK = [("", _("All"))]


class ProposalFilterForm(forms.Form):
    """The listing's search box and filters (GET); unknown values are ignored rather than refused."""

    SORTS = [
        ("relevance", _("Best match")), ("newest", _("Newest")), ("supported", _("Most supported")),
        ("closing", _("Closing soon")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False, choices=BLANK + list(District.choices))
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=BLANK + [(s.value, s.label) for s in State if s in PUBLIC_STATES],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = BLANK + [(c.code, c.display_name) for c in Category.objects.all()]

    def filter_values(self) -> dict:
        """The valid filters only; an invalid value (an old link, a typo) falls back to "all"."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})  # an unbound form (no GET parameters) has none
        data = {name: cleaned.get(name, "") for name in ("q", "category", "district", "state", "sort")}
        # A search is ordered by best match unless the reader chose another order; without search words
        # there is nothing to match, and the list is newest first (selectors.list_proposals).
        searching = bool(search_terms(data["q"]))
        if not data["sort"] or (data["sort"] == "relevance" and not searching):
            data["sort"] = "relevance" if searching else "newest"
        self._show_sort(data["sort"])
        return data

    def _show_sort(self, applied: str) -> None:
        """The sort menu shows the order applied, not its first option or an order that was not used."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["sort"] = applied
        else:
            self.initial["sort"] = applied


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX,
                            help_text=_("One sentence that says what should change."))
    body = forms.CharField(
        label=_("Proposal"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Describe the problem, your idea and who it helps. Markdown is allowed: "
                    "**bold**, *italic*, lists starting with “- ”, and links."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(),
                                      empty_label=_("Choose a category"))
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.CITYWIDE,
                              widget=forms.RadioSelect)
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=[("", _("Choose a district"))] + list(District.choices),
        help_text=_("Only for proposals about one district."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=200,
                           help_text=_("Up to five words, separated by commas, e.g. bicycles, parks."))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")  # the page also has reply and report boxes
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    """The author's reply to a department's clarification request."""

    body = forms.CharField(label=_("Your reply to the department"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 5}))


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("Why should a moderator look at this?"), max_length=300)
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ModerationForm(forms.Form):
    ACTIONS = [
        ("hide", _("Hide the proposal")),
        ("restore", _("Restore the proposal")),
        ("hide_comment", _("Hide the comment")),
        ("restore_comment", _("Restore the comment")),
        ("dismiss", _("Dismiss the reports")),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(label=_("Reason (kept on record)"), max_length=REASON_MAX)
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional, shown on the timeline)"), required=False,
                             max_length=REASON_MAX)


class ClarificationForm(forms.Form):
    body = forms.CharField(label=_("Question to the author"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Decision"), choices=Verdict.choices, widget=forms.RadioSelect)
    body = forms.CharField(label=_("Public answer with the reasons"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Published on the proposal page. Markdown is allowed."))


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    body = forms.CharField(label=_("What has been done"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 6}))
    completed = forms.BooleanField(label=_("The work is completed"), required=False)
