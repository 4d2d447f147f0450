"""A quote's validity date (BC: Quote Valid Until Date): edited on the quote's card, absent from orders."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from documents.services import make_order, purchase_document_from_contact, sales_document_from_contact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    user = UserFactory(username="clerk")
    user.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_salesheader", "change_salesheader", "add_salesheader",
        "view_purchaseheader", "change_purchaseheader"]))
    client.force_login(user)
    return user


def header_post(document, **changes):
    """The card's header form as shown, with ``changes``."""
    partner = document.sell_to_customer if document.side == "sales" else document.buy_from_vendor
    return {"customer_no" if document.side == "sales" else "vendor_no": partner.no if partner else "",
            "contact_no": "", "version": document.version, "order_date": "2026-11-20", "email": "", "phone_no": "",
            "contact_name": "", "external_document_no": "", **changes}


@pytest.mark.parametrize("side", ["sales", "purchase"])
def test_a_quotes_card_sets_the_date_the_quote_is_valid_until(client, clerk, document_setup, customer_company,
                                                               vendor_company, side):
    if side == "sales":
        quote = sales_document_from_contact(customer_company[0], "quote")
    else:
        quote = purchase_document_from_contact(vendor_company[0], "quote")
    assert 'name="quote_valid_until"' in client.get(quote.get_absolute_url()).content.decode()
    response = client.post(quote.get_absolute_url(), header_post(quote, quote_valid_until="2026-12-31"))
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.quote_valid_until == datetime.date(2026, 12, 31)


def test_a_quote_cannot_be_valid_until_a_day_before_its_date(client, clerk, document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    response = client.post(quote.get_absolute_url(), header_post(quote, quote_valid_until="2026-11-19"))
    assert response.status_code == 200
    assert "A quote cannot expire before its date" in response.content.decode()
    quote.refresh_from_db()
    assert quote.quote_valid_until is None


@pytest.mark.parametrize("document_type", ["order", "blanket_order"])
def test_an_orders_card_has_no_quote_validity(client, clerk, document_setup, customer_company, document_type):
    order = sales_document_from_contact(customer_company[0], document_type)
    assert 'name="quote_valid_until"' not in client.get(order.get_absolute_url()).content.decode()


def test_the_order_made_from_a_quote_does_not_take_its_validity(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    quote.quote_valid_until = datetime.date(2026, 12, 31)
    quote.save()
    assert make_order(quote).quote_valid_until is None
