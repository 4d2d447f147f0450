"""CSV export and import of one model, with a preview and row-level errors.

Generic (it knows models, not apps), so the admin of any app and the list screens can use it; the CSV
screens (``crm.csv_views``) find a spec by its ``name``.
A ``CsvSpec`` names the columns: model fields, where a foreign key is written and read as the
related row's code (``territory`` → ``T01``). Import rules:

- the first row is the header; unknown columns are refused, missing ones keep their current (or
  default) value; a row whose ``no`` exists updates that record, otherwise it is created (a blank
  ``no`` takes the next number of its series when the model's ``save()`` runs; a new row's blank cell
  takes the field's default, as a new card would);
- every row is validated as a form would be (validators for country, currency, IBAN, …); errors
  are reported per line and column, in plain words: a database constraint is explained, never named;
  the preview lists, for each row that updates a record, the cells that change (old → new);
- nothing is written while any row has an error, unless the bad rows are explicitly excluded; the
  import is one transaction: if saving any row fails (a rule of the sync engine, a number taken or a
  code deleted meanwhile), nothing stays, and the message names the line and column;
- a cell the export wrote behind a single quote (a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return, which a spreadsheet would run as a formula) is read without that quote, so a round trip keeps the value;
- rows are saved with ``save()``, so everything that follows a normal save (synchronization to the
  linked contact or partners, change history) happens for imported rows too.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
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
    # The rows the list screen shows a user for a query string (its search, filters and sort), read by the
    # list's own selector (``list_rows(query, user)``): the export writes exactly those. None: every row.
    list_rows: Callable | None = None
    # The rows a user may see and so update by import (``visible_rows(user)``, a queryset); None: every row.
    visible_rows: Callable | None = None

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


def _value_paths(spec, columns=None):
    return [f"{c}__{spec.lookups[c]}" if c in spec.lookups else c for c in (columns or spec.columns)]


def _cell(value):
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


# A cell starting with one of these is a live formula in a spreadsheet (OWASP "CSV injection"): the export
# writes it after a single quote, which spreadsheets show as text and hide; the import takes that quote off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    # Text that already starts with quotes before a formula character gets one more, so the round trip is exact.
    return text.lstrip("'").startswith(FORMULA_STARTS)


def to_export_cell(value) -> str:
    """A value as the export writes it: a formula-looking text behind a single quote."""
    text = _cell(value)
    return "'" + text if _needs_quote(text) else text


def from_export_cell(text: str) -> str:
    """An imported cell: the single quote the export put before a formula-looking text taken off again."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


class _Echo:
    def write(self, value):
        return value


def export_rows(spec: CsvSpec, queryset=None):
    """Yield the CSV text line by line (header first), streaming over ``queryset`` (default: all rows) in its
    order (by ``no`` when it has none)."""
    queryset = spec.model._default_manager.all() if queryset is None else queryset
    if not queryset.ordered:
        queryset = queryset.order_by(spec.key)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(spec.columns)  # BOM: spreadsheets then read UTF-8
    for row in queryset.values_list(*_value_paths(spec)).iterator(chunk_size=2000):
        yield writer.writerow([to_export_cell(v) for v in row])


def export_text(spec: CsvSpec, queryset=None) -> str:
    return "".join(export_rows(spec, queryset))


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


@dataclass
class Change:
    """One cell of an update row whose value differs from the record's: ``column``, ``old`` → ``new``."""

    column: str
    old: str
    new: str


@dataclass
class RowResult:
    line: int
    values: dict
    action: str = ""  # "create" | "update"
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # an update's cells that change the record (Change)
    form: object = None
    key: str = ""  # the row's ``no`` ("" → a new record that takes the next number of its series)

    @property
    def ok(self):
        return not self.errors

    @property
    def takes_next_number(self):
        return self.action == "create" and not self.key


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

    @property
    def counts(self):
        """How many good rows create a record, change one, and leave one as it is."""
        good = self.good_rows
        created = sum(1 for r in good if r.action == "create")
        updated = sum(1 for r in good if r.action == "update" and r.changes)
        return {"create": created, "update": updated, "unchanged": len(good) - created - updated}


def read_text(uploaded) -> str:
    """The text of an uploaded file (UTF-8, with or without BOM); ValidationError when it is not text or contains a
    NUL character."""
    raw = uploaded.read() if hasattr(uploaded, "read") else uploaded
    if not isinstance(raw, str):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.") from exc
    if "\x00" in raw:  # PostgreSQL cannot store it; checked before any row is read, for every database alike
        raise ValidationError("The file contains a character that cannot be stored (NUL). Save it again from your "
                              "spreadsheet as “CSV UTF-8”, or remove the invisible character, and import it again.")
    return raw


class RowForm(forms.ModelForm):
    """One CSV row, validated as the record's own form would be.

    A blank key (``no``) is left to the model's ``save()``, which takes the next number of the record's
    series: the database's "number is set" constraint is not checked before then.
    """

    key = "no"

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if not self.cleaned_data.get(self.key):
            exclusions.add(self.key)
        return exclusions


def _form_class(spec, columns):
    names = [c for c in columns if c in spec.columns]
    return forms.modelform_factory(spec.model, form=type("CsvRowForm", (RowForm,), {"key": spec.key}), fields=names)


def _is_boolean(model, name):
    return isinstance(model._meta.get_field(name), models.BooleanField)


# --- plain words for what the database (or its constraints) refuses: never a constraint's name ---------------


def _constraint_columns(constraint) -> list[str]:
    if getattr(constraint, "fields", None):
        return list(constraint.fields)
    condition = getattr(constraint, "condition", None)
    return sorted(condition.referenced_base_fields) if condition is not None else []


def _explain_constraint(spec, constraint, values) -> tuple[list[str], str]:
    """(columns, plain message) for a row refused by ``constraint``."""
    columns = _constraint_columns(constraint)
    what = spec.model._meta.verbose_name
    if isinstance(constraint, models.UniqueConstraint):
        if len(columns) == 1 and values.get(columns[0]):
            return columns, f"“{values[columns[0]]}” is already used by another {what}."
        return columns, f"these values are already used by another {what}."
    if len(columns) == 1:
        value = values.get(columns[0], "")
        return columns, f"“{value}” is not allowed here." if value else "a value is needed."
    return columns, "these values do not fit together."


def _constraint_named_in(spec, text):
    return next((c for c in spec.model._meta.constraints if re.search(rf"\b{re.escape(c.name)}\b", text)), None)


def _plain_form_errors(spec, form, values) -> list[str]:
    """The form's errors as "column: message", a violated constraint explained instead of named."""
    by_message = {c.get_violation_error_message(): c for c in spec.model._meta.constraints}
    messages_ = []
    for name, errors in form.errors.as_data().items():
        for error in errors:
            for message in error.messages:
                constraint = by_message.get(message) or (
                    _constraint_named_in(spec, message) if "onstraint" in message else None)
                if constraint is not None:
                    columns, message = _explain_constraint(spec, constraint, values)
                    messages_.append(f"{', '.join(columns)}: {message}" if columns else message)
                elif "onstraint" in message:  # a constraint of another table: still no name shown
                    messages_.append("these values are not allowed.")
                else:
                    messages_.append(f"{name}: {message}" if name != "__all__" else message)
    return messages_


_TABLE_COLUMN = r"\b{table}\.(\w+)"  # SQLite: "UNIQUE constraint failed: contacts_contact.no"
_KEY_VALUE = re.compile(r"Key \(([^)]*)\)=\(([^)]*)\)")  # PostgreSQL's DETAIL
_QUOTED_COLUMN = re.compile(r'column "(\w+)"')  # PostgreSQL's not-null message
_REFERENCED_TABLE = re.compile(r'on table "(\w+)"')  # PostgreSQL: a row our rows refer to was deleted
_SQLITE_FK = re.compile(r"primary key '([^']*)' has an invalid foreign key: \w+\.(\w+) contains a value '([^']*)'")


def _field_and_value(spec, text):
    """(model field, value, primary key of the row) a database error's text points at, as far as it tells."""
    opts = spec.model._meta
    by_column = {f.column: f for f in opts.concrete_fields}
    if match := _SQLITE_FK.search(text):  # from connection.check_constraints() on SQLite
        pk, column, value = match.groups()
        return by_column.get(column), value, pk
    if match := _KEY_VALUE.search(text):
        column, value = match.group(1).split(",")[0].strip(), match.group(2).split(",")[0].strip()
        if "still referenced" in text and (table := _REFERENCED_TABLE.search(text)):
            referring = [f for f in opts.concrete_fields if f.is_relation and f.related_model._meta.db_table
                         == table.group(1)]
            return (referring[0] if referring else None), value, None
        return by_column.get(column), value, None
    if match := re.search(_TABLE_COLUMN.format(table=re.escape(opts.db_table)), text) or _QUOTED_COLUMN.search(text):
        return by_column.get(match.group(1)), None, None
    return None, None, None


def _database_refusal(spec, exc, rows, row=None) -> str:
    """A plain message, naming the line and column, for a database error raised while saving ``row`` (or,
    for a check made after the last row, one of ``rows``). The error's own text is never shown."""
    text = str(exc)
    lowered = text.lower()
    model_field, value, pk = _field_and_value(spec, text)
    if row is None and pk is not None:
        row = next((r for r in rows if str(r.form.instance.pk) == pk), None)
    if row is None and model_field is not None and value is not None:
        row = next((r for r in rows if str(getattr(r.form.instance, model_field.attname)) == value), None)
    values = row.values if row else {}
    what = spec.model._meta.verbose_name
    constraint = _constraint_named_in(spec, text)
    if constraint is not None and not isinstance(constraint, models.UniqueConstraint):
        columns, message = _explain_constraint(spec, constraint, values)
    elif model_field is None:
        columns, message = [], "it could not be saved: a linked record refused the change."
    elif model_field.is_relation and ("foreign key" in lowered or "not present in table" in lowered):
        related = model_field.related_model._meta.verbose_name
        columns = [model_field.name]
        message = f"the {related} “{values.get(model_field.name) or value}” does not exist (any more)."
    elif "unique" in lowered or "duplicate key" in lowered:
        columns = [model_field.name]
        message = f"“{values.get(model_field.name) or value}” is already used by another {what}."
    elif "null" in lowered:
        columns, message = [model_field.name], "a value is needed."
    else:
        columns, message = [model_field.name], "this value is not allowed."
    where = f"Line {row.line}" if row else "A row"
    if columns:
        where += f", column {', '.join(columns)}"
    return f"{where}: {message} Nothing was imported."


# --- preview and import ----------------------------------------------------------------------------------------


def preview(spec: CsvSpec, text: str, *, user=None) -> ImportPreview:
    """Validate every row of ``text``; nothing is written. A row whose key names a record ``user`` does not
    see (``spec.visible_rows``) is refused, as for a number taken."""
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
            raw_rows.append((line, [from_export_cell(c.strip()) for c in cells]))
    except csv.Error as exc:
        result.file_errors.append(f"The file is not readable as CSV: {exc}.")
        return result
    if not raw_rows:
        result.file_errors.append("The file has a header but no rows.")
        return result

    manager = spec.model._default_manager
    if spec.visible_rows is not None and user is not None:
        manager = spec.visible_rows(user)
    keys = [dict(zip(header, cells, strict=False)).get(spec.key, "").strip() for _, cells in raw_rows]
    wanted_keys = [k for k in keys if k]
    hidden = set()
    if manager is not spec.model._default_manager:
        hidden = (set(spec.model._default_manager.filter(**{f"{spec.key}__in": wanted_keys})
                      .values_list(spec.key, flat=True))
                  - set(manager.filter(**{f"{spec.key}__in": wanted_keys}).values_list(spec.key, flat=True)))
    existing = {getattr(obj, spec.key): obj for obj in manager.filter(**{f"{spec.key}__in": wanted_keys})}
    shown_columns = [c for c in spec.columns if c in header]  # the update preview's "old" values, as exported
    old_cells = {row[0]: dict(zip(shown_columns, row[1:], strict=True)) for row in manager.filter(
        **{f"{spec.key}__in": wanted_keys}).values_list(spec.key, *_value_paths(spec, shown_columns))}
    lookup_maps = {}
    for name, lookup_field in spec.lookups.items():
        if name in header:
            related = spec.model._meta.get_field(name).related_model
            wanted = {dict(zip(header, c, strict=False)).get(name, "").strip() for _, c in raw_rows} - {""}
            # a record of the same kind (a contact's company) only among those the user sees: one it may not
            # see is "no such record", as on the screens
            rows = manager if related is spec.model else related._default_manager
            lookup_maps[name] = dict(rows.filter(**{f"{lookup_field}__in": wanted}).values_list(lookup_field, "pk"))
    form_class = _form_class(spec, header)
    seen_keys = {}
    for (line, cells), key in zip(raw_rows, keys, strict=True):
        padded = [c.strip() for c in cells] + [""] * (len(header) - len(cells))  # a short row: blank cells
        row = RowResult(line=line, key=key, values=dict(zip(header, padded, strict=False)))
        if len(cells) > len(header):
            row.errors.append(f"{len(cells)} values for {len(header)} columns.")
        if key and key in seen_keys:
            row.errors.append(f"{spec.key}: “{key}” is also on line {seen_keys[key]}; a number can be imported once.")
        if key:
            seen_keys.setdefault(key, line)
        if key in hidden:
            row.errors.append(f"{spec.key}: “{key}” is taken by a record you may not change.")
        instance = existing.get(key) if key else None
        row.action = "update" if instance is not None else "create"
        data = {}
        for name, value in row.values.items():
            model_field = spec.model._meta.get_field(name)
            if name in spec.lookups:
                if value and value not in lookup_maps[name]:
                    row.errors.append(f"{name}: no {model_field.related_model._meta.verbose_name}"
                                      f" with {spec.lookups[name]} “{value}”.")
                data[name] = lookup_maps[name].get(value, "") if value else ""
            elif _is_boolean(spec.model, name):
                word = value.lower()
                if word not in TRUE_WORDS | FALSE_WORDS:
                    row.errors.append(f"{name}: “{value}” is not yes or no.")
                if word in TRUE_WORDS:
                    data[name] = "on"
            elif not value and instance is None and model_field.has_default():
                data[name] = _cell(model_field.get_default())  # a blank cell of a new row: as on a new card
            else:
                data[name] = value
        form = form_class(data=data, instance=instance if instance is not None else spec.model())
        if not form.is_valid():
            row.errors.extend(_plain_form_errors(spec, form, row.values))
        elif instance is not None:
            old = old_cells[key]
            row.changes = [Change(name, _cell(old[name]), _shown(spec, name, row.values[name]))
                           for name in shown_columns if name in form.changed_data]
        row.form = form
        result.rows.append(row)
    return result


def _shown(spec, name, value):
    """A cell as the preview shows it (a yes/no column as yes or no)."""
    if name not in spec.lookups and _is_boolean(spec.model, name):
        return "yes" if value.lower() in TRUE_WORDS else "no"
    return value


def _save_order(rows):
    """Rows with a number first, so the numbers a series hands to the new rows skip those in the file."""
    return [r for r in rows if not r.takes_next_number] + [r for r in rows if r.takes_next_number]


def run_import(spec: CsvSpec, text: str, *, exclude_bad_rows: bool = False, user=None) -> tuple[ImportPreview, int]:
    """Validate and, when allowed, save every good row in one transaction. Returns (preview, rows saved).

    Raises ValidationError (nothing written) when the file has errors, when rows have errors and
    they were not excluded, or when saving a row is refused — by a rule (the sync engine's, say) or by the
    database (a number someone else took meanwhile, a code deleted meanwhile): a message naming the line
    and column, never the database's own words.
    """
    result = preview(spec, text, user=user)
    if result.file_errors:
        raise ValidationError(result.file_errors)
    if result.bad_rows and not exclude_bad_rows:
        raise ValidationError(f"{len(result.bad_rows)} row(s) have errors: fix them, or exclude them from the "
                              "import. Nothing was imported.")
    rows = _save_order(result.good_rows)
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    row.form.save()
                except ValidationError as exc:
                    raise ValidationError(_refusal(row, exc)) from exc
                except DatabaseError as exc:
                    raise ValidationError(_database_refusal(spec, exc, rows, row)) from exc
            try:  # foreign keys are checked at commit: check them now, while each row can be named
                connection.check_constraints(table_names=[spec.model._meta.db_table])
            except DatabaseError as exc:
                raise ValidationError(_database_refusal(spec, exc, rows)) from exc
    except DatabaseError as exc:  # the commit itself failed
        raise ValidationError("The import could not be saved; nothing was imported. Try again.") from exc
    return result, len(rows)


def _refusal(row, exc) -> str:
    if hasattr(exc, "error_dict"):
        parts = [f"column {name}: {' '.join(messages_)}" if name != "__all__" else " ".join(messages_)
                 for name, messages_ in exc.message_dict.items()]
        return f"Line {row.line}, {'; '.join(parts)} Nothing was imported."
    return f"Line {row.line}: {' '.join(exc.messages)} Nothing was imported."


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
