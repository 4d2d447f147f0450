"""Query budget of one user save (DESIGN §4 "No echo, bounded work")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import services
from contacts.models import Contact
from tests.factories import BankAccountFactory, ContactFactory, CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.")
    partners = []
    for factory in (CustomerFactory, VendorFactory, BankAccountFactory):
        partner = factory()
        Contact.objects.filter(business_relations__in=partner.contact_links.all()).delete()
        services.link_contact(contact, partner)
        partners.append(partner)
    contact.refresh_from_db()
    for p in partners:
        p.refresh_from_db()
    return contact, *partners


def _crowd(size=5):
    """Other linked records that must not make one save cost more (none of them looks like the saved contact: a
    possible duplicate would rightly cost a read of its index row, whatever the crowd)."""
    for n in range(size):
        for factory, word in ((CustomerFactory, "Customer"), (VendorFactory, "Vendor")):
            factory(name=f"Crowd {word} {n}", address=f"{n} {word} Lane", post_code=f"Z{n:04d}", city="Crowdville",
                    phone_no=f"+44 20 7946 {n:04d}", email=f"{word.lower()}{n}@crowd.test")


def _queries_of(save, change):
    with CaptureQueriesContext(connection) as queries:
        change()
        save()
    return len(queries.captured_queries)


def test_a_contact_save_linked_to_three_partners_stays_within_the_design_bound_whatever_the_crowd(linked):
    contact = linked[0]
    first = _queries_of(contact.save, lambda: setattr(contact, "phone_no", "+1 555 0123"))
    _crowd(20)
    second = _queries_of(contact.save, lambda: setattr(contact, "phone_no", "+1 555 0199"))
    assert first == second <= 30  # DESIGN §4: at most 30 for a contact linked to three partners


def test_a_customer_save_reaching_contact_vendor_and_bank_stays_within_the_design_bound_whatever_the_crowd(linked):
    customer = linked[1]
    first = _queries_of(customer.save, lambda: setattr(customer, "phone_no", "+1 555 0124"))
    _crowd(20)
    second = _queries_of(customer.save, lambda: setattr(customer, "phone_no", "+1 555 0198"))
    assert first == second <= 40  # DESIGN §4: at most 40 for one of its partners


def test_a_save_without_mapped_changes_costs_only_the_save(linked, django_assert_num_queries):
    contact = linked[0]
    contact.job_title = ""
    contact.privacy_blocked = True
    with django_assert_num_queries(5):
        contact.save()
