"""The baselines of bench/http_run.py: the least a Django view costs behind this site's middleware.

A URLconf for the bench process only (``override_settings(ROOT_URLCONF="bench.http_baseline")``): the
site's own URLs, plus two views that exist nowhere in production.

- ``/_bench/minimal/`` renders a small template (a title, a heading, a five-item list), compiled once as
  the cached loader does, with a plain context: no context processors, since those are the site's work
  (its header counts) and part of what the pages are measured for.
- ``/_bench/insert/`` inserts one row on POST through the ORM for the signed-in person (so the session and
  the user are read, as for any write of the site) and redirects, as casting a ballot does.
  Its table is its own (``bench_http_row``, created by the bench with the schema editor and dropped at
  the end): no model of the site is a bare row (each has services, constraints and readers), and a
  bench must not leave rows in the site's tables.
"""

from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_POST

SMALL_TEMPLATE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></body></html>
"""


class BenchRow(models.Model):
    text = models.CharField(max_length=200)
    author_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench_http"
        db_table = "bench_http_row"


_template = None


def minimal_page(request):
    global _template
    if _template is None:
        _template = engines["django"].from_string(SMALL_TEMPLATE)
    return HttpResponse(_template.render({"title": "Baseline", "items": [f"item {i}" for i in range(5)]}))


@require_POST
def minimal_insert(request):
    if not request.user.is_authenticated:  # as any write of the site: a signed-in person's
        return HttpResponse(status=403)
    BenchRow.objects.create(text=request.POST.get("text", "")[:200], author_id=request.user.pk)
    return HttpResponseRedirect(request.path)


urlpatterns = [
    path("_bench/minimal/", minimal_page, name="bench-minimal"),
    path("_bench/insert/", minimal_insert, name="bench-insert"),
    path("", include("config.urls")),
]
