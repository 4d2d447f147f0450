"""End to end in headless Chromium: from a contact linked to a customer, make a sales quote, add a line,
print it, and find the interaction on the contact card.

A minimal harness of its own (fixtures prefixed ``docs_``) so it runs with or without tests/browser/conftest.py.
"""

import os
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from contacts.models import InteractionLogEntry
from crm.roles import create_roles
from documents.models import SalesHeader
from tests import factories
from tests.documents.conftest import SERIES, link

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def docs_browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def docs_page(docs_browser, live_server, transactional_db):
    context = docs_browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def docs_world(transactional_db):
    """A sales user, Document Setup, a quote interaction template, and a company contact linked to a customer."""
    from documents.models import DocumentSetup

    create_roles(apps)
    user = factories.UserFactory(username="sally", first_name="Sally")
    user.groups.add(Group.objects.get(name="Sales"))
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    factories.interaction_template_setup(sales_quotes="SQUOTE")
    company = factories.ContactFactory(no="KT000010", name="Fabrikam Inc.", email="office@fabrikam.example")
    link(company, factories.CustomerFactory(no="C00010", name="Fabrikam Inc."))
    return company


@pytest.mark.browser
def test_a_quote_from_the_contact_card_is_printed_and_logged_on_the_card(docs_page, docs_world):
    page, company = docs_page, docs_world
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("sally")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(company.get_absolute_url())
    page.get_by_text("New document").click()
    page.get_by_role("button", name="New sales quote").click()
    page.wait_for_url("**/documents/sales/*/")
    quote = SalesHeader.objects.get()
    assert page.locator("h1").inner_text().startswith(quote.no)

    form = page.locator("#add-line")
    form.get_by_label("Description").fill("Office chair")
    form.get_by_label("Quantity").fill("4")
    form.get_by_label("Unit price").fill("125")
    form.get_by_label("Line discount %").fill("10")
    form.get_by_role("button", name="Add line").click()
    page.locator("#lines").get_by_text("Office chair").wait_for()  # swapped in place by htmx
    assert page.locator("#document-total").inner_text() == "450.00"
    assert quote.lines.get().amount == Decimal("450.00")

    with page.expect_download() as download:
        page.get_by_role("button", name="Print").click()
    assert download.value.suggested_filename == f"{quote.no}.pdf"
    assert InteractionLogEntry.objects.filter(contact=company, document_no=quote.no).count() == 1

    page.goto(company.get_absolute_url())
    interactions = page.locator("#interactions")
    assert "SQUOTE" in interactions.inner_text() and quote.no in interactions.inner_text()


@pytest.fixture
def docs_page_without_js(docs_browser, live_server, transactional_db):
    context = docs_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_without_javascript_a_quote_is_made_and_its_lines_edited(docs_page_without_js, docs_world):
    page, company = docs_page_without_js, docs_world
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("sally")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(company.get_absolute_url())
    page.get_by_text("New document").click()  # <details> opens without JavaScript
    page.get_by_role("button", name="New sales quote").click()
    page.wait_for_url("**/documents/sales/*/")

    form = page.locator("#add-line")
    form.get_by_label("Description").fill("Desk")
    form.get_by_label("Unit price").fill("300")
    form.get_by_role("button", name="Add line").click()
    page.locator("#lines").get_by_text("Desk").wait_for()

    page.locator("#lines").get_by_role("link", name="Edit").click()
    page.locator("tr.editing").get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Save line").click()
    page.wait_for_load_state()
    assert page.locator("#document-total").inner_text() == "600.00"
