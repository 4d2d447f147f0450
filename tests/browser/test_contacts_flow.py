"""Main flows in a real browser (run with ./dev test-browser)."""

import re

import pytest
from playwright.sync_api import expect

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
