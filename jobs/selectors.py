"""Reads of the jobs screens."""

from django.db.models import Prefetch

from jobs import kinds
from jobs.models import Job, JobChunk, JobUpload, Status


def _jobs():
    return Job.objects.select_related("started_by").prefetch_related(
        Prefetch("chunks", queryset=JobChunk.objects.only("job_id", "status", "heartbeat_at", "index")))


def job_list():
    return _jobs().defer("error").order_by("-created_at", "-pk")


def job_card(pk) -> Job | None:
    return _jobs().filter(pk=pk).first()


def report_lines(job: Job):
    return job.report_lines.order_by("pk").values_list("ref", "outcome", "reason")


def preview_upload(pk, user):
    return JobUpload.objects.filter(pk=pk, job__isnull=True, uploaded_by=user).first()


def shown(job: Job) -> Job:
    """The job with what its screens print: its kind's label, a line for its options, and whether its worker
    is gone (running, but a chunk's heartbeat is stale: "interrupted")."""
    kind = kinds.KINDS.get(job.kind)
    job.label = kind.label if kind else job.kind
    try:
        job.description = kind.describe(job.options) if kind else ""
    except (KeyError, TypeError, ValueError):
        job.description = ""
    job.interrupted = job.status == Status.RUNNING and any(chunk.interrupted for chunk in job.chunks.all())
    return job
