"""The site's own 404 and 500 pages in the demo, which runs with DEBUG on (settings: TECHNICAL_ERROR_PAGES).

With DEBUG on, Django answers a missing page or a crash with its technical pages, in English and
listing the URL patterns or the code: fine for a developer, confusing on a citizen's phone. This
middleware, outermost, swaps such an answer for the templates production serves (404.html,
500.html). It recognises Django's pages by the robots meta tag both of them carry; the error is still
logged (Django logs before answering), and a page a view rendered itself is left alone.
"""

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader

TECHNICAL_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


class FriendlyErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (404, 500) or response.streaming:
            return response
        if TECHNICAL_MARK not in response.content[:2000]:
            return response
        if response.status_code == 404:
            return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path},
                                                                request=request))
        return HttpResponseServerError(loader.get_template("500.html").render())
