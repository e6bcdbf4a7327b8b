"""The landing page: what the platform does, where things stand, and where to start."""

from django.shortcuts import render

from proposals import selectors


def home(request):
    return render(request, "frontend/home.html", {
        "summary": selectors.home_summary(),
        "top_proposals": selectors.most_supported_open(limit=4),
    })
