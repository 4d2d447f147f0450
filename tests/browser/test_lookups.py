"""A number field's lookup in a real browser: suggestions as you type with JavaScript, suggestions after
saving without it (crm.search.LookupInput)."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def person(transactional_db):
    factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", city="Seattle")
    factories.ContactFactory(no="CT000020", name="Müller GmbH", city="München")
    return factories.ContactFactory(no="CT000030", person=True, first_name="Jo", surname="Walker")


@pytest.fixture
def page_without_js(_browser, live_server, transactional_db):
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_company_field_suggests_companies_as_you_type(page, users, person):
    log_in(page, "sally")
    page.goto(person.get_absolute_url())
    page.get_by_label("Company no.").press_sequentially("mull")
    expect(page.locator('#id_company-options option[value="CT000020"]')).to_have_count(1)
    expect(page.locator("#id_company-options option")).to_have_count(1)
    page.get_by_label("Company no.").fill("CT000020")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Contact CT000030 saved.")).to_be_visible()
    assert Contact.objects.get(pk=person.pk).company.no == "CT000020"


def test_without_javascript_a_company_name_is_answered_with_suggestions(page_without_js, users, person):
    page = page_without_js
    log_in(page, "sally")
    page.goto(person.get_absolute_url())
    page.get_by_label("Company no.").fill("fabrikam")
    page.get_by_role("button", name="Save").click()
    # Beside the field (the summary of errors at the top of the form repeats it with the field's name).
    expect(page.get_by_text("No company contact fabrikam exists.", exact=True)).to_be_visible()
    expect(page.locator('#id_company-options option[value="CT000010"]')).to_have_count(1)
    assert Contact.objects.get(pk=person.pk).company_id is None

