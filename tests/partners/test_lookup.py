"""The partner lookup behind a document's customer / vendor number field (/<word>/lookup/)."""

import pytest

from contacts import sync
from tests import factories
from tests.screens import HX


@pytest.fixture
def customers(db):
    with sync.suspended():
        return [factories.CustomerFactory(no="C00010", name="Łódź Logistyka", city="Łódź"),
                factories.CustomerFactory(no="C00020", name="Northwind Traders", city="Oslo")]


def test_the_customer_lookup_answers_htmx_with_options_ignoring_case_and_accents(sales, customers):
    html = sales.get("/customers/lookup/", {"field": "customer_no", "customer_no": "LODZ"}, headers=HX).content.decode()
    assert html.strip() == '<option value="C00010">Łódź Logistyka · Łódź</option>'


def test_without_javascript_the_customer_lookup_is_a_search_page(sales, customers):
    page = sales.get("/customers/lookup/", {"q": "north"}).content.decode()
    assert "<html" in page and "Find a customer" in page and "C00020" in page and "C00010" not in page


def test_a_blank_lookup_offers_nothing(sales, customers):
    response = sales.get("/customers/lookup/", {"field": "customer_no", "customer_no": " "}, headers=HX)
    assert response.status_code == 200 and response.content.strip() == b""


def test_the_vendor_lookup_needs_the_right_to_see_vendors(sales, customers):
    assert sales.get("/vendors/lookup/", {"q": "x"}).status_code == 403
