"""Link rows written outside the service API (the admin's inline, a shell) still leave the pair agreeing."""

import pytest

from contacts import sync
from contacts.models import ContactBusinessRelation
from tests.factories import BusinessRelationFactory, ContactFactory, CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


def unlinked(factory, **values):
    with sync.suspended():  # no automatic contact: the partner starts unlinked
        return factory(**values)


def test_a_link_row_saved_directly_gives_the_partner_the_contacts_values(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.", phone_no="+1 555 0100", city="Seattle")
    customer = unlinked(CustomerFactory, name="FABRIKAM", phone_no="+1 555 9999", city="Redmond")

    ContactBusinessRelation.objects.create(contact=contact, business_relation=sync_on.bus_rel_code_for_customers,
                                           link_to_table="customer", customer=customer)

    customer.refresh_from_db()
    contact.refresh_from_db()
    assert (customer.name, customer.phone_no, customer.city) == ("Fabrikam Inc.", "+1 555 0100", "Seattle")
    assert sync.differing_fields(contact, customer) == []
    assert contact.contact_business_relation == "customer"
    assert customer.history.first().history_change_reason == f"Synchronized from contact {contact.no}"


def test_an_unlinked_relation_row_changes_no_partner_and_counts_as_other(sync_on):
    contact = ContactFactory()
    vendor = unlinked(VendorFactory, name="Untouched Ltd")
    prospect = ContactBusinessRelation.objects.create(
        contact=contact, business_relation=BusinessRelationFactory(code="PROSPECT"))
    vendor.refresh_from_db()
    contact.refresh_from_db()
    assert prospect.partner is None
    assert vendor.name == "Untouched Ltd"
    assert contact.contact_business_relation == "other"
