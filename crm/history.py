"""The one change-history writer: every history row written outside a model's own ``save()`` comes from here.

django-simple-history records an ordinary ``save()`` by itself (with the request's user, through its
middleware). Writes that bypass ``save()`` — the synchronization engine's UPDATEs, the bulk commands'
INSERTs, the demo seeder — record their rows through one of three entry points, which share the
acting user, the date and the reason:

- ``record_objects``: instances in memory that hold the values just stored (a handful of rows);
- ``record_current_rows``: rows just changed by a set-based UPDATE, copied from the table as they are
  now (one ``INSERT … SELECT`` per chunk);
- ``record_written_rows``: rows just inserted by ``crm.bulk_insert.insert_objects``, from the tuples it
  returns (no second read of the table);
- ``record_events``: an event that changed no field of the record (linked, unlinked, the other side
  deleted), one reason per row, so that the record's history tells it.

The acting user is the one given to ``acting_user()`` (a command, a job), else the signed-in user of
the current request, else nobody.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import connection
from django.dispatch import Signal
from django.utils import timezone
from simple_history.models import HistoricalRecords

from crm.bulk_insert import insert_values

CHUNK = 900  # ids per statement (well under SQLite's variable limit)

# Sent after each entry point below wrote its rows: ``model``, ``ids`` and ``event`` ("created", "synchronized",
# "linked", "unlinked"). Ordinary saves are announced by django-simple-history's own signal. Receivers run
# inside the writer's transaction (the webhooks app defers its work to ``transaction.on_commit``).
rows_recorded = Signal()

_acting_user = contextvars.ContextVar("crm_history_acting_user", default=None)


@contextmanager
def acting_user(user):
    """Within this block, history rows name ``user`` as the one who made the change."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_user():
    """The user a history row names: ``acting_user()``'s, else the request's signed-in user, else None."""
    user = _acting_user.get()
    if user is None:
        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _user_id():
    user = current_user()
    return user.pk if user is not None else None


def record_objects(model, objs, *, reason: str, history_type: str = "~", date=None) -> None:
    """History rows for ``objs`` (instances holding the values just stored): ``~`` changed, ``+`` created."""
    objs = list(objs)
    if not objs:
        return
    model.history.bulk_history_create(objs, update=history_type == "~", default_change_reason=reason,
                                      default_date=date or timezone.now(), default_user=current_user())
    rows_recorded.send(sender=model, model=model, ids=[obj.pk for obj in objs],
                       event="created" if history_type == "+" else "synchronized")


def _copy_columns(model):
    """The history table, its columns, and the tracked columns of ``model``'s table (aliased ``t``) in the
    same order, for an ``INSERT INTO history (target) SELECT selected, date, reason, type, user FROM t``."""
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = list(history.tracked_fields)
    target = ", ".join(map(quote, [*(history._meta.get_field(f.attname).column for f in tracked),
                                   "history_date", "history_change_reason", "history_type", "history_user_id"]))
    selected = ", ".join(f"t.{quote(model._meta.get_field(f.name).column)}" for f in tracked)
    return history, target, selected


def record_current_rows(model, ids, *, reason: str) -> None:
    """History rows (``~``) for the rows ``ids`` of ``model`` as stored now, after a set-based UPDATE."""
    record_events(model, dict.fromkeys(ids, reason))


def record_written_rows(model, rows, reasons, *, history_type: str = "+", recorded=None) -> None:
    """History rows for rows just written by ``crm.bulk_insert.insert_objects`` (its returned tuples).

    ``reasons``: one per row (None for none). ``recorded``: attname → value where the history shows
    another value than the row holds (e.g. the state before a link made in the same step).
    """
    rows = list(rows)
    if not rows:
        return
    history = model.history.model
    positions = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
    tracked = [positions[f.attname] for f in history.tracked_fields]
    for attname, value in (recorded or {}).items():
        at = positions[attname]
        rows = [(*row[:at], value, *row[at + 1:]) for row in rows]
    now = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    user_id = _user_id()
    columns = [*(f.attname for f in history.tracked_fields), "history_date", "history_change_reason",
               "history_type", "history_user_id"]
    insert_values(history, columns, [(*(row[i] for i in tracked), now, reason, history_type, user_id)
                                     for row, reason in zip(rows, reasons, strict=True)])
    pk_at = positions[model._meta.pk.attname]
    rows_recorded.send(sender=model, model=model, ids=[row[pk_at] for row in rows],
                       event="created" if history_type == "+" else "synchronized")


def record_events(model, reasons: dict, *, event: str = "synchronized") -> None:
    """A history row (``~``) for each row ``pk`` of ``reasons`` ({pk: reason}) as stored now — a change written
    set-based, or an event that changed none of its fields ("Linked with customer C00010"). One
    ``INSERT … SELECT`` per chunk, joined with the reasons (no model instance per row). ``event``: what
    ``rows_recorded`` announces ("linked", "unlinked"; default "synchronized")."""
    ids = list(reasons)
    if not ids:
        return
    history, target, selected = _copy_columns(model)
    quote = connection.ops.quote_name
    now, user_id = timezone.now(), _user_id()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            if connection.vendor == "postgresql":  # two array parameters, not two placeholders per row
                rows, params = "unnest(%s::bigint[], %s::text[]) AS v(column1, column2)", [
                    chunk, [reasons[pk] for pk in chunk]]
            else:
                rows = f"(VALUES {', '.join(['(%s, %s)'] * len(chunk))}) v"
                params = [value for pk in chunk for value in (pk, reasons[pk])]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}) SELECT {selected}, %s, v.column2, '~', %s "
                f"FROM {quote(model._meta.db_table)} t JOIN {rows} ON v.column1 = t.{quote(model._meta.pk.column)}",
                [now, user_id, *params])
    rows_recorded.send(sender=model, model=model, ids=ids, event=event)
