"""Text search shared by the modules' selectors: the one place that chooses how by database vendor.

Korean attaches particles to nouns ("자전거도로를") and PostgreSQL has no Korean dictionary, so a
``to_tsvector('simple', …)`` word is the whole spaced chunk. Two ways (docs/architecture.md "Site-wide search"):

- the proposals listing (up to 100,000 rows) asks for a stored ``tsvector`` (``vector=``): on PostgreSQL
  each query word is a prefix match on it, served by its GIN index ("자전거" finds "자전거도로를");
- everything else, and every table on SQLite (the embedded default), is a substring match
  (``icontains``: ILIKE on PostgreSQL, LIKE on SQLite) of each word in the title or the body, which also
  finds a word inside another ("자전거" in "공공자전거"). The site-wide search uses only this way.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

WORD = re.compile(r"[\w가-힣]+", re.UNICODE)
MAX_WORDS = 8
MAX_WORD_LENGTH = 50


def search_terms(query: str) -> list[str]:
    """The words of a query, at most eight (each at most 50 characters): punctuation is not searched."""
    return [word[:MAX_WORD_LENGTH] for word in WORD.findall(query or "")[:MAX_WORDS]]


def uses_vector(qs: QuerySet) -> bool:
    """Whether ``qs``'s database can search a stored tsvector (PostgreSQL)."""
    return connections[qs.db].vendor == "postgresql"


def text_filter(qs: QuerySet, query: str, *, fields: tuple[str, ...], vector: str | None = None) -> QuerySet:
    """Rows of ``qs`` that contain every word of ``query``; annotated ``rank`` where the vendor ranks.

    ``fields`` are searched by substring (title first); ``vector`` names a stored tsvector column,
    used instead on PostgreSQL. A query with no words returns ``qs.none()``.
    """
    terms = search_terms(query)
    if not terms:
        return qs.none()
    if vector and uses_vector(qs):
        # Prefix match on each word ('simple' config): "자전거" finds "자전거도로를".
        tsquery = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple")
        # F(): rank the stored vector (a string would make Django rebuild it from text for every row).
        return qs.filter(**{vector: tsquery}).annotate(rank=SearchRank(F(vector), tsquery))
    for term in terms:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": term})
        qs = qs.filter(any_field)
    return qs


def title_first(qs: QuerySet, query: str, *, title: str = "title") -> QuerySet:
    """Annotate ``in_title``: every word of ``query`` is in the title (such rows are listed first)."""
    condition = Q()
    for term in search_terms(query):
        condition &= Q(**{f"{title}__icontains": term})
    return qs.annotate(in_title=Case(When(condition, then=Value(True)), default=Value(False),
                                     output_field=BooleanField()))
