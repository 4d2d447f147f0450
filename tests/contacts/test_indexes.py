"""The contact table keeps only the indexes a reader uses (migration contacts/0006; issue 15): the readers —
the list's search and every sortable column, the lookups, the persons of a company, the number — still
answer, and on PostgreSQL the indexes no reader used are gone and the write-friendly settings are on."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from contacts import selectors
from contacts.selectors import CONTACT_SORTS
from crm.search_indexes import create_folded_search_indexes
from tests import factories

pytestmark = pytest.mark.django_db

DROPPED = {"contact_email_idx", "contact_type_relation_idx", "contacts_contact_no_0ffe3008_like"}


def contact_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contacts_contact'")
        return dict(cursor.fetchall())


def test_postgres_contact_table_has_only_the_indexes_readers_use(on_postgres):
    # the test database is built from the models, without migrations: apply the PostgreSQL part here
    assert create_folded_search_indexes(connection)
    migration = importlib.import_module("contacts.migrations.0006_contact_indexes_readers_use")
    with connection.schema_editor() as editor:
        migration.tune(apps, editor)
    indexes = contact_indexes()
    assert not DROPPED & set(indexes)
    defs = " ".join(indexes.values())
    assert "(search_name" not in defs and "(created_at)" not in defs and "varchar_pattern_ops" not in defs
    kept = {"contact_name_idx", "contact_company_name_idx", "contact_city_idx", "contacts_contact_no_key"}
    assert kept <= set(indexes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'contacts_contact'")
        assert "fillfactor=90" in cursor.fetchone()[0]
        cursor.execute("SELECT c.reloptions FROM pg_class c WHERE c.relname LIKE 'contact_%%_fold_trgm'")
        options = [row[0] for row in cursor.fetchall()]
    assert options and all("gin_pending_list_limit=256" in (o or []) for o in options)


@pytest.mark.parametrize("sort", [*CONTACT_SORTS, *(f"-{key}" for key in CONTACT_SORTS)])
def test_every_sort_search_and_lookup_of_the_contact_readers_still_answers(admin_user, sort):
    company = factories.ContactFactory(no="CT000001", name="Alpha Widgets", city="Leeds", email="a@alpha.example")
    factories.ContactFactory(no="CT000002", person=True, first_name="Jo", surname="Alpha", company=company,
                             company_name="Alpha Widgets")
    factories.ContactFactory(no="CT000003", name="Beta Tools", city="York")
    _, rows = selectors.contact_list(filters={"q": "alpha"}, user=admin_user, sort=sort)
    assert {c.no for c in rows} == {"CT000001", "CT000002"}
    _, everything = selectors.contact_list(filters={}, user=admin_user, sort=sort)
    assert len(list(everything)) == 3
    assert [no for no, _ in selectors.contact_lookup("alpha", user=admin_user, company_only=True)] == ["CT000001"]
    assert [p.no for p in selectors.persons_of(company)] == ["CT000002"]
    assert selectors.contact_list(filters={"q": "a@alpha"}, user=admin_user)[1].get().no == "CT000001"


def test_postgres_deep_list_pages_read_their_keys_from_a_covering_index_on_no(on_postgres):
    migration = importlib.import_module("contacts.migrations.0008_contact_no_page_index")
    with connection.schema_editor() as editor:
        migration.create(apps, editor)
    assert "INCLUDE (id)" in contact_indexes()["contact_no_page_idx"]
