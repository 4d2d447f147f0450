"""The screens work under the Content-Security-Policy: htmx and app.js load with the page's nonce, the search as you
type and the menus work, and the browser reports no violation of the policy on any main page."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_the_main_screens_run_under_the_policy_without_a_violation(page, login, users, sync_setup):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    company = factories.ContactFactory(no="CT000001", name="Fabrikam Inc.", city="Seattle")
    factories.ContactFactory(no="CT000002", name="Contoso Ltd.", city="London")
    login(page, "boss")
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("typeof htmx") == "object"  # the nonce let htmx run
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    page.get_by_placeholder("Search contacts").press_sequentially("fabri")  # htmx swaps the results
    expect(page.get_by_role("link", name="Contoso Ltd.")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=fabri"))
    page.goto(company.get_absolute_url())
    menu = page.locator("#relations-panel details.menu", has_text="Create as")
    menu.get_by_text("Create as").click()
    page.keyboard.press("Escape")  # app.js closes the menu
    expect(menu).not_to_have_attribute("open", "")
    for path in ("/contacts/new/", "/customers/", "/vendors/", "/bank-accounts/", "/documents/sales/",
                 "/documents/purchase/", "/contacts/csv/contact/import/", "/contacts/duplicates/"):
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()
    assert violations == []
