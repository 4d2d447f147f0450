"""CSV export and import screens for contacts, customers, vendors and bank accounts.

Export streams every row (or the rows matching the list's search ``q``). Import: upload → preview
with row-level errors → confirm (optionally excluding the bad rows). The CSV text travels in the
confirm form, so the preview and the import read the same file and nothing is stored in between.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from contacts.csv_specs import CSV_KINDS
from crm import csv_io

MAX_UPLOAD = 10 * 1024 * 1024


def _kind(request, kind, actions):
    if kind not in CSV_KINDS:
        raise Http404("No such list.")
    spec, perm, list_url = CSV_KINDS[kind]
    app, model = perm.split(".")
    if not all(request.user.has_perm(f"{app}.{action}_{model}") for action in actions):
        raise PermissionDenied
    return spec, list_url


@require_GET
def csv_export(request, kind):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    spec, _ = _kind(request, kind, ["view"])
    queryset = spec.model._default_manager.all()
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        queryset = queryset.filter(Q(no__icontains=q) | Q(name__icontains=q) | Q(city__icontains=q)
                                   | Q(email__icontains=q))
    response = StreamingHttpResponse(csv_io.export_rows(spec, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.model._meta.model_name}s.csv"'
    return response


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


@require_http_methods(["GET", "POST"])
def csv_import(request, kind):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    spec, list_url = _kind(request, kind, ["add", "change"])
    context = {"kind": kind, "spec": spec, "list_url": list_url, "columns": spec.columns, "upload": UploadForm()}
    if request.method == "POST" and "csv_text" in request.POST:
        confirm = ConfirmForm(request.POST)
        if confirm.is_valid():
            text = confirm.cleaned_data["csv_text"]
            try:
                result, saved = csv_io.run_import(spec, text,
                                                  exclude_bad_rows=confirm.cleaned_data["exclude_bad_rows"])
            except ValidationError as exc:
                context.update(preview=csv_io.preview(spec, text), confirm=confirm, errors=exc.messages)
                return render(request, "contacts/csv_import.html", context)
            skipped = len(result.bad_rows)
            messages.success(request, f"Imported {saved} {spec.label}" + (f"; left out {skipped} row(s) with "
                                                                          "errors." if skipped else "."))
            return redirect(list_url)
        context["errors"] = ["The import form was incomplete: upload the file again."]
        return render(request, "contacts/csv_import.html", context)
    upload = UploadForm(request.POST or None, request.FILES or None)
    context["upload"] = upload
    if request.method == "POST" and upload.is_valid():
        text = upload.cleaned_data["file"]
        context["preview"] = csv_io.preview(spec, text)
        context["confirm"] = ConfirmForm(initial={"csv_text": text})
    return render(request, "contacts/csv_import.html", context)
