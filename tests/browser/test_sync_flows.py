"""The synchronization flows in a real browser: create as, link with field choice, edits that reach the
other side, delete. Also takes the README's screenshots (docs/screenshots)."""

import re

import pytest
from playwright.sync_api import expect

from contacts import sync
from contacts.models import Contact, ContactBusinessRelation
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.browser


def open_menu_item(page, menu, item):
    page.locator("summary", has_text=menu).click()
    page.locator("details.menu[open]").get_by_role("link", name=item, exact=True).click()


def test_create_a_contact_as_a_customer_and_land_on_its_card(page, login, users, sync_setup, screenshot):
    factories.CustomerTemplateFactory(code="DOMESTIC", description="Domestic customers")
    for i, (name, city) in enumerate([("Fabrikam Inc.", "Seattle"), ("Contoso Ltd.", "London"),
                                      ("Adatum Corporation", "Berlin"), ("Litware Inc.", "Paris"),
                                      ("Tailspin Toys", "Oslo"), ("Wingtip Toys", "Lima")], start=1):
        company = factories.ContactFactory(no=f"CT{i:06d}", name=name, city=city, country_code="US")
    factories.ContactFactory(no="CT000007", person=True, first_name="Jo", surname="Walker", company=company,
                             company_name=company.name, job_title="Buyer")
    factories.CustomerFactory(no="C09999", name="Northwind Traders", city="Oslo", country_code="NO")  # gets a contact
    login(page, "sally")
    screenshot(page, "contact-list")
    page.get_by_role("link", name="Fabrikam Inc.").click()
    open_menu_item(page, "Create as", "Customer")
    expect(page.get_by_role("heading", name="Create as Customer")).to_be_visible()
    expect(page.get_by_label(re.compile("DOMESTIC"))).to_be_checked()  # the only fitting template, preselected
    page.get_by_role("button", name="Create Customer").click()
    expect(page.get_by_text(re.compile(r"Customer C\d+ Fabrikam Inc\. created from contact CT000001"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("#contact-panel").get_by_role("link", name="CT000001 Fabrikam Inc.")).to_be_visible()


def test_link_a_contact_with_an_existing_vendor_choosing_fields(page, login, users, sync_setup, screenshot):
    contact = factories.ContactFactory(no="CT000001", name="Adatum Corporation", city="Berlin",
                                       phone_no="+49 30 1234", email="info@adatum.example")
    with sync.suspended():
        vendor = factories.VendorFactory(no="V00042", name="ADATUM Corp", city="Hamburg", phone_no="+49 40 9876",
                                         email="sales@adatum.example")
        factories.VendorFactory(no="V00043", name="Tailspin Toys", city="Oslo")
    login(page, "boss")
    page.goto(contact.get_absolute_url())
    open_menu_item(page, "Link with existing", "Vendor")
    search = page.get_by_placeholder(re.compile("Search vendors"))
    expect(search).to_have_value("Adatum Corporation")  # the dialog opens searching for the contact's name
    search.fill("")
    search.press_sequentially("adatum")
    expect(page.locator("#link-results").get_by_text("Tailspin Toys")).to_have_count(0)
    page.locator("#link-results").get_by_role("link", name="Choose").click()
    preview = page.locator("#link-preview")
    expect(preview.get_by_text("ADATUM Corp", exact=True)).to_be_visible()
    # default: the contact wins every field; the user takes the vendor's city and phone
    expect(preview.locator('input[name="win_name"][value="contact"]')).to_be_checked()
    preview.locator('input[name="win_city"][value="partner"]').check()
    preview.locator('input[name="win_phone_no"][value="partner"]').check()
    screenshot(page, "link-preview")
    preview.get_by_role("button", name="Link").click()
    expect(page.get_by_text(re.compile("is now linked with vendor V00042"))).to_be_visible()
    expect(page.locator("#relations-panel").get_by_role("link", name=re.compile("V00042"))).to_be_visible()
    expect(page.get_by_label("City")).to_have_value("Hamburg")
    screenshot(page, "contact-card")
    vendor.refresh_from_db()
    assert (vendor.name, vendor.city, vendor.phone_no, vendor.email) == (
        "Adatum Corporation", "Hamburg", "+49 40 9876", "info@adatum.example")


def test_edit_a_phone_on_the_contact_and_see_it_on_the_customer_card(page, login, users, sync_setup):
    customer = factories.CustomerFactory(name="Northwind Traders", phone_no="+47 555 0100")  # gets a contact
    contact = ContactBusinessRelation.objects.get(customer=customer).contact
    login(page, "sally")
    page.goto(contact.get_absolute_url())
    page.get_by_label("Phone no.", exact=True).fill("+47 555 0199")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Contact {contact.no} saved.")).to_be_visible()
    page.locator("#relations-panel").get_by_role("link", name=re.compile(customer.no)).click()
    expect(page.get_by_label("Phone no.", exact=True)).to_have_value("+47 555 0199")
    expect(page.locator("#history-panel")).to_contain_text(f"Synchronized from contact {contact.no}")


def test_delete_a_contact_and_the_customer_remains(page, login, users, sync_setup):
    customer = factories.CustomerFactory(name="Contoso Ltd.")
    contact = ContactBusinessRelation.objects.get(customer=customer).contact
    factories.ContactFactory(no="CT900001", person=True, first_name="Jo", surname="Walker", company=contact)
    login(page, "sally")
    page.goto(contact.get_absolute_url())
    page.get_by_role("link", name="Delete").click()
    expect(page.locator("#persons-deleted")).to_contain_text("CT900001 Jo Walker")
    page.get_by_role("button", name=re.compile("Delete company and 1 person")).click()
    expect(page.get_by_text(re.compile(f"Contact {contact.no} Contoso Ltd. and 1 person\\(s\\) deleted"))).to_be_visible()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    page.goto(customer.get_absolute_url())
    expect(page.get_by_role("heading", name=re.compile("Contoso Ltd."))).to_be_visible()
    expect(page.get_by_text("No contact is linked.")).to_be_visible()
    assert Customer.objects.filter(pk=customer.pk).exists()
