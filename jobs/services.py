"""Writes of the jobs app: start, cancel and resume a job, or run it in the foreground (the commands).

``start_job`` plans the chunks, takes the job's locks (a second job that would write the same records is
refused with a message naming the first) and, once committed, enqueues one task per chunk. A cancelled,
failed or interrupted job resumes: each unfinished chunk gets a new attempt from its checkpoint.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs import kinds, runner, tasks
from jobs.models import ACTIVE, FINISHED, Job, JobChunk, JobLock, JobUpload, Status


def _take_locks(job: Job, keys) -> None:
    for key in keys:
        try:
            with transaction.atomic():
                JobLock.objects.create(key=key, job=job)
        except IntegrityError:
            holder = JobLock.objects.select_related("job").filter(key=key).first()
            other = f"job {holder.job.pk} ({kinds.get(holder.job.kind).label.lower()})" if holder else "another job"
            raise ValidationError(
                f"{other[0].upper()}{other[1:]} is still working on the {key.replace('_', ' ')} records: wait until "
                "it has finished, or cancel it, then start this one.") from None


def _enqueue(chunks) -> None:
    for chunk_id, attempt in chunks:
        result = tasks.run_job_chunk.enqueue(chunk_id, attempt)
        JobChunk.objects.filter(pk=chunk_id, attempt=attempt).update(task_id=str(result.id)[:64])


def start_job(kind: str, options: dict, *, user=None, upload: JobUpload | None = None, enqueue=True) -> Job:
    """Create the job and its chunks, take its locks and (after commit) enqueue its chunks.

    Raises ValidationError (nothing created) when the setup refuses the job or another job holds a lock."""
    spec = kinds.get(kind)
    total, ranges = spec.plan(options, upload.text if upload else None)
    with transaction.atomic():
        job = Job.objects.create(kind=kind, options=options, started_by=user, total=total)
        if upload is not None:
            if JobUpload.objects.filter(pk=upload.pk, job__isnull=True).update(job=job) != 1:
                raise ValidationError("This file was imported already: upload it again to import it once more.")
        JobChunk.objects.bulk_create(JobChunk(job=job, index=index, after_pk=after, up_to_pk=up_to,
                                              checkpoint={"last_pk": after} if after else {})
                                     for index, (after, up_to) in enumerate(ranges))
        _take_locks(job, spec.locks(options))
        if enqueue:
            pending = list(job.chunks.values_list("pk", "attempt"))
            transaction.on_commit(lambda: _enqueue(pending))
    return job


UNSTARTED_UPLOAD_DAYS = 1  # a previewed file nobody started a job with is dropped after this


def store_upload(name: str, text: str, *, user=None) -> JobUpload:
    """Keep an uploaded CSV file for an import job (the form previews it, then starts the job with it).
    Files previewed more than ``UNSTARTED_UPLOAD_DAYS`` ago and never started go at the same time."""
    cutoff = timezone.now() - timedelta(days=UNSTARTED_UPLOAD_DAYS)
    JobUpload.objects.filter(job__isnull=True, created_at__lt=cutoff).delete()
    return JobUpload.objects.create(name=name[:200], text=text, uploaded_by=user)


def cancel_job(job: Job) -> Job:
    """Stop the job: chunks not started (or whose worker is gone) stop now, running ones after their batch."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status in FINISHED:
            raise ValidationError(f"This job has already {job.get_status_display().lower()}.")
        job.cancel_requested = True
        job.save(update_fields=["cancel_requested"])
        for chunk in job.chunks.filter(status__in=ACTIVE):
            if chunk.status == Status.QUEUED or chunk.interrupted:
                # attempt + 1: a task still in the queue, or a worker that comes back, does nothing
                JobChunk.objects.filter(pk=chunk.pk).update(status=Status.CANCELLED, attempt=chunk.attempt + 1)
    runner.finish_job(job.pk)
    job.refresh_from_db()
    return job


def is_interrupted(job: Job) -> bool:
    return job.status == Status.RUNNING and any(chunk.interrupted for chunk in job.chunks.all()
                                                if chunk.status == Status.RUNNING)


def resume_job(job: Job, *, enqueue=True) -> Job:
    """Run a failed, cancelled or interrupted job's unfinished chunks again, each from its checkpoint."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        interrupted = is_interrupted(job)
        if job.status not in (Status.FAILED, Status.CANCELLED) and not interrupted:
            raise ValidationError("Only a failed, cancelled or interrupted job can be resumed.")
        if not interrupted:
            _take_locks(job, kinds.get(job.kind).locks(job.options))
        pending = []
        for chunk in job.chunks.exclude(status=Status.SUCCEEDED):
            if chunk.status == Status.RUNNING and not chunk.interrupted:
                continue  # its worker is alive
            JobChunk.objects.filter(pk=chunk.pk).update(status=Status.QUEUED, attempt=chunk.attempt + 1, error="")
            pending.append((chunk.pk, chunk.attempt + 1))
        job.status, job.cancel_requested, job.error, job.finished_at = Status.QUEUED, False, "", None
        job.save(update_fields=["status", "cancel_requested", "error", "finished_at"])
        if enqueue:
            transaction.on_commit(lambda: _enqueue(pending))
    return job


def run_job_inline(job: Job, *, progress=None, results=None) -> Job:
    """Run every queued chunk of ``job`` here and now, in order (the commands' foreground run): the very body
    a worker runs, with ``progress`` called as rows are handled and each chunk's result added to ``results``."""
    for chunk_id, attempt in job.chunks.filter(status=Status.QUEUED).values_list("pk", "attempt"):
        runner.run_chunk(chunk_id, attempt, progress=progress, results=results)
    job.refresh_from_db()
    return job


