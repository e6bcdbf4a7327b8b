"""The landing page: what the platform does, where things stand, and where to start; the public docs."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

from proposals import selectors


def home(request):
    return render(request, "frontend/home.html", {
        "summary": selectors.home_summary(),
        "top_proposals": selectors.most_supported_open(limit=4),
    })


# The project's own documents that public pages link to ("anyone can re-count this: how"). They are
# files of this repository, written by its developers (not users), so they are rendered unsanitized.
PUBLIC_DOCS = {"voting": "voting.md", "juries": "juries.md"}


def doc(request, name: str):
    if name not in PUBLIC_DOCS:
        raise Http404
    import markdown

    text = (settings.BASE_DIR / "docs" / PUBLIC_DOCS[name]).read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["fenced_code", "tables", "toc", "sane_lists"], output_format="html")
    return render(request, "frontend/doc.html", {"body": mark_safe(html), "name": name})
