"""Change history: who changed what, when, and — for synchronized changes — from which record."""

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from contacts import services, sync
from contacts.selectors import change_history, contact_of
from tests.factories import ContactFactory, CustomerFactory, TerritoryFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.")
    with sync.suspended():
        customer, vendor = CustomerFactory(), VendorFactory()
    services.link_contact(contact, customer)
    services.link_contact(contact, vendor)
    customer.refresh_from_db()
    contact.refresh_from_db()
    return contact, customer, vendor


def as_user(user):
    """What HistoryRequestMiddleware does for a request of ``user``."""
    request = RequestFactory().get("/")
    request.user = user
    HistoricalRecords.context.request = request


@pytest.fixture(autouse=True)
def no_request():
    yield
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


def test_a_synchronized_change_names_its_source_and_the_acting_user(pair):
    contact, customer, vendor = pair
    clerk = UserFactory(username="clerk", first_name="Carla", last_name="Clerk")
    as_user(clerk)
    customer.city = "Redmond"
    customer.save()
    [change] = change_history(contact, limit=1)
    assert (change.field, change.new, change.who) == ("city", "Redmond", "Carla Clerk")
    assert change.source == f"Synchronized from customer {customer.no}"
    assert change.synchronized
    vendor_change = change_history(vendor, limit=1)[0]
    assert (vendor_change.field, vendor_change.source) == ("city", f"Synchronized from customer {customer.no}")
    own = change_history(customer, limit=1)[0]
    assert (own.field, own.old, own.new, own.source, own.synchronized) == (
        "city", contact.city, "Redmond", "", False)


def test_foreign_keys_show_as_text(pair):
    contact, *_ = pair
    contact.territory = TerritoryFactory(code="NORTH", name="North")
    contact.save()
    change = change_history(contact, limit=1)[0]
    assert (change.field, change.new) == ("territory", "NORTH North")


def test_history_costs_a_fixed_number_of_queries(pair, django_assert_num_queries):
    contact, customer, _ = pair
    for i in range(10):
        customer.phone_no = f"+1 555 01{i:02d}"
        customer.territory = TerritoryFactory(code=f"T{i}")
        customer.save()
    with django_assert_num_queries(2):  # snapshots with users, territories
        changes = change_history(contact, limit=8)
    assert len(changes) == 8


def _events(obj):
    """What the history panel says happened, newest first (an event, or the reason of a field change)."""
    return list(dict.fromkeys(change.source for change in change_history(obj) if change.source))


def test_linking_is_an_event_in_the_history_of_both_sides(pair):
    contact, customer, vendor = pair
    assert f"Linked with customer {customer.no}" in _events(contact)
    assert f"Linked with vendor {vendor.no}" in _events(contact)
    assert f"Linked with contact {contact.no}" in _events(customer)


def test_unlinking_is_an_event_in_the_history_of_both_sides(pair):
    contact, customer, _ = pair
    services.unlink(contact, "customer")
    assert _events(contact)[0] == f"Unlinked from customer {customer.no}"
    assert _events(customer)[0] == f"Unlinked from contact {contact.no}"


def test_deleting_a_partner_is_an_event_in_the_contacts_history(pair):
    contact, customer, _ = pair
    customer.delete()
    assert _events(contact)[0] == f"Customer {customer.no} was deleted; this contact stays, only the link went"


def test_deleting_a_contact_is_an_event_in_its_partners_history(pair):
    contact, customer, vendor = pair
    contact.delete()
    for partner, label in ((customer, "customer"), (vendor, "vendor")):
        assert _events(partner)[0] == f"Contact {contact.no} was deleted; this {label} stays, only the link went"


def test_a_partner_created_from_a_contact_says_so_in_its_history(sync_on, numbered_partners):
    contact = ContactFactory(name="Northwind")
    customer = services.create_partner_from_contact(contact, "customer")
    assert f"Created from contact {contact.no}" in _events(customer)


def test_a_contact_created_from_a_partner_says_so_and_the_partner_names_it(sync_on):
    customer = CustomerFactory(name="Contoso")
    contact = contact_of(customer)
    assert _events(contact)[-1] == f"Created from customer {customer.no}"
    assert f"Linked with contact {contact.no}, created from it" in _events(customer)
