"""PostgreSQL: the ``crm_fold`` search function and the trigram indexes that keep searches fast.

Every search is ``crm_fold(column) LIKE '%' || crm_fold(q) || '%'`` (``crm.search.matches``). A B-tree
index cannot serve a leading wildcard, a pg_trgm GIN index on the same expression can (100,000 contacts:
a selective search takes milliseconds instead of about half a second). ``crm_fold`` must be IMMUTABLE
to be indexed; ``unaccent`` is only STABLE (its dictionary could change), so ``crm_fold`` uses it with
the dictionary named explicitly — the usual recipe, safe as long as nobody edits unaccent.rules (after
such an edit, REINDEX the ``*_fold_trgm`` indexes).
SQLite has no such index: there the search scans (``crm.search.fold`` in Python on each row).

If the database user may not create the unaccent extension, ``crm_fold`` still folds case (searches are
then not accent-insensitive); without pg_trgm no index is created and the search still works.
Migration crm/0002 created the first indexes on ``UPPER(column)`` (the old ``icontains`` search);
crm/0003 replaces them with the ``crm_fold`` ones.
"""

import logging
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

TABLE = "contacts_contact"
SEARCHED_COLUMNS = ("no", "name", "company_name", "email", "phone_no", "mobile_phone_no", "city")
PARTNER_COLUMNS = ("no", "name", "city", "email", "phone_no")
# table → the columns its screens search (contacts.selectors, partners.selectors)
FOLDED_SEARCH_COLUMNS = {
    TABLE: SEARCHED_COLUMNS,
    "partners_customer": PARTNER_COLUMNS,
    "partners_vendor": PARTNER_COLUMNS,
    "partners_bankaccount": PARTNER_COLUMNS,
}

# unaccent() is only STABLE (its dictionary could change); an index needs IMMUTABLE. Best: the extension's
# own C function declared IMMUTABLE (needs a superuser), so crm_fold is inlined into plain C calls; else
# crm_fold calls unaccent() with the dictionary named explicitly (the usual recipe; slower per row, which
# shows only in searches no index can narrow, e.g. two letters).
UNACCENT_IMMUTABLE = """
CREATE OR REPLACE FUNCTION crm_unaccent(regdictionary, text) RETURNS text
LANGUAGE c IMMUTABLE PARALLEL SAFE STRICT AS '$libdir/unaccent', 'unaccent_dict'
"""
FOLD_WITH_C_UNACCENT = """
CREATE OR REPLACE FUNCTION crm_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower({function_schema}.crm_unaccent('{schema}.unaccent'::regdictionary, normalize($1, NFKC))) $$
"""
FOLD_WITH_UNACCENT = """
CREATE OR REPLACE FUNCTION crm_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, normalize($1, NFKC))) $$
"""
FOLD_WITHOUT_UNACCENT = """
CREATE OR REPLACE FUNCTION crm_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(normalize($1, NFKC)) $$
"""


def index_name(column):
    """The name of crm/0002's index (``UPPER(column)``) on the contact table."""
    return f"contact_{column}_trgm"


def folded_index_name(table, column):
    return f"{table.split('_', 1)[1]}_{column}_fold_trgm"


def create_search_indexes(connection):
    """crm/0002: trigram indexes on ``UPPER(column)`` (dropped again by crm/0003)."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for column in SEARCHED_COLUMNS:
                cursor.execute(f'CREATE INDEX IF NOT EXISTS {index_name(column)} ON {TABLE} '
                               f'USING gin (UPPER("{column}"::text) gin_trgm_ops)')
    except DatabaseError as exc:
        logger.warning("Contact search indexes not created (pg_trgm unavailable?): %s", exc)
        return False
    return True


def drop_search_indexes(connection):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for column in SEARCHED_COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS {index_name(column)}")


def create_fold_function(connection):
    """Create ``crm_fold``; True when it strips accents (the unaccent extension could be created)."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                           "WHERE e.extname = 'unaccent'")
            schema = cursor.fetchone()[0]
            if not _create_immutable_unaccent(connection, cursor, schema):
                cursor.execute(FOLD_WITH_UNACCENT.format(schema=schema))
    except DatabaseError as exc:
        logger.warning("Searches will ignore case but not accents (unaccent unavailable?): %s", exc)
        with connection.cursor() as cursor:
            cursor.execute(FOLD_WITHOUT_UNACCENT)
        return False
    return True


def _create_immutable_unaccent(connection, cursor, schema):
    """``crm_unaccent`` (C, IMMUTABLE) and ``crm_fold`` over it; False when the user may not create it."""
    try:
        with transaction.atomic(using=connection.alias):
            cursor.execute(UNACCENT_IMMUTABLE)
            cursor.execute("SELECT n.nspname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                           "WHERE p.proname = 'crm_unaccent'")
            cursor.execute(FOLD_WITH_C_UNACCENT.format(function_schema=cursor.fetchone()[0], schema=schema))
    except DatabaseError:
        return False
    return True


def create_folded_search_indexes(connection):
    """Trigram indexes on ``crm_fold(column)`` of every searched column; False when pg_trgm is missing."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for table, columns in FOLDED_SEARCH_COLUMNS.items():
                for column in columns:
                    cursor.execute(f"CREATE INDEX IF NOT EXISTS {folded_index_name(table, column)} ON {table} "
                                   f'USING gin (crm_fold(("{column}")::text) gin_trgm_ops)')
    except DatabaseError as exc:
        logger.warning("Search indexes not created (pg_trgm unavailable?): %s", exc)
        return False
    return True


def drop_folded_search_indexes(connection):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, columns in FOLDED_SEARCH_COLUMNS.items():
            for column in columns:
                cursor.execute(f"DROP INDEX IF EXISTS {folded_index_name(table, column)}")
        cursor.execute("DROP FUNCTION IF EXISTS crm_fold(text)")
        cursor.execute("DROP FUNCTION IF EXISTS crm_unaccent(regdictionary, text)")


@contextmanager
def built_after_loading(tables=tuple(FOLDED_SEARCH_COLUMNS)):
    """Load rows into empty tables without keeping their trigram search indexes up to date row by row:
    PostgreSQL's advice for populating a database ("Populating a Database": create indexes after loading
    the data). The ``*_fold_trgm`` indexes of those of ``tables`` that are empty on entry are dropped, and
    built again, as they were defined, when the block ends. Only inside a transaction (the caller's, which
    keeps the tables locked against readers until it commits: for seeding an empty database); a no-op
    elsewhere and on SQLite. If the block fails, the transaction's rollback brings the indexes back.

    Each new row costs a GIN index several trigram insertions into an index that outgrows memory as the
    table grows; building it once at the end costs far less and grows with the table's size alone. (Doing
    the same for the B-trees on name, company name and city changed nothing measurable at 1,000,000.)
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        empty = []
        for table in tables:
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {quote(table)})")
            if cursor.fetchone()[0]:
                empty.append(table)
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                       "AND tablename = ANY(%s) AND indexname LIKE %s ORDER BY indexname",
                       [empty, r"%\_fold\_trgm"])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    if not indexes:
        return
    with connection.cursor() as cursor:
        # A table with foreign-key checks still pending (Django's constraints are deferred to the commit)
        # cannot be indexed: they are run now, and deferred again for the rest of the transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # for this transaction's index builds only
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
