"""The open-data API (namespace ``api``): /api/v1/ (ninja's operations, openapi.json, the docs page) and
/feeds/. A version is a prefix: /api/v2/ would be a second NinjaAPI beside this one (docs/api.md)."""

from functools import wraps

from django.conf import settings
from django.urls import URLPattern, include, path, re_path

from governance.api import baseline, feeds, views
from governance.api.api import api

app_name = "api"


def head_as_get(view):
    """ninja routes GET only; HEAD runs the GET operation (frontend.head.HeadMiddleware then drops the body,
    seeing the method put back)."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"
    return wrapped


operations = api.urls[0]
for pattern in operations:
    if isinstance(pattern, URLPattern):
        pattern.callback = head_as_get(pattern.callback)

urlpatterns = [
    path("api/v1/docs", views.docs, name="docs"),
    # ninja's patterns without a namespace of their own: their names are api:proposals, api:openapi-json...
    path("api/v1/", include(operations)),
    re_path(r"^api/v1/(?P<rest>.*)$", views.unknown, name="unknown"),
    path("feeds/proposals.atom", feeds.ProposalsFeed(), name="feed_proposals"),
    path("feeds/answers.atom", feeds.AnswersFeed(), name="feed_answers"),
    path("feeds/meetings.ics", feeds.meetings_ics, name="feed_meetings"),
    path("feeds/sessions.ics", feeds.sessions_ics, name="feed_sessions"),
    path("feeds/votes.ics", feeds.votes_ics, name="feed_votes"),
]

if settings.DEBUG or getattr(settings, "BENCH_BASELINE", False):
    urlpatterns.append(path("api/baseline/proposals/", baseline.proposals, name="baseline_proposals"))
