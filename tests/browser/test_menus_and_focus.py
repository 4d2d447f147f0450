"""Menus close on Esc and on a click outside them (static/js/app.js); after adding a document line the
focus is on the next line's first field; the document card links back to its contact and customer."""

import re

import pytest
from playwright.sync_api import expect

from documents import services as documents
from documents.models import DocumentSetup
from tests import factories
from tests.documents.conftest import SERIES, link

pytestmark = pytest.mark.browser


@pytest.fixture
def company(transactional_db):
    factories.partner_setup()
    factories.marketing_setup()
    return factories.ContactFactory(name="Fabrikam Inc.")


def test_a_menu_closes_on_escape_and_on_a_click_outside(page, login, users, company):
    login(page, "boss")
    page.goto(company.get_absolute_url())
    menu = page.locator("#relations-panel details.menu", has_text="Create as")
    menu.get_by_text("Create as").click()
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(menu.locator("summary")).to_be_focused()

    menu.get_by_text("Create as").click()
    expect(menu.get_by_role("link", name="Customer")).to_be_visible()
    page.locator("h1").click()
    expect(menu).not_to_have_attribute("open", "")

    # Opening one menu closes the other.
    menu.get_by_text("Create as").click()
    page.locator("#relations-panel").get_by_text("Link with existing").click()
    expect(menu).not_to_have_attribute("open", "")


def test_the_phone_menu_closes_on_escape(page, login, users, company):
    login(page, "sally")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(company.get_absolute_url())
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()


def test_after_adding_a_line_the_focus_is_on_the_next_lines_description(page, login, users, transactional_db):
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    company = factories.ContactFactory(name="Fabrikam Inc.")
    customer = factories.CustomerFactory(name="Fabrikam Inc.")
    link(company, customer)
    quote = documents.sales_document_from_contact(company, "quote")
    login(page, "sally")
    page.goto(quote.get_absolute_url())

    form = page.locator("#add-line")
    form.get_by_label("Description").fill("Office chair")
    form.get_by_label("Unit price").fill("125")
    form.get_by_label("Unit price").press("Enter")
    page.locator("#lines").get_by_text("Office chair").wait_for()
    expect(page.locator("#add-line").get_by_label("Description")).to_be_focused()
    expect(page.locator("#add-line").get_by_label("Description")).to_have_value("")
    page.keyboard.type("Desk")  # straight on with the next line
    expect(page.locator("#add-line").get_by_label("Description")).to_have_value("Desk")

    # The card links back to its contact and its customer.
    page.get_by_role("link", name=str(customer)).click()
    expect(page).to_have_url(re.compile(re.escape(customer.get_absolute_url()) + "$"))
    page.go_back()
    page.locator("#contact-link").click()
    expect(page.get_by_role("heading", name="Fabrikam Inc.")).to_be_visible()
