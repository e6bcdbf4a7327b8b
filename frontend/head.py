"""HEAD answered like GET, without the body: ``HeadMiddleware``, and ``require_safe`` on the downloads.

A download (CSV, JSON, a record) answers HEAD with the headers a GET would get (status, type, file
name), so a link checker or a client asking for the size does not get 405. Django runs the view for
HEAD as for GET; Django's development server and test client drop the body, but an ASGI server is
not obliged to. The middleware drops it for every server: a streamed export (proposals/exports.py)
is then never iterated, so HEAD does not run the export's queries at all; a download built whole
is built once, as for GET, and its Content-Length stays the GET's.
"""

from django.http import HttpRequest, HttpResponse


class HeadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:  # the export's generator is never started
                response.streaming_content = _nothing() if response.is_async else []
            elif response.content:
                length = len(response.content)
                response.content = b""
                response["Content-Length"] = str(length)
        return response


async def _nothing():
    """An empty async body: an async streamed response stays async (no "consume synchronously" warning)."""
    return
    yield  # never reached: it makes this function an async generator
