"""Who may review a budget project, and when: "may this person publish or revise this review now?".

Two kinds of refusal: ``who_refusal`` (not the reviewing department: the page is not theirs, 403) and
``review_refusal`` / ``revise_refusal`` (theirs, but not now: the stage of the cycle or the project's state).
"""

from django.utils.translation import gettext as _

from budget.models import BudgetProject, ReviewAnswer
from budget.rules import is_budget_staff, is_reviewing_officer
from budget.states import AnswerKind, CycleStage, ProjectState

# Early reviews: a department may review a project as soon as it is submitted, during the call, so that
# proposers have time to answer before the committee deliberates (docs/budget.md).
REVIEW_STAGES = (CycleStage.CALL, CycleStage.REVIEW)
# A revision answers a proposer's clarification, which may come up to answer_days after the review: until the
# sub-committees shortlist (their deliberation stage), while the project is still only eligible or not.
REVISE_STAGES = (CycleStage.CALL, CycleStage.REVIEW, CycleStage.DELIBERATION)


def may_use_queue(user) -> str | None:
    """Officers see their department's projects; staff see every department's."""
    if not user.is_authenticated:
        return _("Please sign in to review budget projects.")
    if is_budget_staff(user) or (user.is_officer and user.department_id):
        return None
    return _("Only department officers and city staff review budget projects.")


def who_refusal(user, project: BudgetProject) -> str | None:
    if not user.is_authenticated:
        return _("Please sign in to review budget projects.")
    if is_budget_staff(user) or is_reviewing_officer(user, project):
        return None
    return _("Only officers of the department that reviews this project's field, or city staff, can review it.")


def review_refusal(user, project: BudgetProject) -> str | None:
    """Why this person may not publish the review of ``project`` now, or None."""
    refusal = who_refusal(user, project)
    if refusal:
        return refusal
    if project.cycle.stage not in REVIEW_STAGES:
        return _("Projects are reviewed during the call for projects and the department review.")
    if project.state != ProjectState.SUBMITTED or hasattr(project, "review"):
        return _("This project is not awaiting review.")
    return None


def _answer(project: BudgetProject) -> ReviewAnswer | None:
    try:
        return project.answer
    except ReviewAnswer.DoesNotExist:
        return None


def revise_refusal(user, project: BudgetProject) -> str | None:
    """Why this person may not revise the review now: once, after the proposer asked to clarify."""
    refusal = who_refusal(user, project)
    if refusal:
        return refusal
    review = getattr(project, "review", None)
    answer = _answer(project)
    if review is None or answer is None or answer.kind != AnswerKind.CLARIFY:
        return _("A review is revised only after the proposer has answered it with a clarification.")
    if review.revised_at is not None:
        return _("This review has already been revised once.")
    if project.cycle.stage not in REVISE_STAGES or project.state not in (ProjectState.ELIGIBLE,
                                                                         ProjectState.INELIGIBLE):
        return _("The review can no longer be revised: the budget committee has decided on this project.")
    return None
