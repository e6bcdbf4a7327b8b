"""The API's documentation page: the OpenAPI schema rendered on the server as a readable page.

Not ninja's Swagger UI: it runs scripts that ninja serves only when "ninja" is an installed app (else from a
CDN), needs a connection the city's intranet may not have, and its inline setup would need the site's
Content-Security-Policy loosened. This page needs no script, reads on a phone, and speaks Korean.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from governance.api import errors
from governance.api.api import api
from governance.api.listing import MAX_LIMIT


def _tr(text: str) -> str:
    return _(text) if text else ""


def _operations(schema: dict) -> list[dict]:
    rows = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            rows.append({
                # summaries and descriptions are English in the schema, marked for translation (gettext_noop)
                "method": method.upper(), "path": path, "summary": _tr(operation.get("summary", "")),
                "tag": (operation.get("tags") or [""])[0],
                "parameters": [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                                "description": _tr(p.get("description") or p.get("schema", {}).get("description", "")),
                                "type": p.get("schema", {}).get("type") or "/".join(
                                    s.get("type", "") for s in p.get("schema", {}).get("anyOf", []) if s.get("type") != "null")}
                               for p in operation.get("parameters", [])],
            })
    return rows


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    return render(request, "governance/api/docs.html", {
        "operations": _operations(schema), "max_limit": MAX_LIMIT,
        "openapi_url": reverse("api:openapi-json"),
        "feeds": [
            (_("New proposals (Atom)"), reverse("api:feed_proposals")),
            (_("New answers (Atom)"), reverse("api:feed_answers")),
            (_("Committee meetings (iCalendar)"), reverse("api:feed_meetings")),
            (_("Live sessions (iCalendar)"), reverse("api:feed_sessions")),
            (_("Vote closing times (iCalendar)"), reverse("api:feed_votes")),
        ],
    })


def unknown(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 (405 for a write), not the site's HTML page."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return errors.json_error(405, "method_not_allowed", errors.method_message())
    return errors.json_error(404, "not_found", errors.not_found_message())
