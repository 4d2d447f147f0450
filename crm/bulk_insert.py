"""Building and writing many rows fast, for the bulk commands (hundreds of thousands of rows).

- ``new_instance``: an unsaved instance built by position, as Django builds rows it reads, about half
  the cost of ``Model(**values)``.
- ``insert_objects`` / ``insert_values`` / ``insert_rows``: fewer Python calls per value than
  ``QuerySet.bulk_create``, which prepares every value through three field methods and builds one big
  parameter list that the driver quotes value by value. Here a column is prepared only when its field
  needs it, and the rows go by ``COPY … FROM STDIN`` on PostgreSQL and by ``executemany`` of one
  prepared statement on SQLite (other databases: ``bulk_create``). No signals, as with ``bulk_create``.
- ``PlannerStatistics`` / ``analyze``: PostgreSQL's planner statistics of tables that a run grows, kept
  current so that its lookups stay index lookups.
- ``among`` / ``among_sql``: "this column is one of these ids" for chunks of hundreds of ids; on
  PostgreSQL the list goes as one array parameter (psycopg parses a statement with hundreds of
  placeholders in Python, which costs more than the lookup itself).
"""

from functools import cache
from itertools import repeat
from operator import attrgetter

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# Fields whose Python values are already what the database drivers take: passed through as they are.
PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField", "CharField",
    "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField",
})


def new_instance(model, values: dict):
    """An unsaved ``model`` instance with ``values`` (by attname: ``territory_id``, not ``territory``) and
    defaults for the rest: what ``model(**values)`` gives, built as Django builds rows read from the
    database (all values by position), which costs about half as much. For code that builds
    hundreds of thousands of instances."""
    fields, positions, template, callables = _field_plan(model)
    row = template.copy()
    for at in callables:
        row[at] = fields[at].get_default()
    for attname, value in values.items():
        row[positions[attname]] = value
    return model(*row)


@cache  # model metadata does not change at run time
def _field_plan(model):
    fields = model._meta.concrete_fields
    positions = {field.attname: at for at, field in enumerate(fields)}
    callables = [at for at, field in enumerate(fields) if field.has_default() and callable(field.default)]
    template = [None if at in callables else field.get_default() for at, field in enumerate(fields)]
    return fields, positions, template, callables


def insert_objects(model, objs) -> list[tuple]:
    """INSERT unsaved ``objs`` of ``model`` (all concrete fields) and give them their primary keys.

    Fields with ``auto_now``/``auto_now_add`` are filled as ``save()`` would. Must run inside a
    transaction (``transaction.atomic``): primary keys are taken before the rows are written.
    Returns the rows as written (tuples in ``model._meta.concrete_fields`` order), for callers that
    write derived rows (history) from the same values.
    """
    objs = list(objs)
    if not objs:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("insert_objects() takes primary keys before it writes: call it inside transaction.atomic().")
    if connection.vendor not in ("postgresql", "sqlite"):
        model._default_manager.bulk_create(objs)
        return [tuple(f.get_db_prep_save(getattr(o, f.attname), connection) for f in model._meta.concrete_fields)
                for o in objs]
    pk_field = model._meta.pk
    for obj, pk in zip([o for o in objs if o.pk is None], _allocate_pks(model, sum(o.pk is None for o in objs)),
                       strict=True):
        setattr(obj, pk_field.attname, pk)
    fields = model._meta.concrete_fields
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    columns = []
    for field in fields:
        values = map(attrgetter(field.attname), objs)
        if field.get_internal_type() not in PLAIN_TYPES:  # each column prepared by its own field
            values = map(field.get_db_prep_save, values, repeat(connection))
        columns.append(values)
    rows = list(zip(*columns, strict=True))
    insert_values(model, [f.attname for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return rows


def _allocate_pks(model, count: int) -> list[int]:
    """``count`` new primary key values for ``model``, taken before the rows are inserted.

    PostgreSQL: from the column's sequence (safe under concurrency). SQLite: after the highest used
    value; the caller's transaction holds the write lock (``transaction_mode`` IMMEDIATE in the
    settings), so no other writer can take the same values, and an AUTOINCREMENT table's counter
    follows the explicit values on insert.
    """
    if not count:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [quote(table), column, count])
            return [pk for (pk,) in cursor.fetchall()]
        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(model, attnames, objs):
    """INSERT many rows of plain values (ints, text, NULL) read from ``objs``' attributes ``attnames``.

    For narrow rows without dates, booleans or defaults to compute (link rows, index rows); the
    objects' primary keys are not read back.
    """
    getter = attrgetter(*attnames) if len(attnames) > 1 else (lambda obj: (getattr(obj, attnames[0]),))
    insert_values(model, attnames, [getter(obj) for obj in objs])


def insert_values(model, attnames, rows):
    """INSERT ``rows`` (tuples of database-ready values in ``attnames`` order): no model machinery per row.

    On PostgreSQL one ``COPY … FROM STDIN`` (psycopg 3); elsewhere ``executemany`` of one INSERT.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(a).column for a in attnames]
    table = quote(model._meta.db_table)
    column_list = ", ".join(map(quote, columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})",
                           rows)



class PlannerStatistics:
    """Keeps PostgreSQL's planner statistics current for the tables a long bulk run keeps growing.

    Autovacuum analyzes a table only after a share of it has changed, and between naps: while one
    command adds rows batch after batch, the planner plans each lookup for a table a fraction of its
    real size, and may choose to read it whole every time. Call ``grew(rows)`` after each committed
    batch: the tables are analyzed whenever the rows added have doubled since the last ANALYZE (a
    handful of ANALYZEs per run, each reading a fixed-size sample). Other databases: nothing to do.
    """

    def __init__(self, *models, first_after: int = 1000):
        self.models = models
        self.added = 0
        self.next_at = first_after

    def grew(self, rows: int) -> None:
        self.added += rows
        if self.added >= self.next_at:
            analyze(*self.models)
            self.next_at = 2 * self.added


def analyze(*models) -> None:
    """Refresh PostgreSQL's planner statistics of these models' tables now (after a bulk insert, before
    the lookups that follow it). Counts the current transaction's own new rows. Elsewhere: nothing."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def among(field: str, ids) -> Q:
    """A filter: ``field`` (an integer column, e.g. ``contact_id``) is one of ``ids``."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": ids})


def among_sql(column_sql: str, ids) -> tuple[str, list]:
    """``among`` for raw SQL: the condition on ``column_sql`` and its parameters."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s::bigint[])", [ids]
    return f"{column_sql} IN ({', '.join(['%s'] * len(ids))})", ids
