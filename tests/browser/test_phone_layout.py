"""Phone layout (390 × 844): no main screen scrolls sideways, and the menu and Log out are reachable.

Each screen is visited as the role that works with it; wide tables scroll inside their own box instead of
widening the page (``document.documentElement.scrollWidth <= window.innerWidth``).
"""

import pytest
from playwright.sync_api import expect

from contacts.duplicates import index as duplicates
from documents import services as documents
from documents.models import DocumentSetup
from tests import factories
from tests.browser.conftest import PASSWORD
from tests.documents.conftest import SERIES, link

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(_browser, live_server, transactional_db):
    context = _browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def data(transactional_db):
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    company = factories.ContactFactory(
        no="KT000010", name="Fabrikam Incorporated International Trading Company", city="Thessaloniki",
        email="office.purchasing.department@fabrikam-international.example", phone_no="+30 2310 555 0100")
    customer = factories.CustomerFactory(no="KC00010", name=company.name, contact="Anna Smith-Papadopoulou",
                                         email=company.email)
    link(company, customer)
    factories.ContactFactory(person=True, company=company, company_name=company.name, name="Anna Smith")
    quote = documents.sales_document_from_contact(company, "quote")
    documents.document_line_add(quote, description="Ergonomic office chair with adjustable armrests, black",
                                quantity=12345, unit_price=123456)
    for name in ("Contoso Pharmaceuticals Ltd", "Contoso Pharmaceuticals Limited"):
        duplicates.index_contact(factories.ContactFactory(name=name, email="info@contoso-pharma.example"))
    prospect = factories.ContactFactory(name="Contoso Pharmaceuticals Research Laboratories", city="Athens",
                                        address="Leoforos Vasilissis Sofias 123")
    other = factories.CustomerFactory(name="Contoso Pharmaceuticals Research Laboratories S.A.", city="Piraeus",
                                      address="Akti Miaouli 45, Building B, Third Floor")
    return {"company": company, "customer": customer, "quote": quote, "prospect": prospect, "other": other}


def log_in(page, username):
    """As the harness's, but the main menu is folded away on a phone: wait for the page, not the menu."""
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("nav.mainnav", state="attached")


def assert_fits(page, what):
    page.wait_for_load_state()
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{what} scrolls sideways at 390 px: {width} px wide"


def assert_menu_and_log_out_reachable(page, what):
    menu = page.get_by_text("Menu", exact=True)
    expect(menu).to_be_visible()
    menu.click()
    for name in ("Contacts", "Customers", "Duplicates"):
        link_ = page.locator("nav.mainnav").get_by_role("link", name=name, exact=True)
        expect(link_).to_be_visible()
        box = link_.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{name} is off-screen on {what}"
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_visible()
    box = log_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"Log out is off-screen on {what}"
    menu.click()  # closes again


def test_no_main_screen_scrolls_sideways_on_a_phone_and_the_menu_is_reachable(phone, users, data, screenshot):
    company, customer, quote = data["company"], data["customer"], data["quote"]
    log_in(phone, "sally")
    prospect, other = data["prospect"], data["other"]
    screens = {  # what: (address, what the screen shows)
        "contact list": ("/contacts/", "#results table.list"),
        "contact card": (company.get_absolute_url(), "#relations-panel"),
        "link dialog": (f"/contacts/{prospect.pk}/link/customer/?q=Contoso", "#link-results table.list"),
        "link preview": (f"/contacts/{prospect.pk}/link/customer/?q=Contoso&partner={other.pk}", "table.preview"),
        "customer list": ("/customers/", "#results table.list"),
        "customer card": (customer.get_absolute_url(), "#contact-panel"),
        "sales documents": ("/documents/sales/", "table.documents"),
        "sales quote": (quote.get_absolute_url(), "#lines table.lines"),
        "duplicates": ("/contacts/duplicates/", "#pairs table.list"),
        "CSV import": ("/contacts/csv/contact/import/", "input[type=file]"),
    }
    for what, (url, content) in screens.items():
        response = phone.goto(url)
        assert response.ok, f"{what}: HTTP {response.status}"
        expect(phone.locator(content).first).to_be_visible()
        assert_fits(phone, what)
        assert_menu_and_log_out_reachable(phone, what)
        assert_fits(phone, f"{what} with the menu open")

    # The CSV import's preview table (every column of a contact) scrolls inside its box.
    phone.goto("/contacts/csv/contact/import/")
    header = "no,name,address,city,email,phone_no"
    row = ",Contoso Pharmaceuticals Research Laboratories,Leoforos Vasilissis Sofias 123,Athens,x@y.example,+30 1"
    phone.get_by_label("CSV file").set_input_files(
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": f"{header}\n{row}\n".encode()}])
    phone.get_by_role("button", name="Preview").click()
    expect(phone.locator("#preview")).to_be_visible()
    assert_fits(phone, "CSV import preview")
    assert_menu_and_log_out_reachable(phone, "CSV import preview")

    phone.goto(company.get_absolute_url())
    phone.get_by_text("Menu", exact=True).click()
    screenshot(phone, "contact-card-phone")
    phone.goto(quote.get_absolute_url())
    # The quote's amounts and actions are on screen (scrolling down, never sideways).
    assert_fits(phone, "sales quote")
    for control in (phone.get_by_role("button", name="Print"), phone.get_by_role("link", name="Send by e-mail"),
                    phone.locator("#document-total")):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], f"{control} is cut off"
