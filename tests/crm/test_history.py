"""crm.history: the one writer of change-history rows outside a model's own save()."""

import pytest
from django.db import transaction

from contacts import sync
from contacts.models import Contact
from crm import history
from crm.bulk_insert import insert_objects
from tests import factories

pytestmark = pytest.mark.django_db


def test_rows_written_by_the_sync_engine_name_the_acting_user(sync_on):
    user = factories.UserFactory(username="operator")
    customer = factories.CustomerFactory(name="Fabrikam")
    contact = Contact.objects.get(business_relations__customer=customer)
    contact.phone_no = "+1 555 0100"
    with history.acting_user(user):
        contact.save()
    entry = customer.history.first()
    assert entry.history_user == user
    assert entry.history_change_reason == f"Synchronized from contact {contact.no}"


def test_without_an_acting_user_or_request_rows_name_nobody(sync_on):
    customer = factories.CustomerFactory(name="Fabrikam")
    contact = Contact.objects.get(business_relations__customer=customer)
    contact.phone_no = "+1 555 0101"
    contact.save()
    assert customer.history.first().history_user is None


def test_record_current_rows_copies_each_row_as_stored_with_reason_and_user(db):
    user = factories.UserFactory(username="operator")
    contacts = [factories.ContactFactory(name=f"Company {i}") for i in range(3)]
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(city="Bonn")
    with history.acting_user(user):
        history.record_current_rows(Contact, [c.pk for c in contacts], reason="Repaired")
    for contact in contacts:
        entry = contact.history.first()
        assert (entry.city, entry.history_change_reason, entry.history_type, entry.history_user) == (
            "Bonn", "Repaired", "~", user)


def test_record_written_rows_records_what_insert_objects_wrote_with_overrides(sync_on):
    with transaction.atomic():
        contact = sync.contact_from_partner(factories.CustomerFactory.build(name="Northwind"), "customer")
        contact.no, contact.contact_business_relation = "CTX0001", "customer"
        rows = insert_objects(Contact, [contact])
        history.record_written_rows(Contact, rows, ["Created in bulk"],
                                    recorded={"contact_business_relation": "none"})
    entry = Contact.objects.get(no="CTX0001").history.get()
    assert (entry.name, entry.history_type, entry.history_change_reason, entry.contact_business_relation) == (
        "Northwind", "+", "Created in bulk", "none")
