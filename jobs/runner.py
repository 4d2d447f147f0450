"""Running one chunk of a job: the body of the task ``jobs.tasks.run_job_chunk``, and of ``run_job_inline``.

The kind's body (jobs.kinds) works in batches and calls ``Run.batch`` inside each batch's transaction:
the chunk row is locked, its attempt and the job's cancel flag checked, the checkpoint and heartbeat
written and the job's counts and report lines added — all committing with the batch, or not at all.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jobs import kinds
from jobs.models import ACTIVE, Job, JobChunk, JobLock, JobReportLine, Status

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a batch's transaction when the job was cancelled: the batch rolls back."""


class Superseded(Exception):
    """Raised when the chunk was resumed by another attempt meanwhile: this runner stops, its batch rolls back."""


class Run:
    """What a kind's body reports to: the batches it committed, and a progress callback for a command's bar."""

    def __init__(self, chunk: JobChunk, attempt: int, progress=None):
        self.chunk, self.attempt, self._progress = chunk, attempt, progress

    @property
    def checkpoint(self) -> dict:
        return self.chunk.checkpoint

    def progress(self, n):
        if self._progress:
            self._progress(n)

    def batch(self, *, processed=0, done=0, skipped=0, errors=0, checkpoint=None, add=None, lines=()):
        """Record one batch; call inside the batch's transaction. ``checkpoint`` replaces keys of the chunk's
        checkpoint, ``add`` adds to numeric ones (kind-specific figures); ``lines`` are (ref, outcome, reason)."""
        assert transaction.get_connection().in_atomic_block, "Run.batch belongs inside the batch's transaction"
        chunk = JobChunk.objects.select_for_update().get(pk=self.chunk.pk)
        if chunk.attempt != self.attempt:
            raise Superseded
        if Job.objects.filter(pk=chunk.job_id, cancel_requested=True).exists():
            raise JobCancelled
        state = {**chunk.checkpoint, **(checkpoint or {})}
        for key, value in (add or {}).items():
            state[key] = state.get(key, 0) + value
        JobChunk.objects.filter(pk=chunk.pk).update(checkpoint=state, heartbeat_at=timezone.now())
        self.chunk.checkpoint = state
        Job.objects.filter(pk=chunk.job_id).update(processed=F("processed") + processed, done=F("done") + done,
                                                    skipped=F("skipped") + skipped, errors=F("errors") + errors)
        JobReportLine.objects.bulk_create(
            JobReportLine(job_id=chunk.job_id, ref=str(ref)[:100], outcome=outcome, reason=reason)
            for ref, outcome, reason in lines)

    def beat(self, processed=0):
        """A heartbeat (and progress) outside any batch, for bodies that cannot checkpoint (one transaction)."""
        JobChunk.objects.filter(pk=self.chunk.pk, attempt=self.attempt).update(heartbeat_at=timezone.now())
        if processed:
            Job.objects.filter(pk=self.chunk.job_id).update(processed=F("processed") + processed)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return f"Unexpected error ({type(exc).__name__}): {exc}. The batches committed before it are kept; resume the job."


def run_chunk(chunk_id: int, attempt: int, progress=None, results=None) -> str:
    """Run the chunk (unless it was cancelled or resumed by a newer attempt); returns its final status.
    ``results``: a list the body's return value is appended to (a command prints it)."""
    chunk = JobChunk.objects.select_related("job").filter(pk=chunk_id).first()
    if chunk is None or chunk.attempt != attempt or chunk.status != Status.QUEUED:
        return "superseded"
    job = chunk.job
    now = timezone.now()
    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            JobChunk.objects.filter(pk=chunk.pk, attempt=attempt).update(status=Status.CANCELLED)
            status = None
        else:
            JobChunk.objects.filter(pk=chunk.pk, attempt=attempt).update(status=Status.RUNNING, heartbeat_at=now,
                                                                          error="")
            Job.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=now)
            Job.objects.filter(pk=job.pk, status=Status.QUEUED).update(status=Status.RUNNING)
            status = Status.RUNNING
    if status is None:
        finish_job(job.pk)
        return Status.CANCELLED
    error = ""
    try:
        value = kinds.get(job.kind).run(chunk, job.options, Run(chunk, attempt, progress))
        if results is not None:
            results.append(value)
        status = Status.SUCCEEDED
    except Superseded:
        return "superseded"
    except JobCancelled:
        status = Status.CANCELLED
    except Exception as exc:  # noqa: BLE001 - a job's error is shown on its page, never raised to the worker
        logger.exception("Job %s chunk %s failed", job.pk, chunk.index)
        status, error = Status.FAILED, _message(exc)
    JobChunk.objects.filter(pk=chunk.pk, attempt=attempt).update(status=status, error=error,
                                                                 heartbeat_at=timezone.now())
    finish_job(job.pk)
    return status


def finish_job(job_id: int) -> None:
    """When no chunk is queued or running any more, the job takes its final status and lets its locks go."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        chunks = list(job.chunks.values_list("status", "error"))
        if any(status in ACTIVE for status, _ in chunks):
            return
        statuses = {status for status, _ in chunks}
        job.status = (Status.FAILED if Status.FAILED in statuses
                      else Status.CANCELLED if Status.CANCELLED in statuses else Status.SUCCEEDED)
        job.error = next((error for status, error in chunks if error), "")
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        JobLock.objects.filter(job=job).delete()
