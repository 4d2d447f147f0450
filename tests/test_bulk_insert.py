"""crm.bulk_insert: rows written without bulk_create's per-value machinery, same stored values."""

import itertools
from decimal import Decimal

import pytest
from django.db import connection, transaction

from contacts.models import Contact
from crm import bulk_insert
from crm.bulk_insert import PlannerStatistics, insert_objects, new_instance
from partners.models import ContactType, Customer
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SKIP = {"id", "no", "created_at", "updated_at"}


def new_contacts(prefix, salesperson):
    return [Contact(no=f"{prefix}{i}", name=f"Firm {i}", company_name=f"Firm {i}", email=f"a{i}@firm.example",
                    salesperson=salesperson, minor=bool(i % 2), privacy_blocked=bool(i % 2), version=1,
                    type=ContactType.COMPANY) for i in range(3)]


def stored(pks):
    return [{f.attname: getattr(c, f.attname) for f in Contact._meta.concrete_fields if f.attname not in SKIP}
            for c in Contact.objects.filter(pk__in=pks).order_by("pk")]


def test_stores_the_same_values_as_bulk_create_and_gives_primary_keys_and_timestamps():
    salesperson = factories.SalespersonFactory()
    by_bulk_create = Contact.objects.bulk_create(new_contacts("B", salesperson))
    objs = new_contacts("I", salesperson)

    with transaction.atomic():
        rows = insert_objects(Contact, objs)

    assert all(obj.pk for obj in objs) and len({obj.pk for obj in objs}) == 3
    assert not any(obj._state.adding for obj in objs)
    assert stored([o.pk for o in objs]) == stored([o.pk for o in by_bulk_create])
    for obj in Contact.objects.filter(pk__in=[o.pk for o in objs]):
        assert obj.created_at is not None and obj.updated_at is not None
        # stored as the ORM writes dates (SQLite: text), so that the ORM finds them by date
        assert Contact.objects.filter(pk=obj.pk, created_at=obj.created_at, updated_at=obj.updated_at).exists()
    pk_at = [f.attname for f in Contact._meta.concrete_fields].index("id")
    assert [row[pk_at] for row in rows] == [obj.pk for obj in objs]


def test_dates_decimals_and_booleans_are_stored_as_bulk_create_stores_them():
    def customers(prefix):
        return [Customer(no=f"{prefix}{i}", name=f"Firm {i}", credit_limit=Decimal(f"{i}500.25"),
                         privacy_blocked=bool(i % 2), version=1) for i in range(3)]

    by_bulk_create = Customer.objects.bulk_create(customers("B"))
    objs = customers("I")
    with transaction.atomic():
        insert_objects(Customer, objs)

    def stored_customers(pks):
        return [{f.attname: getattr(c, f.attname) for f in Customer._meta.concrete_fields if f.attname not in SKIP}
                for c in Customer.objects.filter(pk__in=pks).order_by("pk")]

    assert stored_customers([o.pk for o in objs]) == stored_customers([o.pk for o in by_bulk_create])
    for obj in Customer.objects.filter(pk__in=[o.pk for o in objs]):  # stored as the ORM writes dates
        assert Customer.objects.filter(pk=obj.pk, created_at=obj.created_at, updated_at=obj.updated_at).exists()


def test_rows_saved_afterwards_get_fresh_primary_keys():
    with transaction.atomic():
        insert_objects(Contact, new_contacts("I", None))
    later = Contact.objects.create(no="LATER", name="Later Ltd")
    assert later.pk > max(Contact.objects.exclude(pk=later.pk).values_list("pk", flat=True))
    assert Contact.objects.count() == 4


def test_a_failed_transaction_leaves_no_rows():
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_objects(Contact, new_contacts("I", None))
        raise RuntimeError("interrupted")
    assert not Contact.objects.exists()
    Contact.objects.create(no="NEXT", name="Next Ltd")  # the sequence has moved on or back, never clashes
    assert Contact.objects.count() == 1


def test_nothing_to_insert_writes_nothing():
    assert insert_objects(Contact, []) == []
    assert not Contact.objects.exists()


def test_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        insert_objects(Contact, new_contacts("I", None))
    assert not Contact.objects.exists()


def analyzed(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_planner_statistics_are_refreshed_each_time_the_rows_added_double(on_postgres):
    table = Contact._meta.db_table
    statistics = PlannerStatistics(Contact, first_after=10)
    before = analyzed(table)
    statistics.grew(6)
    assert analyzed(table) == before  # not yet: 6 rows added
    statistics.grew(6)
    assert analyzed(table) == before + 1  # 12 ≥ 10
    statistics.grew(6)
    assert analyzed(table) == before + 1  # 18 < 24
    statistics.grew(6)
    assert analyzed(table) == before + 2  # 24 ≥ 24


def test_new_instance_is_the_instance_the_constructor_gives():
    values = {"no": "CT1", "name": "Firm", "territory_id": 7, "minor": True, "type": ContactType.PERSON}
    built, constructed = new_instance(Contact, values), Contact(**values)
    assert built._state.adding and built.pk is None
    assert ({f.attname: getattr(built, f.attname) for f in Contact._meta.concrete_fields}
            == {f.attname: getattr(constructed, f.attname) for f in Contact._meta.concrete_fields})


def test_new_instance_evaluates_callable_defaults_for_each_instance(monkeypatch):
    field = Contact._meta.get_field("job_title")
    counter = itertools.count(1)
    monkeypatch.setattr(field, "default", lambda: f"title {next(counter)}")
    monkeypatch.delitem(field.__dict__, "_get_default", raising=False)  # Django caches the default's getter
    bulk_insert._field_plan.cache_clear()
    try:
        assert [new_instance(Contact, {}).job_title for _ in range(2)] == ["title 1", "title 2"]
    finally:
        bulk_insert._field_plan.cache_clear()
