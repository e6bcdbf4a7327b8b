"""Import jobs: store an upload and queue it (web), then read it back and run its reader (worker).

The upload is kept as 256 KiB chunks in the database, not on a disk the worker may not share, and is
deleted when the job ends (done, or refused for a reason the person can act on). An unexpected error (a
database restart mid-import) puts the job back in the queue, up to MAX_ATTEMPTS runs, so the file sent
is not lost to a passing fault. The reader works inside its own transaction, so
its progress is written to the cache (which other processes read at once) and the job row gets the
outcome; a job's page reads both.
"""

import codecs
import logging
from collections.abc import Iterator
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.celery import queue_on_commit

from .models import IMPORT_TRANSITIONS, ImportChunk, ImportJob
from .registry import ImportRefused, max_bytes_for, reader_for

logger = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
PROGRESS_EVERY = 2000  # rows between two progress reports


class ImportTooLarge(ValidationError):
    """The file is over the size limit of its kind; the message says the limit."""


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(size)s, the limit for this import. Split it, or ask the administrator "
             "to raise the limit.") % {"size": filesizeformat(limit)}


def check_size(*, kind: str, size: int) -> None:
    limit = max_bytes_for(kind)
    if size > limit:
        raise ImportTooLarge(too_large_message(limit), code="too_large")


def start_import(*, kind: str, upload, params: dict, actor) -> ImportJob:
    """Store ``upload`` (a Django UploadedFile) and queue its job; the worker runs it after the commit."""
    from .tasks import run_import  # in here: the task imports services (a cycle)

    check_size(kind=kind, size=upload.size)
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, created_by=actor, params=params,
                                       filename=(upload.name or "")[:255], size=upload.size)
        upload.seek(0)  # read() in pieces: an in-memory upload's chunks() would give the whole file at once
        index = 0
        while piece := upload.read(CHUNK_BYTES):
            ImportChunk.objects.create(job=job, index=index, data=piece)
            index += 1
        queue_on_commit(run_import, job.pk)
    return job


def _bytes(job_id: int) -> Iterator[bytes]:
    """The upload again, one chunk in memory at a time; a missing chunk ends it with a refusal, never a
    shorter file (the two passes must read the same bytes, or the second stores what the first never checked)."""
    size = ImportJob.objects.filter(pk=job_id).values_list("size", flat=True).first() or 0
    for index in range(-(-size // CHUNK_BYTES)):
        data = ImportChunk.objects.filter(job_id=job_id, index=index).values_list("data", flat=True).first()
        if data is None:
            raise ImportRefused([_("The uploaded file was removed while it was being read (the import was "
                                   "taken for interrupted); nothing was stored. Send the file again.")])
        yield bytes(data)


def text_lines(job_id: int) -> Iterator[str]:
    """The upload as text lines (each with its line end, as the csv module wants them), decoded incrementally.

    A UTF-8 byte-order mark is dropped; bytes that are not UTF-8 end the file with an error naming the line.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending, line = "", 1
    for data in _bytes(job_id):
        try:
            pending += decoder.decode(data)
        except UnicodeDecodeError as bad:  # the line: count the line ends before the first bad byte
            before = data[:max(bad.start, 0)].decode("utf-8", "replace")
            raise ImportRefused([_("Line %(line)d: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and "
                                   "send it again.") % {"line": line + before.count("\n")}]) from None
        *complete, pending = pending.split("\n")
        for text in complete:
            line += 1
            yield text + "\n"
    try:
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportRefused([_("Line %(line)d: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and send "
                               "it again.") % {"line": line}]) from None
    if pending:
        yield pending


def _progress_key(job_id: int) -> str:
    return f"import:{job_id}:progress"


def live_progress(job_id: int) -> tuple[int, int | None] | None:
    """The running job's last report (rows done, total), or None; the page falls back to the row."""
    try:
        return cache.get(_progress_key(job_id))
    except Exception:  # the cache is down: the page shows the job without its live count
        return None


def _report(job_id: int, done: int, total: int | None) -> None:
    try:
        cache.set(_progress_key(job_id), (done, total), timeout=24 * 3600)
    except Exception:  # progress is a courtesy; a cache outage must not fail the import
        logger.warning("import %s: progress not stored", job_id, exc_info=True)


def move_job(*, job_id: int, to: str, **fields) -> ImportJob | None:
    """Move a job to `to` under its row lock if its lifecycle allows it from where it is now, writing `fields`
    with it; None (and nothing written) when it does not, e.g. a second worker or a late sweep."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or to not in IMPORT_TRANSITIONS[job.state]:
            return None
        job.state = to
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=["state", *fields])
        return job


def run_import(*, job_id: int) -> bool:
    """Run a queued job to its end (done or failed); False if it is not queued (run already, or running)."""
    job = move_job(job_id=job_id, to=ImportJob.State.RUNNING, started_at=timezone.now())
    if job is None:
        return False

    last = [0, None]

    def progress(done: int, total: int | None) -> None:
        last[:] = [done, total]
        _report(job_id, done, total)

    state, outcome, keep_file = ImportJob.State.FAILED, {}, False
    # In the language of the person who sent the file: the messages are stored as they will read them.
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            message, url = reader_for(job.kind)(job, lambda: text_lines(job_id), progress)
            state = ImportJob.State.DONE
            outcome.update(result_message=message, result_url=url)
        except ImportRefused as refused:
            outcome["errors"] = refused.errors
        except ValidationError as refused:  # a service's refusal (a rule, a time in the future...)
            outcome["errors"] = list(refused.messages)
        except PermissionDenied as refused:  # the sender lost the role that may import
            outcome["errors"] = [str(refused)]
        except Exception:  # not the file's fault (a database restart...): the reader's transaction rolled back
            logger.exception("import %s (%s) failed", job_id, job.kind)
            attempts = job.params.get("attempts", 0) + 1
            if attempts < MAX_ATTEMPTS:
                state, keep_file = ImportJob.State.QUEUED, True
                outcome["params"] = {**job.params, "attempts": attempts}
            else:
                outcome["errors"] = [_("The import stopped on an unexpected error; nothing was stored. The "
                                       "error is in the server's log (import %(id)d).") % {"id": job_id}]
    done, total = last
    if keep_file:  # queued again: the sweep starts it anew from its first row
        move_job(job_id=job_id, to=state, started_at=None, **outcome)
    else:
        ImportChunk.objects.filter(job_id=job_id).delete()
        # A job the sweep already failed keeps that verdict unless this run stored the file (failed -> done).
        move_job(job_id=job_id, to=state, rows_done=done, rows_total=total, finished_at=timezone.now(), **outcome)
    try:
        cache.delete(_progress_key(job_id))
    except Exception:
        pass
    return True


MAX_ATTEMPTS = 3  # runs of one job that met an unexpected error before it is failed for good
QUEUED_RETRY_SECONDS = 120  # a queued job nobody started by then lost its task (a broker restart): queue it again
RUNNING_STALE_SECONDS = 3600  # a job running this long lost its worker (the task is not redelivered)


def sweep_imports(*, now=None) -> tuple[int, int]:
    """Queue again the jobs whose task was lost, fail the ones whose worker died (their files dropped);
    (requeued, failed). Idempotent: a job runs only from "queued", under a row lock."""
    from .tasks import run_import as run_task  # in here: the task imports services (a cycle)

    now = now or timezone.now()
    lost = list(ImportJob.objects.filter(state=ImportJob.State.QUEUED,
                                         created_at__lt=now - timedelta(seconds=QUEUED_RETRY_SECONDS))
                .values_list("pk", flat=True))
    for pk in lost:
        run_task.delay(pk)
    dead = list(ImportJob.objects.filter(state=ImportJob.State.RUNNING,
                                         started_at__lt=now - timedelta(seconds=RUNNING_STALE_SECONDS))
                .values_list("pk", flat=True))
    failed = 0
    for pk in dead:
        language = ImportJob.objects.filter(pk=pk).values_list("params__language", flat=True).first()
        with translation.override(language or settings.LANGUAGE_CODE):
            errors = [_("The import was interrupted (its worker stopped); nothing was stored. Send the "
                        "file again.")]
        if move_job(job_id=pk, to=ImportJob.State.FAILED, errors=errors, finished_at=now) is not None:
            ImportChunk.objects.filter(job_id=pk).delete()
            failed += 1
    return len(lost), failed
