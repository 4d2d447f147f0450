"""Main flows in a real browser (run with ./dev test-browser)."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests import factories

pytestmark = pytest.mark.browser


def test_log_in_and_search_a_contact_as_you_type(page, login, users):
    factories.ContactFactory(no="CT000001", name="Fabrikam Inc.", city="Seattle")
    factories.ContactFactory(no="CT000002", name="Contoso Ltd.", city="London")
    login(page, "sally")
    expect(page).to_have_url(re.compile(r"/contacts/$"))
    expect(page.get_by_role("link", name="Contoso Ltd.")).to_be_visible()
    page.get_by_placeholder("Search contacts").press_sequentially("fabri")
    expect(page.get_by_role("link", name="Contoso Ltd.")).to_have_count(0)
    expect(page.get_by_role("link", name="Fabrikam Inc.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=fabri"))  # the search is in the address: back/forward and reload work
    page.get_by_role("link", name="Fabrikam Inc.").click()
    expect(page.get_by_role("heading", name=re.compile("Fabrikam Inc."))).to_be_visible()


def test_a_conflicting_edit_from_two_pages_is_refused(new_page, login, users):
    contact = factories.ContactFactory(no="CT000001", name="Fabrikam Inc.", phone_no="+1 555 0100")
    first, second = new_page(), new_page()
    login(first, "sally")
    login(second, "percy")
    first.goto(contact.get_absolute_url())
    second.goto(contact.get_absolute_url())
    first.get_by_label("Phone no.", exact=True).fill("+1 555 0111")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Contact CT000001 saved.")).to_be_visible()
    second.get_by_label("Phone no.", exact=True).fill("+1 555 0222")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text(re.compile("Someone else saved contact CT000001"))).to_be_visible()
    expect(second.get_by_label("Phone no.", exact=True)).to_have_value("+1 555 0111")
    assert Contact.objects.get(pk=contact.pk).phone_no == "+1 555 0111"
