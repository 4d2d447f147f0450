"""Change history: who changed what, when, and — for synchronized changes — from which record."""

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from contacts import services, sync
from contacts.selectors import change_history
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
