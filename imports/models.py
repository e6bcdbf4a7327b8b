"""An import job (an uploaded file being read by a worker) and the uploaded bytes, kept until it ends."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    params = models.JSONField(default=dict, blank=True, help_text="the form's other fields, as the reader needs them")
    filename = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(default=0, help_text="bytes uploaded")
    rows_done = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(null=True, blank=True, help_text="known once the file has been checked")
    errors = models.JSONField(default=list, blank=True, help_text="one message a bad row, or one for the file")
    result_message = models.TextField(blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "import job")
        verbose_name_plural = pgettext_lazy("model name", "import jobs")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


# The job's lifecycle: the only moves `services.move_job` makes. A job runs from "queued"; the sweep
# fails a job "running" past an hour (its worker is taken for dead). Failed -> done is the one way back: a
# worker that was alive after all and stored the file reports it, since what was stored is what counts.
IMPORT_TRANSITIONS = {
    ImportJob.State.QUEUED: {ImportJob.State.RUNNING},
    # back to queued: an unexpected error (not the file's) rolled the reader back; the sweep runs it again
    ImportJob.State.RUNNING: {ImportJob.State.DONE, ImportJob.State.FAILED, ImportJob.State.QUEUED},
    ImportJob.State.FAILED: {ImportJob.State.DONE},
    ImportJob.State.DONE: set(),
}


class ImportChunk(models.Model):
    """One piece of an uploaded file (256 KiB), so a worker on another host reads it back in order."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = pgettext_lazy("model name", "import chunk")
        verbose_name_plural = pgettext_lazy("model name", "import chunks")
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="import_chunk_unique")]
