"""CSV export and import screens for any model with a registered ``crm.csv_io.CsvSpec`` (contacts, customers,
vendors, bank accounts), named ``csv:export`` / ``csv:import`` with the spec's name: ``{% url 'csv:export'
'customer' %}``.

Export streams the rows the list shows for the same query string (its search, filters and sort), read by
the list's own selector through the spec's ``list_rows``; a spec without one exports every row. Import: upload
→ preview with row-level errors and, for updated records, each change old → new → confirm (optionally
excluding the bad rows). The CSV text travels in the confirm form, so the preview and the import read the same
file and nothing is stored in between. The screens need the model's view permission (export), or its add and
change permissions (import).

Generic: the specs come from ``csv_io``'s registry, filled by the apps' csv_specs modules; crm imports no app.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from crm import csv_io
from crm.htmx import render_page

MAX_UPLOAD = 10 * 1024 * 1024


def _spec(request, name, actions):
    spec = csv_io.spec_named(name)
    if spec is None:
        raise Http404("No such list.")
    if not all(request.user.has_perm(spec.perm(action)) for action in actions):
        raise PermissionDenied
    return spec


def list_url(spec):
    """The URL name of the list the CSV screens return to (the spec's own, else the start page)."""
    return spec.list_url or "home"


@require_GET
def csv_export(request, kind):
    spec = _spec(request, kind, ["view"])
    return csv_io.export_response(spec, spec.list_rows(request.GET, request.user) if spec.list_rows else None)


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, first row: column names.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError("The file is larger than 10 MB: split it into several imports.")
        return csv_io.read_text(upload)


class ConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    exclude_bad_rows = forms.BooleanField(required=False, label="Leave out the rows with errors")


TEMPLATE = "crm/csv_import.html"


@require_http_methods(["GET", "POST"])
def csv_import(request, kind):
    """GET: the upload form. POST of a file: its preview. POST of the preview's confirm form: the import."""
    spec = _spec(request, kind, ["add", "change"])
    context = {"spec": spec, "list_url": list_url(spec), "columns": spec.columns, "upload": UploadForm()}
    if request.method == "GET":
        return render_page(request, TEMPLATE, context)
    if "csv_text" not in request.POST:
        upload = context["upload"] = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            text = upload.cleaned_data["file"]
            context.update(preview=csv_io.preview(spec, text, user=request.user),
                           confirm=ConfirmForm(initial={"csv_text": text}))
        return render_page(request, TEMPLATE, context)
    confirm = ConfirmForm(request.POST)
    if not confirm.is_valid():
        context["errors"] = ["The import form was incomplete: upload the file again."]
        return render_page(request, TEMPLATE, context)
    text = confirm.cleaned_data["csv_text"]
    try:
        result, saved = csv_io.run_import(spec, text, exclude_bad_rows=confirm.cleaned_data["exclude_bad_rows"],
                                          user=request.user)
    except ValidationError as exc:
        context.update(preview=csv_io.preview(spec, text, user=request.user), confirm=confirm,
                       errors=exc.messages)
        return render_page(request, TEMPLATE, context)
    skipped = len(result.bad_rows)
    messages.success(request, f"Imported {saved} {spec.label}"
                              + (f"; left out {skipped} row(s) with errors." if skipped else "."))
    return redirect(context["list_url"])
