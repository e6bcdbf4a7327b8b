"""Reads of budget projects: a cycle's list, a person's own projects, titles like the one being typed."""

from django.core.cache import cache
from django.db.models import QuerySet

from budget.models import BudgetCycle, BudgetProject, ProjectEvent
from budget.states import PUBLIC_PROJECT_STATES, ProjectState

from .similarity import most_similar

# The similarity check reads a cycle's titles from the cache for this long (a new one shows up within it).
TITLES_CACHE_SECONDS = 60
TITLES_MAX = 3000


def cycle_projects(cycle: BudgetCycle, *, field: str = "", district: str = "", state: str = "") -> QuerySet:
    """The cycle's public projects by number, filtered by a field's slug, a district and a state."""
    projects = (cycle.projects.filter(state__in=PUBLIC_PROJECT_STATES, number__isnull=False)
                .select_related("field").order_by("number", "pk"))
    if field:
        projects = projects.filter(field__slug=field)
    if district:
        projects = projects.filter(district=district)
    if state:
        projects = projects.filter(state=state)
    return projects


def projects_of(user) -> QuerySet:
    """A person's own projects in every cycle, drafts included, the newest cycle and latest change first."""
    return (BudgetProject.objects.filter(author=user).select_related("cycle", "field")
            .order_by("-cycle__year", "cycle__district", "-updated_at", "-pk"))


def _titles_key(cycle_id: int) -> str:
    return f"budget:projects:titles:{cycle_id}"


def cycle_titles(cycle: BudgetCycle) -> list[tuple[int, int | None, str]]:
    """(pk, number, title) of the cycle's submitted projects (no drafts, no withdrawn ones), cached a minute."""
    key = _titles_key(cycle.pk)
    titles = cache.get(key)
    if titles is None:
        rows = (cycle.projects.exclude(state__in=[ProjectState.DRAFT, ProjectState.WITHDRAWN])
                .order_by("number", "pk").values_list("pk", "number", "title")[:TITLES_MAX])
        titles = [tuple(row) for row in rows]
        cache.set(key, titles, TITLES_CACHE_SECONDS)
    return titles


def forget_titles(cycle_id: int) -> None:
    """Drop the cached titles (a project was submitted or withdrawn)."""
    cache.delete(_titles_key(cycle_id))


def similar_projects(cycle: BudgetCycle, title: str, *, limit: int = 5, exclude: int | None = None) -> list[dict]:
    """Up to ``limit`` submitted projects of the cycle whose titles look like ``title``, best first."""
    candidates = [row for row in cycle_titles(cycle) if row[0] != exclude]
    return [{"pk": pk, "number": number, "title": text, "score": round(score, 3)}
            for score, (pk, number, text) in most_similar(title, candidates, limit=limit)]


def project_record(project: BudgetProject) -> list[ProjectEvent]:
    return list(project.events.order_by("created_at", "pk"))


def co_proposer_count(project: BudgetProject) -> int:
    return project.co_proposers.count()

