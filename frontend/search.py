"""The site-wide search: each module's ``search`` selector, grouped, counted (bounded) and made into rows.

Every group asks its own module what the searcher may see (docs/architecture.md "Site-wide search");
this file only joins them and words each result the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.search import search_terms
from deliberation.deliberative_polls import selectors as dpoll_selectors
from deliberation.deliberative_polls.rules import may_read_dpoll_report
from deliberation.juries import selectors as jury_selectors
from deliberation.rooms import selectors as room_selectors
from proposals import selectors as proposal_selectors
from voting import selectors as vote_selectors

COUNT_CAP = 1000  # a group counts at most this many matches (+1 to know there are more)
PREVIEW = 5  # results per group on the overview
PAGE_SIZE = 20  # results per page of one group
QUERY_MAX = 200
SNIPPET_WORDS = 30


@dataclass
class Result:
    title: str
    url: str
    snippet: str = ""
    meta: list[str] = field(default_factory=list)


def _proposal(p, viewer) -> Result:
    return Result(p.title, p.get_absolute_url(), p.body, [p.get_state_display(), p.category.name])


def _vote(v, viewer) -> Result:
    return Result(v.title, reverse("voting:detail", args=[v.pk]), v.description or v.question,
                  [v.get_state_display(), v.get_kind_display()])


def _room(r, viewer) -> Result:
    return Result(r.title, reverse("rooms:record", args=[r.pk]), r.description,
                  [str(pgettext_lazy("search result", "Record of an ended room"))])


def _jury(j, viewer) -> Result:
    return Result(j.title, reverse("juries:jury", args=[j.pk]), j.question,
                  [j.get_kind_display(), j.get_state_display()])


def _dpoll(p, viewer) -> Result:
    # A poll has no public page of its own: its report once readable, else the list that names it.
    url = (reverse("deliberative_polls:dpoll_report", args=[p.pk]) if may_read_dpoll_report(viewer, p)
           else reverse("deliberative_polls:dpolls"))
    return Result(p.title, url, p.topic, [p.get_state_display()])


@dataclass(frozen=True)
class Group:
    key: str
    label: object
    find: Callable[..., QuerySet]
    row: Callable[..., Result]


GROUPS = (
    Group("proposals", _("Proposals"), proposal_selectors.search, _proposal),
    Group("votes", pgettext_lazy("search group", "Votes"), vote_selectors.search, _vote),
    Group("rooms", _("Room records"), room_selectors.search, _room),
    Group("juries", _("Citizens' juries and conferences"), jury_selectors.search, _jury),
    Group("polls", _("Deliberative polls"), dpoll_selectors.search, _dpoll),
)
GROUP_KEYS = tuple(g.key for g in GROUPS)


@dataclass
class GroupResults:
    group: Group
    queryset: QuerySet
    count: int
    is_capped: bool
    results: list[Result] = field(default_factory=list)


def clean_query(raw: str) -> str:
    return " ".join((raw or "").split())[:QUERY_MAX]


def has_words(query: str) -> bool:
    return bool(search_terms(query))


def rows(group: Group, objects, viewer) -> list[Result]:
    results = [group.row(obj, viewer) for obj in objects]
    for result in results:
        result.snippet = Truncator(result.snippet or "").words(SNIPPET_WORDS)
    return results


def search_groups(*, query: str, viewer, only: str = "") -> list[GroupResults]:
    """Each group (or the one named ``only``) with its bounded count and, for the overview, its first rows."""
    found = []
    for group in GROUPS:
        if only and group.key != only:
            continue
        qs = group.find(query=query, viewer=viewer)
        count = qs.order_by()[: COUNT_CAP + 1].count()
        entry = GroupResults(group, qs, min(count, COUNT_CAP), count > COUNT_CAP)
        if not only and count:
            entry.results = rows(group, qs[:PREVIEW], viewer)
        found.append(entry)
    return found
