"""End to end in headless Chromium: from a contact linked to a customer, make a sales quote, add a line,
print it, and find the interaction on the contact card; and the same quote flow without JavaScript.

Uses the shared harness in tests/browser/conftest.py (``page``, ``users``, ``login``, ``screenshot``).
"""

from decimal import Decimal

import pytest

from contacts.models import InteractionLogEntry
from documents.models import DocumentSetup, SalesHeader
from tests import factories
from tests.browser.conftest import PASSWORD, log_in
from tests.documents.conftest import SERIES, link

pytestmark = pytest.mark.browser


@pytest.fixture
def fabrikam(transactional_db):
    """Document Setup, a quote interaction template, and a company contact linked to a customer."""
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    factories.interaction_template_setup(sales_quotes="SQUOTE")
    company = factories.ContactFactory(no="KT000010", name="Fabrikam Inc.", email="office@fabrikam.example")
    link(company, factories.CustomerFactory(no="C00010", name="Fabrikam Inc.", contact="Anna Smith"))
    return company


def new_sales_quote(page, company):
    page.goto(company.get_absolute_url())
    page.get_by_text("New document").click()  # a <details> menu: opens without JavaScript too
    page.get_by_role("button", name="New sales quote").click()
    page.wait_for_url("**/documents/sales/*/")
    return SalesHeader.objects.get()


def test_a_quote_from_the_contact_card_is_printed_and_logged_on_the_card(page, users, fabrikam, screenshot):
    log_in(page, "sally")
    quote = new_sales_quote(page, fabrikam)
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
    screenshot(page, "sales-quote")

    with page.expect_download() as download:
        page.get_by_role("button", name="Print").click()
    assert download.value.suggested_filename == f"{quote.no}.pdf"
    assert InteractionLogEntry.objects.filter(contact=fabrikam, document_no=quote.no).count() == 1

    page.goto(fabrikam.get_absolute_url())
    interactions = page.locator("#interactions")
    assert "SQUOTE" in interactions.inner_text() and quote.no in interactions.inner_text()


@pytest.fixture
def page_without_js(_browser, live_server, transactional_db):
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_without_javascript_a_quote_is_made_and_its_lines_edited(page_without_js, users, fabrikam):
    page = page_without_js
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("sally")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    new_sales_quote(page, fabrikam)

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
