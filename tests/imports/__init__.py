"""Helpers for tests of uploads read by import jobs: run what a worker would, then read the job."""


def run_queued_imports() -> list:
    """Run every queued import job as the worker does (in tests the queue's on-commit hook never fires
    inside the test's transaction); the jobs, finished."""
    from imports.models import ImportJob
    from imports.services import run_import

    jobs = list(ImportJob.objects.filter(state=ImportJob.State.QUEUED).order_by("pk"))
    for job in jobs:
        run_import(job_id=job.pk)
        job.refresh_from_db()
    return jobs


def job_of(response):
    """The job a form's response sent the browser to follow, run to its end."""
    from imports.models import ImportJob

    assert response.status_code == 302 and response["Location"].startswith("/imports/"), response
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    run_queued_imports()
    return ImportJob.objects.get(pk=pk)
