import pytest
from django.db import connection

from crm.search_indexes import SEARCHED_COLUMNS, create_search_indexes, index_name


@pytest.mark.django_db(transaction=True)
def test_postgres_gets_trigram_indexes_for_the_contact_search(on_postgres):
    assert create_search_indexes(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'contacts_contact'")
        names = {row[0] for row in cursor.fetchall()}
    assert {index_name(c) for c in SEARCHED_COLUMNS} <= names


@pytest.mark.django_db
def test_sqlite_needs_no_search_indexes():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert create_search_indexes(connection) is False
