"""The Jobs screens: start a job (options → dry-run count → start), the list, the card with its live progress
(htmx polls the ``progress`` region; without JavaScript a refresh link), the report CSV, cancel and resume.

Thin views: the rules are jobs.services' and jobs.kinds'; a refusal (setup missing, a job already working on
the same records, a job in the wrong state) is a message on the page, never an error page.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import csv_io
from crm.htmx import render_page
from crm.pagination import paginate
from crm.permissions import require
from jobs import forms, kinds, selectors, services
from jobs.models import ACTIVE

# What a user needs beyond jobs.add_job to start each kind (it writes those records).
KIND_PERMS = {
    "create_contacts": ["contacts.add_contact"],
    "link_contacts": ["contacts.change_contact"],
    "sync_check": ["contacts.change_contact"],
    "find_duplicates": ["contacts.change_contact"],
    "import_csv": [],  # the chosen list's add and change permissions, checked on the form's choice
}


def _kind(request, kind):
    if kind not in kinds.KINDS:
        raise Http404("No such kind of job.")
    if not request.user.has_perms(KIND_PERMS[kind]):
        raise PermissionDenied
    return kinds.get(kind)


def _job(pk):
    job = selectors.job_card(pk)
    if job is None:
        raise Http404("No such job.")
    return selectors.shown(job)


@require_GET
@require("jobs.view_job")
def job_list(request):
    can_start = request.user.has_perm("jobs.add_job")
    startable = [kind for kind in kinds.KINDS.values() if can_start and request.user.has_perms(KIND_PERMS[kind.key])]
    page = paginate(selectors.job_list(), request.GET.get("page"))
    page.object_list = [selectors.shown(job) for job in page.object_list]
    return render_page(request, "jobs/job_list.html", {"page": page, "startable": startable,
                                                       "active": any(job.status in ACTIVE for job in page)},
                       regions=("jobs",))


def _import_spec(request, name):
    spec = csv_io.spec_named(name or "")
    if spec is None:
        return None
    if not all(request.user.has_perm(spec.perm(action)) for action in ("add", "change")):
        raise PermissionDenied
    return spec


@require_http_methods(["GET", "POST"])
@require("jobs.add_job")
def job_new(request, kind):
    """GET: the options. POST ``preview``: what the job will do (a dry run's count). POST ``start``: the job."""
    spec = _kind(request, kind)
    form_class = forms.FORMS[kind]
    context = {"kind": spec, "form": form_class()}
    if request.method == "GET":
        return render_page(request, "jobs/job_new.html", context)
    upload = None
    if kind == "import_csv" and "upload" in request.POST:  # the start of a previewed import
        form = forms.ImportStartForm(request.POST)
        upload = selectors.preview_upload(request.POST.get("upload"), request.user) if form.is_valid() else None
        if upload is None:
            messages.error(request, "The previewed file is no longer there: upload it again.")
            return render_page(request, "jobs/job_new.html", context)
    else:
        form = context["form"] = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return render_page(request, "jobs/job_new.html", context)
    options = form.options()
    if kind == "import_csv":
        if _import_spec(request, options["spec"]) is None:
            raise Http404("This list cannot be imported.")
        if upload is None:
            name, text = form.cleaned_data["file"]
            upload = services.store_upload(name, text, user=request.user)
        options["file_name"] = upload.name
    try:
        if "start" in request.POST:
            job = services.start_job(kind, options, user=request.user, upload=upload)
            messages.success(request, f"Job {job.pk} started: {spec.label.lower()} {spec.describe(options)}.")
            return redirect("jobs:detail", job.pk)
        context.update(preview=spec.preview(options, upload.text if upload else None), options=options,
                       upload=upload)
    except ValidationError as exc:
        context["errors"] = exc.messages
    return render_page(request, "jobs/job_new.html", context)


@require_GET
@require("jobs.view_job")
def job_detail(request, pk):
    job = _job(pk)
    return render_page(request, "jobs/job_detail.html",
                       {"job": job, "can_change": request.user.has_perm("jobs.change_job")},
                       regions=("progress",))


@require_POST
@require("jobs.change_job")
def job_cancel(request, pk):
    try:
        job = services.cancel_job(_job(pk))
        messages.success(request, f"Job {job.pk} is cancelled." if job.status not in ACTIVE
                         else f"Job {job.pk} stops after the batch it is working on.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("jobs:detail", pk)


@require_POST
@require("jobs.change_job")
def job_resume(request, pk):
    try:
        job = services.resume_job(_job(pk))
        messages.success(request, f"Job {job.pk} resumes where it stopped.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("jobs:detail", pk)


class _Echo:
    def write(self, value):
        return value


def report_response(job) -> StreamingHttpResponse:
    """The job's report as a CSV download (the screen's and the API's): one line per skipped or failed row."""
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["row", "outcome", "reason"])
        for line in selectors.report_lines(job).iterator(chunk_size=2000):
            yield writer.writerow([csv_io.to_export_cell(value) for value in line])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-report.csv"'
    return response


@require_GET
@require("jobs.view_job")
def job_report(request, pk):
    """One line per row the job skipped or failed on, with the reason (cells safe from spreadsheet formulas)."""
    return report_response(_job(pk))
