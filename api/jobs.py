"""/api/v1/jobs: the background jobs of the task framework (jobs/). List (filters status and kind, cursor
pagination, sparse fields), retrieve with its ETag, the report CSV, and the actions of the Jobs screens: start
a job (its options checked by the screens' option forms, ``dry_run`` answering what it will do), cancel and
resume — each one call of jobs.services, with the screens' permissions (the Operations role, administrators)."""

import hashlib
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import JsonResponse
from django.urls import reverse
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from api import auth
from api.contacts import PROBLEMS
from api.errors import Problem, not_modified, refused, refused_by_form
from api.etag import etag_of, none_match
from api.idempotency import idempotent
from api.records import MAX_PAGE_SIZE, PAGE_SIZE
from api.schemas import Id, Strict
from crm import csv_io
from jobs import forms, kinds, selectors, services
from jobs.views import KIND_PERMS, report_response

router = Router(tags=["jobs"])
Kind = Literal["create_contacts", "link_contacts", "sync_check", "find_duplicates", "import_csv"]
JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]
OptionValue = str | int | float | bool | None


class JobOut(Schema):
    id: int
    kind: Kind
    label: str = Field(description="The kind as the Jobs page names it")
    description: str = Field(description="The options in one line, as the Jobs page shows them")
    options: dict
    started_by: str | None = Field(description="Username of who started it")
    status: JobState
    interrupted: bool = Field(description="Running, but its worker is gone: it can be resumed")
    cancel_requested: bool
    total: int
    processed: int
    done: int
    skipped: int
    errors: int
    percent: int
    result: dict
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: int | None
    report_url: str = Field(description="The report (CSV: one line per skipped or failed row, with the reason)")
    version: str = Field(description="Changes when the job changes; the ETag")


class JobFields(Schema):
    """A job with only the fields asked for (``fields=``); ``id`` always."""

    id: int
    kind: Kind | None = None
    label: str | None = None
    description: str | None = None
    options: dict | None = None
    started_by: str | None = None
    status: JobState | None = None
    interrupted: bool | None = None
    cancel_requested: bool | None = None
    total: int | None = None
    processed: int | None = None
    done: int | None = None
    skipped: int | None = None
    errors: int | None = None
    percent: int | None = None
    result: dict | None = None
    error: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: int | None = None
    report_url: str | None = None
    version: str | None = None


class JobPage(Schema):
    items: list[JobFields]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last.")


class JobFilters(Schema):
    status: JobState | None = None
    kind: Kind | None = None
    cursor: Id | None = Field(None, description="The last id of the previous page")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    fields: str | None = Field(None, max_length=1000, description="Comma-separated field names (sparse fields)")


class StartIn(Strict):
    kind: Kind
    options: dict[str, OptionValue] = Field(
        default_factory=dict, description="The options of the kind's form on the Jobs page (e.g. create_contacts: "
                                          "partner_kind, from_no, to_no, search_name, currency, posting_group)")
    csv: str | None = Field(None, description="import_csv only: the file's text (UTF-8, first row: column names)")
    file_name: str = Field("import.csv", min_length=1, max_length=200, description="import_csv only")
    dry_run: bool = Field(False, description="Only say what the job would do (the dry-run count); start nothing")


class PreviewOut(Schema):
    dry_run: bool
    kind: Kind
    options: dict
    preview: str = Field(description="What the job will do, with its count (as the Jobs page's dry run says it)")


def _version(job) -> str:
    text = "|".join(str(value) for value in (
        job.status, job.cancel_requested, job.total, job.processed, job.done, job.skipped, job.errors, job.result,
        job.error, job.started_at, job.finished_at, job.interrupted))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def serialize(request, job) -> dict:
    job = selectors.shown(job)
    duration = job.duration
    return {
        "id": job.pk, "kind": job.kind, "label": job.label, "description": job.description, "options": job.options,
        "started_by": job.started_by.get_username() if job.started_by else None, "status": job.status,
        "interrupted": job.interrupted, "cancel_requested": job.cancel_requested, "total": job.total,
        "processed": job.processed, "done": job.done, "skipped": job.skipped, "errors": job.errors,
        "percent": job.percent, "result": job.result, "error": job.error, "created_at": job.created_at,
        "started_at": job.started_at, "finished_at": job.finished_at,
        "duration_seconds": int(duration.total_seconds()) if duration is not None else None,
        "report_url": request.build_absolute_uri(reverse("api-v1:job_report", args=[job.pk])),
        "version": _version(job),
    }


def _found(pk):
    job = selectors.job_card(pk)
    if job is None:
        raise Problem(404, f"There is no job with id {pk}.", slug="not-found")
    return job


def _respond(request, job, *, status=200, conditional=True):
    data = serialize(request, job)
    etag = etag_of(data["version"])
    if conditional and none_match(request, etag):
        return not_modified(etag)
    response = JsonResponse(data, status=status)
    response["ETag"] = etag
    return response


def _fields(fields: str | None):
    if not fields:
        return None
    names = [name.strip() for name in fields.split(",") if name.strip()]
    unknown = [name for name in names if name not in JobOut.model_fields]
    if unknown:
        raise Problem(422, f"Unknown field(s) in fields=: {', '.join(unknown)}.", slug="validation",
                      errors=[{"field": "fields", "rule": "unknown_field", "message": name} for name in unknown])
    return list(dict.fromkeys(["id", *names]))


@router.get("/jobs", response={200: JobPage, **PROBLEMS}, exclude_unset=True)
def job_list(request, filters: Query[JobFilters]):
    auth.require(request, "jobs.view_job")
    shown = _fields(filters.fields)
    rows = selectors.job_list().defer(None).order_by("-pk")  # with its error: one query
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.cursor:
        rows = rows.filter(pk__lt=filters.cursor)
    batch = list(rows[:filters.limit + 1])
    more = len(batch) > filters.limit
    batch = batch[:filters.limit]
    items = [serialize(request, job) for job in batch]
    if shown is not None:
        items = [{name: item[name] for name in shown} for item in items]
    return {"items": items, "next_cursor": str(batch[-1].pk) if more else None}


@router.get("/jobs/{id}", response={200: JobOut, 304: None, **PROBLEMS})
def job_detail(request, id: Path[Id]):
    auth.require(request, "jobs.view_job")
    return _respond(request, _found(id))


@router.get("/jobs/{id}/report", response={200: None, **PROBLEMS}, url_name="job_report")
def job_report(request, id: Path[Id]):
    """The job's report as CSV (``text/csv``): one line per row it skipped or failed on, with the reason."""
    auth.require(request, "jobs.view_job")
    return report_response(_found(id))


def _options(request, payload: StartIn):
    """The options as the kind's form on the Jobs page cleans them (same fields, same refusals), and the CSV
    text of an import."""
    form_class = forms.FORMS[payload.kind]
    files = {}
    if payload.kind == "import_csv":
        if payload.csv is None:
            raise Problem(422, "An import needs the file's text in csv.", slug="validation",
                          errors=[{"field": "csv", "rule": "required", "message": "This field is required."}])
        files["file"] = SimpleUploadedFile(payload.file_name, payload.csv.encode(), content_type="text/csv")
    elif payload.csv is not None:
        raise Problem(422, "Only an import_csv job takes a file (csv).", slug="validation",
                      errors=[{"field": "csv", "rule": "not_editable", "message": "Not an option of this kind."}])
    unknown = sorted(name for name in payload.options if name not in form_class.base_fields or name == "file")
    if unknown:
        raise Problem(422, f"These options do not exist for {payload.kind}: {', '.join(unknown)}.", slug="validation",
                      errors=[{"field": f"options.{name}", "rule": "unknown_option",
                               "message": f"{name} is not an option of {payload.kind}."} for name in unknown])
    data = {name: ("" if value is None else value) for name, value in payload.options.items()}
    form = form_class(data, files)
    if not form.is_valid():
        raise refused_by_form(form)
    options = form.options()
    text = None
    if payload.kind == "import_csv":
        spec = csv_io.spec_named(options["spec"])
        auth.require(request, spec.perm("add"), spec.perm("change"))
        options["file_name"], text = form.cleaned_data["file"][0], form.cleaned_data["file"][1]
    return options, text


@router.post("/jobs", response={201: JobOut, 200: PreviewOut, **PROBLEMS})
def job_start(request, payload: StartIn):
    """Start a job (``jobs.services.start_job``) with the options of its form on the Jobs page; with ``dry_run``
    only what it will do (the Jobs page's dry-run count). Refused (422, nothing started) when its setup is
    missing or another job is still working on the same records."""
    auth.require(request, "jobs.add_job", *KIND_PERMS[payload.kind])
    options, text = _options(request, payload)
    spec = kinds.get(payload.kind)
    if payload.dry_run:
        try:
            preview = spec.preview(options, text)
        except ValidationError as exc:
            raise refused(exc) from None
        return Status(200, {"dry_run": True, "kind": payload.kind, "options": options, "preview": preview})

    def make():
        upload = services.store_upload(options["file_name"], text, user=request.user) if text is not None else None
        try:
            job = services.start_job(payload.kind, options, user=request.user, upload=upload)
        except ValidationError as exc:
            raise refused(exc) from None
        response = _respond(request, _found(job.pk), status=201, conditional=False)
        response["Location"] = f"{request.path.rstrip('/')}/{job.pk}"
        return response

    return idempotent(request, payload.model_dump(mode="json"), make)


def _act(request, service, pk):
    try:
        job = service(_found(pk))
    except ValidationError as exc:
        raise refused(exc) from None
    return _respond(request, _found(job.pk), conditional=False)


@router.post("/jobs/{id}/cancel", response={200: JobOut, **PROBLEMS})
def job_cancel(request, id: Path[Id]):
    """Cancel (``jobs.services.cancel_job``): chunks not started stop now, running ones after their batch."""
    auth.require(request, "jobs.view_job", "jobs.change_job")
    return idempotent(request, {}, lambda: _act(request, services.cancel_job, id))


@router.post("/jobs/{id}/resume", response={200: JobOut, **PROBLEMS})
def job_resume(request, id: Path[Id]):
    """Resume a failed, cancelled or interrupted job where it stopped (``jobs.services.resume_job``)."""
    auth.require(request, "jobs.view_job", "jobs.change_job")
    return idempotent(request, {}, lambda: _act(request, services.resume_job, id))

