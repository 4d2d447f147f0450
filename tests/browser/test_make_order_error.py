"""Make order of a prospect's quote without a customer template: the error is at the template field, which
is focused and in view (not a banner at the top of the page)."""

import pytest
from playwright.sync_api import expect

from documents import services as documents
from documents.models import DocumentSetup, SalesHeader
from tests import factories
from tests.documents.conftest import SERIES

pytestmark = pytest.mark.browser


def test_make_order_without_a_template_puts_the_error_at_the_template_field_in_view(page, login, users):
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    factories.CustomerTemplateFactory(code="CUST-DOM")
    factories.CustomerTemplateFactory(code="CUST-EU")
    quote = documents.sales_document_from_contact(factories.ContactFactory(name="Prospect Ltd."), "quote")
    login(page, "sally")
    page.set_viewport_size({"width": 1366, "height": 600})
    page.goto(quote.get_absolute_url())
    page.get_by_role("button", name="Make order").click()
    template = page.locator("#id_customer_template")
    expect(template).to_be_focused()
    expect(template).to_be_in_viewport()
    field = page.locator(".field.has-error", has=template)
    expect(field.locator(".errors")).to_contain_text("this quote has no customer template")
    expect(page.locator(".messages .message.error")).to_have_count(0)
    assert not SalesHeader.objects.filter(document_type="order").exists()
