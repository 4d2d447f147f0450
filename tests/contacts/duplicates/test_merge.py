"""Merging two contacts: everything that refers to the merged-away contact moves to the survivor, and its
address leads to the survivor."""

import pytest

from contacts.duplicates import index as duplicates
from contacts.duplicates.merge import merge_contacts
from documents.models import PurchaseHeader, SalesHeader
from tests import factories

pytestmark = pytest.mark.django_db


def company(**values):
    contact = factories.ContactFactory(**values)
    duplicates.index_contact(contact)
    return contact


@pytest.fixture
def pair(sync_on):
    a = company(name="Fabrikam Inc", city="Berlin", phone_no="+49 30 1")
    b = company(name="Fabrikam Ltd", city="Bonn", phone_no="+49 30 1", email="b@fabrikam.test")
    return a, b


def test_merge_moves_sales_and_purchase_documents_with_their_contact_fields(pair):
    a, b = pair
    customer, vendor = factories.CustomerFactory(), factories.VendorFactory()
    quote = SalesHeader.objects.create(no="SQ1", document_type="quote", sell_to_contact=b, bill_to_contact=b)
    order = SalesHeader.objects.create(no="SO1", document_type="order", sell_to_customer=customer,
                                       sell_to_contact=a, bill_to_contact=b)
    purchase = PurchaseHeader.objects.create(no="PQ1", document_type="quote", buy_from_vendor=vendor,
                                             buy_from_contact=b, pay_to_contact=b)

    merge_contacts(a, b)

    for document in (quote, order, purchase):
        document.refresh_from_db()
    assert (quote.sell_to_contact, quote.bill_to_contact) == (a, a)
    assert (order.sell_to_contact, order.bill_to_contact) == (a, a)
    assert (purchase.buy_from_contact, purchase.pay_to_contact) == (a, a)


def test_moved_documents_get_a_new_version_so_an_open_edit_form_cannot_write_the_old_contact_back(pair):
    a, b = pair
    quote = SalesHeader.objects.create(no="SQ1", document_type="quote", sell_to_contact=b)
    version = quote.version
    merge_contacts(a, b)
    quote.refresh_from_db()
    assert quote.version == version + 1
