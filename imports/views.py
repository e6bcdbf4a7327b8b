"""An import job's page: its state and rows processed while it runs (the page refreshes itself, also
without JavaScript), then its outcome: a link to what was created, or one error a bad row."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from .models import ImportJob
from .services import live_progress

REFRESH_SECONDS = 2


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied(_("Only the person who sent this file can follow its import."))
    done, total = job.rows_done, job.rows_total
    if not job.is_finished:
        done, total = live_progress(job.pk) or (done, total)
    percent = round(100 * done / total) if total else None
    return render(request, "imports/job.html", {
        "job": job, "done": done, "total": total, "percent": percent,
        "refresh": None if job.is_finished else REFRESH_SECONDS,
    })


app_name = "imports"
urlpatterns = [path("imports/<int:pk>/", job_detail, name="job")]
