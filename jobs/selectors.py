"""Reads of the jobs screens."""

from django.db.models import Count, Min, Prefetch, Q
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

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


def task_queue() -> dict:
    """The task queue as /health/ reports it: the backend, and for the database backend (django-tasks-db) the
    tasks waiting (``queued``: ready now or later), running, and the age in seconds of the oldest task that is
    ready to run (``None`` when none waits). One query over the queue's unfinished rows; DatabaseError when the
    table cannot be read."""
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return {"backend": backend.__class__.__name__,
                "detail": "Tasks run at once in the process that starts them (TASKS_BACKEND=immediate): there is "
                          "no queue and no worker."}
    now = timezone.now()
    ready = Q(status=TaskResultStatus.READY) & (Q(run_after__lte=now) | Q(run_after=get_date_max()))  # as .ready()
    figures = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).aggregate(
        queued=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest=Min("enqueued_at", filter=ready))
    oldest = figures.pop("oldest")
    return {"backend": "database", **figures,
            "oldest_ready_age_seconds": round((now - oldest).total_seconds(), 1) if oldest else None}
