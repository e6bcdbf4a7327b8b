"""The landing page (what the platform does, where things stand, where to start) and the site-wide search."""

from django.core.paginator import Paginator
from django.shortcuts import render

from proposals import selectors

from . import search as site_search


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
