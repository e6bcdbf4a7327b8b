"""The landing page (what the platform does, where things stand, where to start) and the legal pages."""

from django.conf import settings
from django.shortcuts import render

from accounts.legal import DOCUMENT_VERSIONS, GUARDIAN_CONSENT_AGE, ConsentKind
from proposals import selectors


def home(request):
    return render(request, "frontend/home.html", {
        "summary": selectors.home_summary(),
        "top_proposals": selectors.most_supported_open(limit=4),
    })


def _legal_context() -> dict:
    return {"officer": settings.PRIVACY_OFFICER, "operator": settings.SITE_OPERATOR,
            "guardian_age": GUARDIAN_CONSENT_AGE}


def privacy(request):
    """개인정보 처리방침: what the platform collects, why, how long, who else gets it (nobody), your rights."""
    return render(request, "frontend/legal/privacy.html",
                  {**_legal_context(), "version": DOCUMENT_VERSIONS[ConsentKind.PRIVACY]})


def terms(request):
    """이용약관."""
    return render(request, "frontend/legal/terms.html",
                  {**_legal_context(), "version": DOCUMENT_VERSIONS[ConsentKind.TERMS]})


def accessibility(request):
    """접근성 정책: the standard aimed at, what is checked automatically and how to report a barrier."""
    return render(request, "frontend/legal/accessibility.html", _legal_context())
