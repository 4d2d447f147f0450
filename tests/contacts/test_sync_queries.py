"""Query budget of one user save (DESIGN §4 "No echo, bounded work")."""

import pytest

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


def _crowd():
    """Other linked records that must not make one save cost more."""
    for _ in range(5):
        CustomerFactory()
        VendorFactory()


def test_a_contact_save_linked_to_three_partners_costs_a_fixed_number_of_queries(linked, django_assert_num_queries):
    contact = linked[0]
    _crowd()
    contact.phone_no = "+1 555 0123"
    # savepoint, lock+read, UPDATE, history, links, 3 × (UPDATE + history), persons, release
    with django_assert_num_queries(13):
        contact.save()


def test_a_customer_save_reaching_contact_vendor_and_bank_costs_a_fixed_number_of_queries(
        linked, django_assert_num_queries):
    customer = linked[1]
    _crowd()
    customer.phone_no = "+1 555 0124"
    # savepoint, lock contact, old row, UPDATE, history, contact UPDATE + history, links,
    # links, vendor and bank UPDATE + history, persons, release
    with django_assert_num_queries(14):
        customer.save()


def test_a_save_without_mapped_changes_costs_only_the_save(linked, django_assert_num_queries):
    contact = linked[0]
    contact.job_title = ""
    contact.privacy_blocked = True
    with django_assert_num_queries(5):
        contact.save()
