"""The card menus offer only what can be done, and say why an entry cannot be done before the user starts:
the contact card's Create as / Link with existing, the partner card's contact panel."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.documents.conftest import link

pytestmark = pytest.mark.browser

NOT_SET_UP = "Bank accounts are not synchronized yet: ask your administrator to set them up in Marketing Setup."


def test_a_sales_user_whose_only_kind_is_linked_gets_no_empty_menus(page, login, users):
    company = factories.ContactFactory(name="Fabrikam Inc.")
    link(company, factories.CustomerFactory(name="Fabrikam Inc."))
    login(page, "sally")
    page.goto(company.get_absolute_url())
    panel = page.locator("#relations-panel")
    expect(panel.get_by_role("link", name="Fabrikam Inc.")).to_be_visible()
    expect(panel.get_by_text("Create as")).to_have_count(0)
    expect(panel.get_by_text("Link with existing")).to_have_count(0)


def test_a_kind_without_a_business_relation_code_is_shown_disabled_with_the_reason(page, login, users):
    factories.partner_setup()
    factories.marketing_setup(bank_accounts=None)
    company = factories.ContactFactory(name="Fabrikam Inc.")
    login(page, "boss")
    page.goto(company.get_absolute_url())
    panel = page.locator("#relations-panel")
    panel.get_by_text("Create as").click()
    menu = panel.locator("details.menu[open] .menu-items")
    expect(menu.get_by_role("link", name="Customer")).to_be_visible()
    expect(menu.get_by_role("link", name="Vendor")).to_be_visible()
    expect(menu.get_by_role("link", name="Bank Account")).to_have_count(0)  # nothing to click that is refused
    expect(menu.locator("[aria-disabled=true]", has_text="Bank Account")).to_contain_text(NOT_SET_UP)


def test_a_person_without_a_company_is_told_why_it_cannot_become_a_vendor(page, login, users, sync_setup):
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker", company=None)
    login(page, "percy")
    page.goto(person.get_absolute_url())
    page.locator("#relations-panel").get_by_text("Create as").click()
    entry = page.locator("#relations-panel details.menu[open] [aria-disabled=true]", has_text="Vendor")
    expect(entry).to_contain_text("person without a company")
    expect(page.locator("#relations-panel").get_by_role("link", name="Vendor")).to_have_count(0)


def test_the_partner_card_says_why_no_contact_can_be_created_or_linked(page, login, users):
    factories.partner_setup()
    factories.marketing_setup(customers=None)
    customer = factories.CustomerFactory(name="Contoso Ltd.")
    login(page, "sally")
    page.goto(customer.get_absolute_url())
    panel = page.locator("#contact-panel")
    expect(panel.get_by_role("button", name="Create contact")).to_be_disabled()
    expect(panel.get_by_role("button", name="Link with contact")).to_be_disabled()
    expect(panel).to_contain_text(
        "Customers are not synchronized yet: ask your administrator to set them up in Marketing Setup.")
