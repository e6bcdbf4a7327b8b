"""A plain Django JSON view returning the same rows as ``GET /api/v1/proposals``, for the benchmark only.

The issue asks the API to cost at most 1.3x "a plain Django JSON view returning the same rows"; this is
that view: the same selector, filters and page, serialised by JsonResponse, without ninja's validation,
ETag or rate limit. Mounted at /api/baseline/proposals/ only when settings.DEBUG or settings.BENCH_BASELINE
is true (governance/api/urls.py), and linked from no page.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from governance.api import selectors
from governance.api.listing import DEFAULT_LIMIT, MAX_LIMIT


@require_safe
def proposals(request: HttpRequest) -> JsonResponse:
    try:
        limit = min(MAX_LIMIT, max(1, int(request.GET.get("limit", DEFAULT_LIMIT))))
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return JsonResponse({"error": "limit and offset are whole numbers"}, status=400)
    qs = selectors.proposals()
    count = qs.count()
    return JsonResponse({"count": count, "limit": limit, "offset": offset,
                         "results": list(qs[offset:offset + limit])}, json_dumps_params={"ensure_ascii": False})
