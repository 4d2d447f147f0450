"""Background jobs: a bulk operation started from the browser (or a command), run by task workers in chunks.

A ``Job`` is what the user started (its kind, options, who, when, counts, status). Its work is split into
``JobChunk`` rows — a create job's partner range into several chunks that several workers can run at once,
every other kind into one — each a task of Django's task framework with its own checkpoint. Counts and
checkpoint move in the same transaction as the batch they describe, so a killed worker loses nothing that
was committed and a resumed chunk starts after its last committed batch. ``JobLock`` rows keep two jobs
that write the same records from running at once (a unique key per record kind); ``JobReportLine`` is
one skipped or failed row of the downloadable report; ``JobUpload`` keeps an uploaded CSV file.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE = (Status.QUEUED, Status.RUNNING)
FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)


def stale_before():
    """A running chunk whose last heartbeat is older than this has lost its worker."""
    return timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER)


class Job(models.Model):
    kind = models.CharField(max_length=30)  # jobs.kinds registry key
    options = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)  # rows the job will go through
    processed = models.PositiveIntegerField(default=0)  # rows gone through so far (the progress bar)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # kind-specific figures (e.g. persons, duplicates)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="jobs_job_status_valid"),
        ]

    def __str__(self):
        return f"Job {self.pk} ({self.kind})"

    @property
    def percent(self) -> int:
        if self.status == Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.processed * 100 // self.total)

    @property
    def duration(self):
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def duration_text(self) -> str:
        """``h:mm:ss``, or "" before the job started."""
        if self.duration is None:
            return ""
        seconds = int(self.duration.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class JobChunk(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    after_pk = models.BigIntegerField(default=0)  # the range of a create job's chunk: after_pk < pk <= up_to_pk
    up_to_pk = models.BigIntegerField(null=True, blank=True)
    checkpoint = models.JSONField(default=dict, blank=True)  # where a resumed chunk starts (last pk, rows read)
    attempt = models.PositiveIntegerField(default=1)  # a resume starts attempt + 1; an older runner stops
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="jobs_chunk_unique_index"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="jobs_chunk_status_valid"),
        ]

    @property
    def interrupted(self) -> bool:
        return self.status == Status.RUNNING and (self.heartbeat_at is None or self.heartbeat_at < stale_before())


class JobLock(models.Model):
    """One row per kind of record a running job writes ("customer", "contact", …): the unique key refuses a
    second job that would write the same records while the first holds it (released when it finishes or is
    cancelled; kept by a failed or interrupted job until it is resumed to the end or cancelled)."""

    key = models.CharField(max_length=30, unique=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="locks")


class JobReportLine(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="report_lines")
    ref = models.CharField(max_length=100)  # the row: a partner no., a CSV line, a pair
    outcome = models.CharField(max_length=20)  # "skipped" | "error"
    reason = models.TextField()

    class Meta:
        ordering = ["job", "pk"]


class JobUpload(models.Model):
    """The CSV file of an import job, kept in the database so that any worker can read it. Stored when the
    form previews it (``job`` still empty, only its uploader may start a job with it), then the job's."""

    job = models.OneToOneField(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="upload")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    name = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
