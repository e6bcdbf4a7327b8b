"""The landing page (what the platform does, where things stand, where to start), the site-wide search, the
legal pages and the public docs."""

from datetime import date

import markdown
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

from accounts.legal import DOCUMENT_VERSIONS, GUARDIAN_CONSENT_AGE, ConsentKind
from proposals import selectors

from . import page_cache, search as site_search


@page_cache.for_anonymous_readers
def home(request):
    return render(request, "frontend/home.html", {
        "summary": selectors.home_summary(),
        "top_proposals": selectors.most_supported_open(limit=4),
    })


def search(request):
    """``/search/?q=``: every module's public records in groups; ``&type=`` pages one group."""
    query = site_search.clean_query(request.GET.get("q", ""))
    only = request.GET.get("type", "")
    if only not in site_search.GROUP_KEYS:
        only = ""
    context = {"query": query, "only": only, "groups": [], "total": 0, "searched": site_search.has_words(query)}
    if context["searched"]:
        groups = site_search.search_groups(query=query, viewer=request.user, only=only)
        context["groups"] = groups
        context["total"] = sum(g.count for g in groups)
        if only:
            entry = groups[0]
            paginator = Paginator(entry.queryset, site_search.PAGE_SIZE)
            paginator.count = entry.count  # counted (bounded) already
            page = paginator.get_page(request.GET.get("page"))
            context["page"] = page
            context["results"] = site_search.rows(entry.group, page.object_list, request.user)
            context["group"] = entry
    context["all_groups"] = site_search.GROUPS
    return render(request, "frontend/search.html", context)


def _legal_context() -> dict:
    return {"officer": settings.PRIVACY_OFFICER, "operator": settings.SITE_OPERATOR,
            "guardian_age": GUARDIAN_CONSENT_AGE}


def privacy(request):
    """개인정보 처리방침: what the platform collects, why, how long, who else gets it (nobody), your rights."""
    return render(request, "frontend/legal/privacy.html",
                  {**_legal_context(), "version": date.fromisoformat(DOCUMENT_VERSIONS[ConsentKind.PRIVACY])})


def terms(request):
    """이용약관."""
    return render(request, "frontend/legal/terms.html",
                  {**_legal_context(), "version": date.fromisoformat(DOCUMENT_VERSIONS[ConsentKind.TERMS])})


def accessibility(request):
    """접근성 정책: the standard aimed at, what is checked automatically and how to report a barrier."""
    return render(request, "frontend/legal/accessibility.html", _legal_context())


# The project's own documents that public pages link to ("anyone can re-count this: how"). They are
# files of this repository, written by its developers (not users), so they are rendered unsanitized.
PUBLIC_DOCS = {"voting": "voting.md", "juries": "juries.md"}


def doc(request, name: str):
    if name not in PUBLIC_DOCS:
        raise Http404
    text = (settings.BASE_DIR / "docs" / PUBLIC_DOCS[name]).read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["fenced_code", "tables", "toc", "sane_lists"], output_format="html")
    return render(request, "frontend/doc.html", {"body": mark_safe(html), "name": name})
