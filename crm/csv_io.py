"""CSV export and import of one model, with a preview and row-level errors.

Generic (it knows models, not apps), so the admin of any app and the list screens can use it; the CSV
screens (``crm.csv_views``) find a spec by its ``name``.
A ``CsvSpec`` names the columns: model fields, where a foreign key is written and read as the
related row's code (``territory`` → ``T01``). Import rules:

- the first row is the header; unknown columns are refused, missing ones keep their current (or
  default) value; a row whose ``no`` exists updates that record, otherwise it is created (a blank
  ``no`` takes the next number of its series);
- every row is validated as a form would be (validators for country, currency, IBAN, …); errors
  are reported per line and column;
- nothing is written while any row has an error, unless the bad rows are explicitly excluded; the
  import is one transaction: if saving any row fails (a rule of the sync engine, say), nothing stays;
- rows are saved with ``save()``, so everything that follows a normal save (synchronization to the
  linked contact or partners, change history) happens for imported rows too.
"""

import csv
import io
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import StreamingHttpResponse

MAX_ROWS = 50_000
TRUE_WORDS = {"1", "true", "yes", "y", "x"}
FALSE_WORDS = {"", "0", "false", "no", "n"}


@dataclass
class CsvSpec:
    model: type
    columns: tuple[str, ...]
    lookups: dict = field(default_factory=dict)  # FK field name → field of the related model written in CSV
    key: str = "no"
    name: str = ""  # the CSV screens' URL word (/contacts/csv/<name>/export/); default: the model's name
    list_url: str = ""  # URL name of the list screen the CSV screens return to ("" → see crm.csv_views)

    def __post_init__(self):
        self.name = self.name or self.model._meta.model_name

    @property
    def label(self):
        return str(self.model._meta.verbose_name_plural)

    def perm(self, action: str) -> str:
        """The permission to ``action`` (view, add, change) the spec's model."""
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def _value_paths(spec):
    return [f"{c}__{spec.lookups[c]}" if c in spec.lookups else c for c in spec.columns]


def _cell(value):
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


class _Echo:
    def write(self, value):
        return value


def export_rows(spec: CsvSpec, queryset=None):
    """Yield the CSV text line by line (header first), streaming over ``queryset`` (default: all rows)."""
    queryset = spec.model._default_manager.all() if queryset is None else queryset
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(spec.columns)  # BOM: spreadsheets then read UTF-8
    for row in queryset.order_by(spec.key).values_list(*_value_paths(spec)).iterator(chunk_size=2000):
        yield writer.writerow([_cell(v) for v in row])


def export_text(spec: CsvSpec, queryset=None) -> str:
    return "".join(export_rows(spec, queryset))


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    line: int
    values: dict
    action: str = ""  # "create" | "update"
    errors: list = field(default_factory=list)
    form: object = None

    @property
    def ok(self):
        return not self.errors


@dataclass
class ImportPreview:
    spec: CsvSpec
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)

    @property
    def bad_rows(self):
        return [r for r in self.rows if not r.ok]

    @property
    def good_rows(self):
        return [r for r in self.rows if r.ok]

    @property
    def can_import(self):
        return not self.file_errors and bool(self.rows)


def read_text(uploaded) -> str:
    """The text of an uploaded file (UTF-8, with or without BOM); ValidationError when it is not text."""
    raw = uploaded.read() if hasattr(uploaded, "read") else uploaded
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.") from exc


def _form_class(spec, columns):
    names = [c for c in columns if c in spec.columns]
    return forms.modelform_factory(spec.model, fields=names)


def _is_boolean(model, name):
    return isinstance(model._meta.get_field(name), models.BooleanField)


def preview(spec: CsvSpec, text: str) -> ImportPreview:
    """Validate every row of ``text``; nothing is written."""
    result = ImportPreview(spec=spec)
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        result.file_errors.append("The file is empty.")
        return result
    except csv.Error as exc:
        result.file_errors.append(f"The file is not readable as CSV: {exc}.")
        return result
    unknown = [h for h in header if h not in spec.columns]
    if unknown:
        result.file_errors.append(
            f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(spec.columns)}.")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        result.file_errors.append(f"Column(s) given twice: {', '.join(duplicated)}.")
    if result.file_errors:
        return result

    raw_rows = []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(raw_rows) >= MAX_ROWS:
                result.file_errors.append(f"Too many rows: at most {MAX_ROWS} per import.")
                return result
            raw_rows.append((line, cells))
    except csv.Error as exc:
        result.file_errors.append(f"The file is not readable as CSV: {exc}.")
        return result
    if not raw_rows:
        result.file_errors.append("The file has a header but no rows.")
        return result

    manager = spec.model._default_manager
    keys = [dict(zip(header, cells, strict=False)).get(spec.key, "").strip() for _, cells in raw_rows]
    existing = {getattr(obj, spec.key): obj for obj in manager.filter(**{f"{spec.key}__in": [k for k in keys if k]})}
    lookup_maps = {}
    for name, lookup_field in spec.lookups.items():
        if name in header:
            related = spec.model._meta.get_field(name).related_model
            wanted = {dict(zip(header, c, strict=False)).get(name, "").strip() for _, c in raw_rows} - {""}
            lookup_maps[name] = dict(related._default_manager.filter(**{f"{lookup_field}__in": wanted})
                                     .values_list(lookup_field, "pk"))
    form_class = _form_class(spec, header)
    seen_keys = {}
    for (line, cells), key in zip(raw_rows, keys, strict=True):
        row = RowResult(line=line, values=dict(zip(header, (c.strip() for c in cells), strict=False)))
        if len(cells) > len(header):
            row.errors.append(f"{len(cells)} values for {len(header)} columns.")
        if key and key in seen_keys:
            row.errors.append(f"{spec.key} {key} is also on line {seen_keys[key]}.")
        if key:
            seen_keys.setdefault(key, line)
        instance = existing.get(key) if key else None
        row.action = "update" if instance is not None else "create"
        data = {}
        for name, value in row.values.items():
            if name in spec.lookups:
                if value and value not in lookup_maps[name]:
                    row.errors.append(f"{name}: no {spec.model._meta.get_field(name).related_model._meta.verbose_name}"
                                      f" with {spec.lookups[name]} “{value}”.")
                data[name] = lookup_maps[name].get(value, "") if value else ""
            elif _is_boolean(spec.model, name):
                word = value.lower()
                if word not in TRUE_WORDS | FALSE_WORDS:
                    row.errors.append(f"{name}: “{value}” is not yes or no.")
                if word in TRUE_WORDS:
                    data[name] = "on"
            else:
                data[name] = value
        form = form_class(data=data, instance=instance if instance is not None else spec.model())
        if not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:
                    row.errors.append(f"{name}: {error}" if name != "__all__" else error)
        row.form = form
        result.rows.append(row)
    return result


def run_import(spec: CsvSpec, text: str, *, exclude_bad_rows: bool = False) -> tuple[ImportPreview, int]:
    """Validate and, when allowed, save every good row in one transaction. Returns (preview, rows saved).

    Raises ValidationError (nothing written) when the file has errors, when rows have errors and
    they were not excluded, or when saving a row is refused.
    """
    result = preview(spec, text)
    if result.file_errors:
        raise ValidationError(result.file_errors)
    if result.bad_rows and not exclude_bad_rows:
        raise ValidationError(f"{len(result.bad_rows)} row(s) have errors: fix them, or exclude them from the "
                              "import. Nothing was imported.")
    saved = 0
    with transaction.atomic():
        for row in result.good_rows:
            try:
                row.form.save()
            except ValidationError as exc:
                raise ValidationError(f"Line {row.line}: {' '.join(exc.messages)} Nothing was imported.") from exc
            saved += 1
    return result, saved


# ---------------------------------------------------------------------------------------------
# Admin action
# ---------------------------------------------------------------------------------------------

SPECS: dict = {}  # model → CsvSpec, filled by each app's csv_specs module (imported by its AppConfig.ready)


def register(spec: CsvSpec) -> CsvSpec:
    SPECS[spec.model] = spec
    return spec


def spec_named(name: str) -> CsvSpec | None:
    """The registered spec whose URL word is ``name``, or None."""
    return next((spec for spec in SPECS.values() if spec.name == name), None)


def export_response(spec: CsvSpec, queryset=None) -> StreamingHttpResponse:
    """The rows of ``queryset`` (default: all) as a streamed CSV download named after the model."""
    response = StreamingHttpResponse(export_rows(spec, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{spec.model._meta.model_name}s.csv"'
    return response


def export_as_csv(modeladmin, request, queryset):
    """Admin action: the selected rows as a CSV file (the same columns as the list screens' export)."""
    return export_response(SPECS[queryset.model], queryset)


export_as_csv.short_description = "Export selected as CSV"
export_as_csv.allowed_permissions = ("view",)
