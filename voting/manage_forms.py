"""Forms of the pages that create and run votes: they parse the shape of input; services decide the rest.

(Kept apart from the ballot's forms, which belong to the public pages.) Options are a textarea, one
per line, so the page works without JavaScript; a budget project's line is "name | cost | category".
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.districts import District
from accounts.models import Department
from frontend.forms import add_service_errors  # noqa: F401 (views import it from here)
from imports.services import check_size
from proposals.models import Proposal

from .services import OptionSpec, VoteSpec
from .states import Acceptance, BudgetRule, VoteKind

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CITIZEN_KINDS = [(k.value, k.label) for k in VoteKind if k != VoteKind.BUDGET]
STAFF_ONLY_FIELDS = ("budget", "category_budgets", "budget_rule", "quorum", "quorum_percent", "acceptance",
                     "department", "follow_up_winner", "answer_due_days", "proposal")


def parse_amount(text: str) -> int:
    """A whole amount of won as people type it: "120000000", "120,000,000" or "1 200 000"."""
    cleaned = re.sub(r"[,\s_]", "", text).removesuffix("원")
    if not cleaned.isdigit():
        raise ValueError(text)
    return int(cleaned)


def options_text(vote) -> str:
    """A vote's options as the textarea shows them."""
    lines = []
    for option in vote.options.all():
        if vote.kind == VoteKind.BUDGET:
            parts = [option.label, "" if option.cost is None else str(option.cost)]
            if option.category:
                parts.append(option.category)
            lines.append(" | ".join(parts))
        else:
            lines.append(option.label)
    return "\n".join(lines)


def category_budgets_text(vote) -> str:
    return "\n".join(f"{name} | {amount}" for name, amount in (vote.category_budgets or {}).items())


class VoteForm(forms.Form):
    """The vote's content; ``staff=False`` leaves out what only staff decide (money, departments, quorum)."""

    title = forms.CharField(label=_("Title"), max_length=160)
    question = forms.CharField(label=_("Question"), max_length=300,
                               help_text=_("What voters answer, in one sentence."))
    description = forms.CharField(label=_("Description"), max_length=10_000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Background voters should read before deciding."))
    kind = forms.ChoiceField(label=_("Kind of vote"), choices=VoteKind.choices, widget=forms.RadioSelect)
    options = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One option per line. For a participatory budget: name | cost in won | category "
                    "(the category is optional), e.g. “Shade trees in Mangwon park | 120,000,000 | Parks”. "
                    "A yes / no / abstain vote gets its three options by itself."))
    max_choices = forms.IntegerField(label=_("At most this many choices"), required=False, min_value=1,
                                     help_text=_("For multiple choice and budget votes; empty for no limit."))
    budget = forms.CharField(label=_("Total budget (won)"), required=False, max_length=30)
    category_budgets = forms.CharField(
        label=_("Budgets per category (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: category | amount in won."))
    budget_rule = forms.ChoiceField(label=_("Rule that selects the projects"), required=False,
                                    choices=BudgetRule.choices, initial=BudgetRule.GREEDY)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DATETIME_WIDGET)
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=1, max_value=120)
    districts = forms.MultipleChoiceField(
        label=_("Districts that may vote"), required=False, choices=District.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every verified resident may vote."))
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    allow_change = forms.BooleanField(label=_("Voters may change their ballot until the close"), required=False,
                                      help_text=_("Only for votes that are not secret."))
    live_results = forms.BooleanField(
        label=_("Show results while the vote is open"), required=False,
        help_text=_("Only for a vote that is not secret: a secret ballot shows the turnout while open and the "
                    "counts at the close, so that no one's choice can be read from the changes."))
    quorum = forms.IntegerField(label=_("Quorum (minimum ballots)"), required=False, min_value=1)
    quorum_percent = forms.IntegerField(
        label=_("Quorum (per cent of the people who may vote)"), required=False, min_value=1, max_value=100,
        help_text=_("Counted at the close; e.g. 25, as the Local Referendum Act asks of a local referendum."))
    acceptance = forms.ChoiceField(label=_("A yes/no vote passes with"), choices=Acceptance.choices,
                                   initial=Acceptance.MAJORITY, required=False)
    department = forms.ModelChoiceField(label=_("Department that follows up"), required=False,
                                        queryset=Department.objects.all(), empty_label=_("No department"))
    follow_up_winner = forms.BooleanField(label=_("The winning option goes to the department"), required=False,
                                          help_text=_("Passed yes/no votes and selected projects always do."))
    answer_due_days = forms.IntegerField(label=_("Days the department has to answer"), min_value=1,
                                         max_value=365, initial=60)
    proposal = forms.ModelChoiceField(queryset=Proposal.objects.all(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        if not staff:
            for name in STAFF_ONLY_FIELDS:
                del self.fields[name]
            self.fields["kind"].choices = CITIZEN_KINDS

    def clean_options(self) -> list[OptionSpec]:
        text = self.cleaned_data.get("options", "")
        budget = self.data.get("kind") == VoteKind.BUDGET
        specs, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if not budget:
                specs.append(OptionSpec(label=line.strip()[:200]))
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > 3:
                problems.append(_("Line %(n)d: write name | cost | category, with at most two “|”.") % {"n": number})
                continue
            cost = None
            if len(parts) > 1 and parts[1]:
                try:
                    cost = parse_amount(parts[1])
                except ValueError:
                    problems.append(_("Line %(n)d: the cost “%(cost)s” is not a whole number of won.")
                                    % {"n": number, "cost": parts[1]})
                    continue
            if len(parts[0]) > 200 or (len(parts) > 2 and len(parts[2]) > 80):
                problems.append(_("Line %(n)d: a name has at most 200 characters and a category 80.") % {"n": number})
                continue
            specs.append(OptionSpec(label=parts[0], cost=cost, category=parts[2] if len(parts) > 2 else ""))
        if problems:
            raise ValidationError(problems)
        return specs

    def clean_budget(self) -> int | None:
        text = self.cleaned_data.get("budget", "").strip()
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueError:
            raise ValidationError(_("The budget “%(value)s” is not a whole number of won.") % {"value": text}) from None

    def clean_category_budgets(self) -> dict[str, int]:
        budgets, problems = {}, []
        for number, line in enumerate(self.cleaned_data.get("category_budgets", "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _bar, amount = line.rpartition("|")
            try:
                if not name.strip():
                    raise ValueError(line)
                budgets[name.strip()] = parse_amount(amount)
            except ValueError:
                problems.append(_("Line %(n)d: write category | amount in won.") % {"n": number})
        if problems:
            raise ValidationError(problems)
        return budgets

    def spec(self) -> VoteSpec:
        data = self.cleaned_data
        return VoteSpec(
            title=data["title"], question=data["question"], description=data["description"], kind=data["kind"],
            opens_at=data["opens_at"], closes_at=data["closes_at"], options=data["options"],
            max_choices=data["max_choices"], budget=data.get("budget"),
            category_budgets=data.get("category_budgets") or {}, budget_rule=data.get("budget_rule") or "",
            min_age=data["min_age"], districts=data["districts"], secret=data["secret"],
            allow_change=data["allow_change"], live_results=data["live_results"], quorum=data.get("quorum"),
            quorum_percent=data.get("quorum_percent"), acceptance=data.get("acceptance") or Acceptance.MAJORITY,
            department=data.get("department"), follow_up_winner=data.get("follow_up_winner", False),
            answer_due_days=data.get("answer_due_days") or 60, proposal=data.get("proposal"),
        )


def initial_from(vote) -> dict:
    """The form's initial values for an existing vote."""
    return {
        "title": vote.title, "question": vote.question, "description": vote.description, "kind": vote.kind,
        "options": options_text(vote), "max_choices": vote.max_choices,
        "budget": "" if vote.budget is None else str(vote.budget), "category_budgets": category_budgets_text(vote),
        "budget_rule": vote.budget_rule or BudgetRule.GREEDY, "opens_at": vote.opens_at, "closes_at": vote.closes_at,
        "min_age": vote.min_age, "districts": vote.districts, "secret": vote.secret, "allow_change": vote.allow_change,
        "live_results": vote.live_results, "quorum": vote.quorum, "department": vote.department_id,
        "quorum_percent": vote.quorum_percent, "acceptance": vote.acceptance,
        "follow_up_winner": vote.follow_up_winner, "answer_due_days": vote.answer_due_days,
        "proposal": vote.proposal_id,
    }


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=DATETIME_WIDGET)


class ImportPbForm(forms.Form):
    file = forms.FileField(label=_("Participatory budget file (.pb)"),
                           help_text=_("The pabulib format: META, PROJECTS and VOTES sections, fields separated "
                                       "by “;”. Projects, costs, categories and the budget are imported."))
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DATETIME_WIDGET)
    budget_rule = forms.ChoiceField(label=_("Rule that selects the projects"), choices=BudgetRule.choices,
                                    initial=BudgetRule.GREEDY)
    with_ballots = forms.BooleanField(
        label=_("A past election: import its ballots and publish it counted"), required=False,
        help_text=_("For paper ballots or an election held elsewhere: the vote is created closed with the "
                    "file's ballots and counted by the rule above; its times must be in the past."))
    department = forms.ModelChoiceField(label=_("Department that follows up"), required=False,
                                        queryset=Department.objects.all(), empty_label=_("No department"),
                                        help_text=_("For a past election: the department that gets the "
                                                    "selected projects."))

    def clean_file(self):
        """Only the size is checked here (VOTE_IMPORT_MAX_BYTES); the import job reads the file."""
        upload = self.cleaned_data["file"]
        check_size(kind="pb", size=upload.size)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The vote must close after it opens."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not approved (its author reads this)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ProjectForm(forms.Form):
    """What a budget project's page says beyond its ballot line (services.update_project)."""

    description = forms.CharField(label=_("What the project is"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    district = forms.ChoiceField(label=_("District"), required=False,
                                 choices=[("", _("Citywide or not given"))] + list(District.choices))
    department = forms.ModelChoiceField(label=_("Department that would carry it out"), required=False,
                                        queryset=Department.objects.all(),
                                        help_text=_("If empty, the vote's follow-up department."))
