"""Link with contact from the customer card, in a real browser, choosing one field from each side."""

import re

import pytest
from playwright.sync_api import expect

from contacts import sync
from tests import factories

pytestmark = pytest.mark.browser


def test_link_a_customer_with_an_existing_contact_from_the_customer_card(page, login, users, sync_setup):
    contact = factories.ContactFactory(no="CT000001", name="Adatum Corporation", city="Berlin",
                                       phone_no="+49 30 1234", email="info@adatum.example")
    factories.ContactFactory(no="CT000002", name="Tailspin Toys", city="Oslo")
    with sync.suspended():
        customer = factories.CustomerFactory(no="C00042", name="ADATUM Corp", city="Hamburg",
                                             phone_no="+49 40 9876", email="info@adatum.example")
    login(page, "sally")
    page.goto(customer.get_absolute_url())
    page.locator("#contact-panel").get_by_role("link", name="Link with contact").click()
    page.get_by_placeholder(re.compile("Search contacts")).press_sequentially("adatum")
    expect(page.locator("#link-results").get_by_text("Tailspin Toys")).to_have_count(0)
    page.locator("#link-results").get_by_role("link", name="Choose").click()
    preview = page.locator("#link-preview")
    expect(preview.get_by_text("ADATUM Corp", exact=True)).to_be_visible()
    expect(preview.locator('input[name="win_name"][value="contact"]')).to_be_checked()  # contact wins by default
    preview.locator('input[name="win_city"][value="partner"]').check()  # the customer's city
    preview.get_by_role("button", name="Link").click()
    expect(page.get_by_text("Customer C00042 is now linked with contact CT000001 Adatum Corporation.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("#contact-panel").get_by_role("link", name="CT000001 Adatum Corporation")).to_be_visible()
    expect(page.get_by_label("City")).to_have_value("Hamburg")
    customer.refresh_from_db()
    contact.refresh_from_db()
    assert (customer.name, customer.city, customer.phone_no) == ("Adatum Corporation", "Hamburg", "+49 30 1234")
    assert (contact.name, contact.city, contact.phone_no) == ("Adatum Corporation", "Hamburg", "+49 30 1234")
