"""Send by e-mail composes first: to, cc, subject and message proposed and editable, the PDF named; nothing
is sent before *Send*, and a bad address is shown next to its field."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from documents import services as documents
from documents.models import DocumentSetup
from tests import factories
from tests.documents.conftest import SERIES, link

pytestmark = pytest.mark.browser


@pytest.fixture
def quote(transactional_db):
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    company = factories.ContactFactory(name="Fabrikam Inc.", email="office@fabrikam.example")
    link(company, factories.CustomerFactory(name="Fabrikam Inc."))
    quote = documents.sales_document_from_contact(company, "quote")
    documents.document_line_add(quote, description="Office chair", quantity=4, unit_price=125)
    return quote


def test_send_by_email_composes_first_and_sends_what_the_user_wrote(page, login, users, quote):
    login(page, "sally")
    page.goto(quote.get_absolute_url())
    page.get_by_role("link", name="Send by e-mail").click()
    expect(page.get_by_label("To")).to_have_value("office@fabrikam.example")
    expect(page.get_by_label("Subject")).to_have_value(quote.title)
    expect(page.get_by_label("Message")).to_have_value(f"Dear Fabrikam Inc.,\n\nplease find attached {quote.title}."
                                                       "\n\nKind regards,\nSally")
    expect(page.locator("#attachment")).to_have_text(f"{quote.no}.pdf")
    assert mail.outbox == []  # composing sends nothing

    page.get_by_label("Cc").fill("anna@fabrikam.example, not an address")
    page.get_by_role("button", name="Send").click()
    cc_field = page.locator(".field", has=page.get_by_label("Cc"))
    expect(cc_field.locator(".errors")).to_have_text("“not an address” is not an e-mail address.")
    assert mail.outbox == []

    page.get_by_label("Cc").fill("anna@fabrikam.example")
    page.get_by_label("Subject").fill("Your chairs, as promised")
    page.get_by_label("Message").fill("Hello Anna,\n\nhere is the quote.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(f"{quote} sent to office@fabrikam.example, anna@fabrikam.example.")).to_be_visible()
    [sent] = mail.outbox
    assert (sent.to, sent.cc, sent.subject) == (["office@fabrikam.example"], ["anna@fabrikam.example"],
                                               "Your chairs, as promised")
    assert sent.body == "Hello Anna,\n\nhere is the quote."
    assert [name for name, _, _ in sent.attachments] == [f"{quote.no}.pdf"]
