"""Trigram indexes that make the contact list's "contains" search fast on PostgreSQL.

The list searches with ``icontains``, which PostgreSQL runs as ``UPPER(col::text) LIKE UPPER('%…%')``;
a B-tree index cannot serve a leading wildcard, a pg_trgm GIN index on the same expression can (100,000
contacts: a selective search goes from ~0.5 s to a few ms). SQLite has no such index: there the search
scans, which at 100,000 rows still answers in a few hundred milliseconds.
If the database user may not create the pg_trgm extension, nothing is created and the search still works.
"""

import logging

from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)

TABLE = "contacts_contact"
SEARCHED_COLUMNS = ("no", "name", "company_name", "email", "phone_no", "mobile_phone_no", "city")


def index_name(column):
    return f"contact_{column}_trgm"


def create_search_indexes(connection):
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
