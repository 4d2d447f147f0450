"""Deletes leave the other side; the relation summary follows every link change (reference §1.1, §5)."""

import pytest

from contacts import services, sync
from contacts.models import Contact, ContactBusinessRelation
from partners.models import Customer, Vendor
from tests.factories import (
    BankAccountFactory,
    BusinessRelationFactory,
    ContactFactory,
    CustomerFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def test_deleting_a_linked_contact_leaves_the_customer(sync_on):
    customer = CustomerFactory()
    Contact.objects.get().delete()
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert not ContactBusinessRelation.objects.exists()


def test_deleting_a_company_deletes_its_persons_but_not_its_partners(sync_on):
    customer = CustomerFactory(contact="Jim Olive")
    company = Contact.objects.get(type="company")
    company.delete()
    assert not Contact.objects.exists()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_deleting_a_customer_leaves_the_contact_with_summary_none(sync_on):
    customer = CustomerFactory()
    contact = Contact.objects.get()
    customer.delete()
    contact.refresh_from_db()
    assert contact.contact_business_relation == "none"


def test_summary_customer_then_multiple_then_back(sync_on):
    contact = ContactFactory()
    person = ContactFactory(person=True, company=contact)
    with sync.suspended():
        customer, vendor = CustomerFactory(), VendorFactory()
    services.link_contact(contact, customer)
    contact.refresh_from_db(), person.refresh_from_db()
    assert (contact.contact_business_relation, person.contact_business_relation) == ("customer", "customer")
    services.link_contact(contact, vendor)
    contact.refresh_from_db(), person.refresh_from_db()
    assert (contact.contact_business_relation, person.contact_business_relation) == ("multiple", "multiple")
    vendor.delete()
    contact.refresh_from_db(), person.refresh_from_db()
    assert (contact.contact_business_relation, person.contact_business_relation) == ("customer", "customer")
    assert Vendor.objects.count() == 0


def test_summary_other_and_multiple_for_unlinked_rows(sync_on):
    contact = ContactFactory()
    press = ContactBusinessRelation.objects.create(contact=contact,
                                                   business_relation=BusinessRelationFactory(code="PRESS"))
    contact.refresh_from_db()
    assert contact.contact_business_relation == "other"
    ContactBusinessRelation.objects.create(contact=contact, business_relation=BusinessRelationFactory(code="PROS"))
    contact.refresh_from_db()
    assert contact.contact_business_relation == "multiple"
    press.delete()
    contact.refresh_from_db()
    assert contact.contact_business_relation == "other"


def test_a_customer_link_plus_an_unlinked_row_is_multiple(sync_on):
    CustomerFactory()
    contact = Contact.objects.get()
    ContactBusinessRelation.objects.create(contact=contact, business_relation=BusinessRelationFactory(code="PRESS"))
    contact.refresh_from_db()
    assert contact.contact_business_relation == "multiple"


def test_a_person_assigned_to_a_linked_company_shows_its_summary(sync_on):
    BankAccountFactory()
    bank = Contact.objects.get()
    person = ContactFactory(person=True)
    assert person.contact_business_relation == "none"
    person.company = bank
    person.save()
    person.refresh_from_db()
    assert person.contact_business_relation == "bank_account"
    person.company = None
    person.save()
    person.refresh_from_db()
    assert person.contact_business_relation == "none"


def test_a_stale_in_memory_contact_does_not_overwrite_the_summary(sync_on):
    contact = ContactFactory()
    stale = Contact.objects.get(pk=contact.pk)
    with sync.suspended():
        customer = CustomerFactory()
    services.link_contact(contact, customer)
    stale.job_title = "x"
    stale.save()
    stale.refresh_from_db()
    assert stale.contact_business_relation == "customer"
