"""What contacts, customers, vendors and bank accounts have in common over the API: reading one with its ETag,
creating and editing through the screens' edit forms (same validation, same refusals, same saves, so the
synchronization engine runs as it does for a screen), deleting through the same service or model delete, and
listing with keyset pagination.

A ``Resource`` names, for one model, the form, the selectors, the permissions and the schemas; the routers
(contacts.py, partners.py) are thin: a permission check, one call here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from api.errors import Problem, not_modified, refused_by_form
from api.etag import etag_of, none_match, required_version, stale
from crm.concurrency import StaleEdit, lock_first, save_if_unchanged

PAGE_SIZE, MAX_PAGE_SIZE = 50, 500


@dataclass
class Resource:
    name: str  # "contact", "customer": in messages and the change feed
    model: type
    out: type  # full item schema
    form_class: type
    perm: Callable[[str], str]  # action → permission
    get: Callable[[int, object], object]  # selector (pk, user): the row with its joins, DoesNotExist when
    # there is none that user sees
    delete: Callable[[object], None]  # the service that deletes (ValidationError when refused)
    describe: Callable[[object], str]  # "Customer C00010" for messages
    readonly_on_edit: tuple = ()
    form_takes_user: bool = False  # the form limits its choices to what the user sees

    # ---------------------------------------------------------------------------------- reading
    def serialize(self, obj) -> dict:
        """The item as the API shows it: every field of ``out``, foreign keys as ids."""
        meta = self.model._meta
        data = {name: getattr(obj, meta.get_field(name).attname) for name in self.out.model_fields}
        return self.out(**data).model_dump()  # encoded by DjangoJSONEncoder, as ninja encodes lists

    def find(self, pk, user):
        try:
            return self.get(pk, user)
        except self.model.DoesNotExist:
            raise Problem(404, f"There is no {self.name.replace('_', ' ')} with id {pk}.", slug="not-found") from None

    def written(self, pk):
        """The row as a write left it, shown to whoever wrote it (even if it now falls outside what they see)."""
        return self.model._default_manager.get(pk=pk)

    def respond(self, request, obj, *, status=200, conditional=True):
        data = self.serialize(obj)
        etag = etag_of(data["version"])
        if conditional and request.method == "GET" and none_match(request, etag):
            return not_modified(etag)
        response = JsonResponse(data, status=status)
        response["ETag"] = etag
        return response

    # ---------------------------------------------------------------------------------- writing
    def _form_data(self, form, changes: dict) -> dict:
        """What a browser would post: the form's current values, with ``changes`` applied."""
        data = {}
        for name in form.fields:
            if name == "original":
                continue
            value = form[name].value() if name != "version" else form.instance.version
            data[name] = "" if value is None else value
        for name, value in changes.items():
            data[name] = "" if value is None else value
        return data

    def _check_fields(self, form, changes: dict, *, editing: bool):
        unknown = [name for name in changes if name not in form.fields or name in ("version", "original")]
        if editing:
            unknown += [name for name in self.readonly_on_edit if name in changes
                        and changes[name] != getattr(form.instance, name)]
        if unknown:
            raise Problem(422, f"These fields cannot be set here: {', '.join(sorted(unknown))}.", slug="validation",
                          errors=[{"field": name, "rule": "not_editable",
                                   "message": f"{name} cannot be set on this {self.name.replace('_', ' ')}."}
                                  for name in sorted(unknown)])

    def prepare(self, changes: dict, user) -> dict:
        """Hook: API values → form values (a contact's company id → its number)."""
        return changes

    def form(self, user, *args, **kwargs):
        return self.form_class(*args, user=user, **kwargs) if self.form_takes_user else self.form_class(*args, **kwargs)

    def create(self, changes: dict, user, instance=None):
        instance = instance if instance is not None else self.model()
        form = self.form(user, instance=instance)
        self._check_fields(form, changes, editing=False)
        form = self.form(user, self._form_data(form, self.prepare(changes, user)), instance=instance)
        if not form.is_valid():
            raise refused_by_form(form)
        try:
            with transaction.atomic():
                obj = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
            raise refused_by_form(form) from None
        return self.written(obj.pk)

    def update(self, request, pk, changes: dict):
        version = required_version(request)
        user = request.user
        obj = self.find(pk, user)
        form = self.form(user, instance=obj)
        self._check_fields(form, changes, editing=True)
        data = self._form_data(form, self.prepare(changes, user))
        data["version"] = version
        form = self.form(user, data, instance=obj)
        for name in self.readonly_on_edit:
            if name in form.fields:
                form.fields[name].disabled = True
        if obj.version != version:
            raise stale(self.serialize(obj), self.describe(obj))
        if not form.is_valid():
            raise refused_by_form(form)
        try:
            save_if_unchanged(form, version)
        except StaleEdit as exc:
            raise stale(self.serialize(self.written(pk)) if exc.current is not None else None,
                        self.describe(obj)) from None
        except ValidationError as exc:
            form.add_error(None, exc)
            raise refused_by_form(form) from None
        return self.written(pk)

    def remove(self, request, pk) -> None:
        version = required_version(request)
        obj = self.find(pk, request.user)
        with transaction.atomic():
            lock_first(obj)
            current = self.model.objects.select_for_update().filter(pk=pk).first()
            if current is None:
                raise stale(None, self.describe(obj))
            if current.version != version:
                raise stale(self.serialize(self.written(pk)), self.describe(obj))
            self.delete(current)

    # ---------------------------------------------------------------------------------- lists
    def page(self, rows, *, sort: str, cursor: str | None, limit: int, fields: str | None) -> dict:
        """One page of ``rows`` ordered by (sort key, id), after ``cursor``: stable while rows are inserted."""
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        shown = self._fields(fields)
        if cursor:
            value, last_id = decode_cursor(cursor, key)
            if key == "id":
                after = Q(id__lt=last_id) if descending else Q(id__gt=last_id)
            else:
                op = "lt" if descending else "gt"
                after = Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"id__{op}": last_id})
            rows = rows.filter(after)
        order = [f"-{key}", "-id"] if descending else [key, "id"]
        if key == "id":
            order = order[1:]
        batch = list(rows.order_by(*order)[:limit + 1])
        more = len(batch) > limit
        batch = batch[:limit]
        items = [self.serialize(obj) for obj in batch]
        if shown is not None:
            items = [{name: item[name] for name in shown} for item in items]
        next_cursor = encode_cursor(getattr(batch[-1], key), batch[-1].pk) if more else None
        return {"items": items, "next_cursor": next_cursor}

    def _fields(self, fields: str | None):
        if not fields:
            return None
        names = [name.strip() for name in fields.split(",") if name.strip()]
        unknown = [name for name in names if name not in self.out.model_fields]
        if unknown:
            raise Problem(422, f"Unknown field(s) in fields=: {', '.join(unknown)}.", slug="validation",
                          errors=[{"field": "fields", "rule": "unknown_field", "message": name} for name in unknown])
        return list(dict.fromkeys(["id", *names]))


def encode_cursor(value, pk) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, key: str):
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(pk, int) or not 0 < pk < 2**63:
            raise ValueError
        if key in ("updated_at", "created_at"):
            value = parse_datetime(value)
            if value is None:
                raise ValueError
        elif key != "id" and not isinstance(value, str):
            raise ValueError
        return value, pk
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise Problem(400, "The cursor is not one this list gave out; start again without it.", slug="bad-cursor",
                      errors=[{"field": "cursor", "rule": "invalid", "message": "Unknown cursor."}]) from None


def updated_since(value: str | None):
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Problem(422, "updated_since must be a date and time (ISO 8601, e.g. 2026-11-29T10:00:00Z).",
                      slug="validation", errors=[{"field": "updated_since", "rule": "datetime",
                                                  "message": "Not an ISO 8601 date and time."}])
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return parsed
