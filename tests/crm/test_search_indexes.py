import pytest
from django.db import connection, transaction

from crm.search_indexes import (
    SEARCHED_COLUMNS,
    built_after_loading,
    create_folded_search_indexes,
    create_search_indexes,
    index_name,
)
from tests import factories


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


@pytest.fixture
def search_indexes(db, on_postgres):
    assert create_folded_search_indexes(connection)  # the test database is built without migrations


def fold_indexes(table="contacts_contact"):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s "
                       "ORDER BY indexname", [table, r"%\_fold\_trgm"])
        return cursor.fetchall()


def test_the_search_indexes_of_an_empty_table_are_built_after_loading_it(search_indexes):
    before = fold_indexes()
    assert len(before) == len(SEARCHED_COLUMNS)
    with built_after_loading():
        assert fold_indexes() == []  # not kept up to date row by row while loading
        factories.ContactFactory(name="Fabrikam")
    assert fold_indexes() == before  # built again, as they were defined


def test_a_table_that_has_rows_keeps_its_search_indexes_while_loading(search_indexes):
    factories.ContactFactory(name="Fabrikam")
    before = fold_indexes()
    with built_after_loading():
        assert fold_indexes() == before
        factories.ContactFactory(name="Contoso")
    assert fold_indexes() == before


def test_a_failed_load_gets_its_indexes_back_with_the_rollback(search_indexes):
    before = fold_indexes()
    with pytest.raises(ValueError), transaction.atomic():
        with built_after_loading():
            factories.ContactFactory(name="Fabrikam")
            raise ValueError("the load failed")
    assert fold_indexes() == before
