"""The import job's task: thin, idempotent (a job that is not queued any more is left alone)."""

from celery import shared_task

from . import services


@shared_task(acks_late=False)
def run_import(job_id: int) -> bool:
    # acks_late off: a worker killed mid-import must not start the same file again by itself; the job
    # stays "running" until the sweep fails it after an hour (docs/deployment.md, "Imports").
    return services.run_import(job_id=job_id)


@shared_task
def sweep_imports() -> tuple[int, int]:
    """Every minute (beat): jobs whose task was lost are queued again, jobs whose worker died are failed."""
    return services.sweep_imports()
