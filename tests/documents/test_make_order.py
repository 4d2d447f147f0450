"""Quote → order (reference §8.1, edge cases 16 and 52)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from documents.models import DocumentSetup, SalesHeader
from documents.services import (
    document_line_add,
    make_order,
    purchase_document_from_contact,
    sales_document_from_contact,
)
from partners.models import Customer
from tests.documents.conftest import person_of
from tests.factories import ContactFactory, CustomerTemplateFactory

pytestmark = pytest.mark.django_db

def test_a_quote_for_a_customer_becomes_an_order_with_the_same_lines(document_setup, customer_company):
    company, customer = customer_company
    quote = sales_document_from_contact(company, "quote")
    document_line_add(quote, description="Chair", quantity=Decimal("2"), unit_price=Decimal("50"),
                      line_discount_pct=Decimal("10"))
    document_line_add(quote, description="Desk", quantity=Decimal("1"), unit_price=Decimal("300"))
    order = make_order(quote)
    order.refresh_from_db()
    assert (order.document_type, order.no, order.sell_to_customer, order.sell_to_contact, order.quote) == (
        "order", "SO0001", customer, company, quote)
    assert [(line.line_no, line.description, line.amount) for line in order.lines.all()] == [
        (10000, "Chair", Decimal("90.00")), (20000, "Desk", Decimal("300.00"))]
    assert order.get_total_amount() == quote.get_total_amount() == Decimal("390.00")


def test_a_quote_is_made_into_an_order_only_once(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    order = make_order(quote)
    with pytest.raises(ValidationError, match=f"already made into Sales Order {order.no}"):
        make_order(quote)
    assert SalesHeader.objects.filter(document_type="order").count() == 1


def test_only_a_quote_can_be_made_into_an_order(document_setup, customer_company):
    order = sales_document_from_contact(customer_company[0], "order")
    with pytest.raises(ValidationError, match="not a quote"):
        make_order(order)


def test_a_quote_with_neither_customer_nor_template_is_refused_and_nothing_created(sync_on, numbered_partners,
                                                                                  document_setup):
    quote = sales_document_from_contact(ContactFactory(name="Prospect Ltd"), "quote")
    assert quote.customer_template is None
    with pytest.raises(ValidationError, match="no customer template"):
        make_order(quote)
    assert not Customer.objects.exists()
    assert not SalesHeader.objects.filter(document_type="order").exists()


def test_a_quote_without_customer_creates_the_customer_from_the_company_with_its_template(
        sync_on, numbered_partners, document_setup):
    company = ContactFactory(name="Prospect Ltd")
    person = person_of(company, name="Pat Prospect")
    template = CustomerTemplateFactory(code="RETAIL", payment_terms_code="7D")
    quote = sales_document_from_contact(person, "quote", template=template)
    document_line_add(quote, description="Chair", unit_price=Decimal("10"))
    order = make_order(quote)
    customer = Customer.objects.get()
    assert (customer.name, customer.payment_terms_code) == ("Prospect Ltd", "7D")
    assert customer.contact_links.get().contact == company
    quote.refresh_from_db()
    assert quote.sell_to_customer == customer  # the quote is re-pointed
    assert (order.sell_to_customer, order.sell_to_contact, order.lines.get().description) == (
        customer, person, "Chair")


def test_other_open_quotes_of_the_company_are_re_pointed_to_the_new_customer(sync_on, numbered_partners,
                                                                             document_setup):
    company = ContactFactory()
    template = CustomerTemplateFactory()
    first = sales_document_from_contact(company, "quote", template=template)
    second = sales_document_from_contact(person_of(company), "quote")
    make_order(first)
    second.refresh_from_db()
    assert second.sell_to_customer == Customer.objects.get()


def test_making_the_order_is_all_or_nothing(sync_on, numbered_partners, document_setup):
    DocumentSetup.objects.update(sales_order_nos=None)
    quote = sales_document_from_contact(ContactFactory(), "quote", template=CustomerTemplateFactory())
    with pytest.raises(ValidationError, match="Sales Order Nos."):
        make_order(quote)
    assert not Customer.objects.exists()
    quote.refresh_from_db()
    assert quote.sell_to_customer is None


def test_a_purchase_quote_becomes_a_purchase_order(document_setup, vendor_company):
    quote = purchase_document_from_contact(vendor_company[0], "quote")
    document_line_add(quote, description="Paper", quantity=Decimal("10"), unit_price=Decimal("3.5"))
    order = make_order(quote)
    assert (order.document_type, order.no, order.buy_from_vendor, order.lines.get().amount) == (
        "order", "PO0001", vendor_company[1], Decimal("35.00"))


def test_when_the_company_becomes_a_customer_its_open_quotes_name_it(sync_on, numbered_partners, document_setup):
    from contacts.services import create_partner_from_contact

    company = ContactFactory()
    for_company = sales_document_from_contact(company, "quote")
    for_person = sales_document_from_contact(person_of(company), "quote")
    elsewhere = sales_document_from_contact(ContactFactory(), "quote")
    customer = create_partner_from_contact(company, "customer")
    for quote in (for_company, for_person, elsewhere):
        quote.refresh_from_db()
    assert (for_company.sell_to_customer, for_person.sell_to_customer, elsewhere.sell_to_customer) == (
        customer, customer, None)
