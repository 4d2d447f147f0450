"""Printing and e-mailing documents, and the interactions they log (reference §8.3)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from contacts.models import InteractionLogEntry
from documents.services import (
    document_line_add,
    email_document,
    purchase_document_from_contact,
    record_interaction,
    render_pdf,
    sales_document_from_contact,
    sales_document_update,
    send_email_to_contact,
)
from tests.documents.conftest import pdf_text, person_of
from tests.factories import ContactFactory, InteractionTemplateFactory, UserFactory, interaction_template_setup

pytestmark = pytest.mark.django_db

ALL_KINDS = {"sales_quotes": "SQ", "sales_order_confirmations": "SOC", "sales_blanket_orders": "SBO",
             "purchase_quotes": "PQ", "purchase_orders": "PO", "emails": "EMAIL"}


@pytest.fixture
def user(db):
    return UserFactory(username="sam", email="sam@our.example", first_name="Sam", last_name="Seller")


@pytest.fixture
def quote(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    document_line_add(quote, description="Office chair", quantity=Decimal("4"), unit_price=Decimal("125.00"),
                      line_discount_pct=Decimal("10"))
    return quote


def test_render_pdf_returns_a_pdf_with_the_document_its_lines_and_total(quote, user):
    data = render_pdf(quote, user=user, log=False)
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in (quote.no, "Sales Quote", "Fabrikam Inc.", "Office chair", "450.00"):
        assert expected in text


def test_render_pdf_keeps_characters_outside_latin_1_as_typed(document_setup, customer_company, user):
    quote = sales_document_from_contact(customer_company[0], "quote")
    document_line_add(quote, description="Stühle — “ergonomic” 椅子", unit_price=Decimal("1"))
    assert "Stühle — “ergonomic” 椅子" in pdf_text(render_pdf(quote, user=user))


@pytest.mark.parametrize(("document_type", "kind"), [("quote", "sales_quotes"), ("order", "sales_order_confirmations"),
                                                     ("blanket_order", "sales_blanket_orders")])
def test_printing_a_sales_document_logs_once_under_its_kind(document_setup, customer_company, user,
                                                             document_type, kind):
    interaction_template_setup(**ALL_KINDS)
    document = sales_document_from_contact(customer_company[0], document_type)
    render_pdf(document, user=user)
    entry = InteractionLogEntry.objects.get()
    assert (entry.template.code, entry.contact, entry.document_no, entry.user) == (
        ALL_KINDS[kind], customer_company[0], document.no, user)
    assert entry.document_type == f"sales_{document_type}"


@pytest.mark.parametrize(("document_type", "kind"), [("quote", "purchase_quotes"), ("order", "purchase_orders")])
def test_printing_a_purchase_document_logs_once_under_its_kind(document_setup, vendor_company, user,
                                                                document_type, kind):
    interaction_template_setup(**ALL_KINDS)
    document = purchase_document_from_contact(vendor_company[0], document_type)
    render_pdf(document, user=user)
    entry = InteractionLogEntry.objects.get()
    assert (entry.template.code, entry.contact, entry.document_no) == (ALL_KINDS[kind], vendor_company[0], document.no)


def test_previewing_logs_nothing(quote, user):
    interaction_template_setup(**ALL_KINDS)
    render_pdf(quote, user=user, log=False)
    assert not InteractionLogEntry.objects.exists()


def test_printing_logs_nothing_when_no_template_is_set_for_the_kind(quote, user):
    interaction_template_setup(sales_order_confirmations="SOC")  # but none for quotes
    render_pdf(quote, user=user)
    assert not InteractionLogEntry.objects.exists()


def test_a_sales_document_logs_against_its_bill_to_contact_else_its_sell_to_contact(quote, customer_company, user):
    interaction_template_setup(**ALL_KINDS)
    billing = person_of(customer_company[0], name="Bill Payer")
    quote.bill_to_contact = billing
    quote.save()
    render_pdf(quote, user=user)
    quote.bill_to_contact = None
    quote.save()
    render_pdf(quote, user=user)
    assert [e.contact for e in InteractionLogEntry.objects.order_by("pk")] == [billing, customer_company[0]]


def test_a_purchase_document_logs_against_its_pay_to_contact_else_its_buy_from_contact(document_setup,
                                                                                        vendor_company, user):
    interaction_template_setup(**ALL_KINDS)
    company = vendor_company[0]
    order = purchase_document_from_contact(person_of(company, name="Buyer One"), "order")
    payer = person_of(company, name="Payer Two")
    order.pay_to_contact = payer
    order.save()
    render_pdf(order, user=user)
    order.pay_to_contact = None
    order.save()
    render_pdf(order, user=user)
    assert [e.contact.name for e in InteractionLogEntry.objects.order_by("pk")] == ["Payer Two", "Buyer One"]


def test_emailing_a_document_sends_the_pdf_to_the_contact_and_logs_once(quote, customer_company, user):
    interaction_template_setup(**ALL_KINDS)
    email_document(quote, user=user)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["office@fabrikam.example"]
    assert sent.reply_to == ["sam@our.example"]
    assert quote.no in sent.subject
    [(filename, content, mimetype)] = sent.attachments
    assert (filename, mimetype) == (f"{quote.no}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    entry = InteractionLogEntry.objects.get()
    assert (entry.contact, entry.template.code, entry.document_no) == (customer_company[0], "SQ", quote.no)


def test_emailing_a_document_logs_nothing_when_no_template_is_set(quote, user):
    email_document(quote, user=user)
    assert len(mail.outbox) == 1
    assert not InteractionLogEntry.objects.exists()


def test_emailing_a_document_without_any_address_is_refused_and_nothing_sent(quote, customer_company, user):
    interaction_template_setup(**ALL_KINDS)
    sales_document_update(quote, email="")
    company = customer_company[0]
    company.email = ""
    company.save()
    with pytest.raises(ValidationError, match="no e-mail address"):
        email_document(quote, user=user)
    assert mail.outbox == []
    assert not InteractionLogEntry.objects.exists()


# --- the contact card's own interactions ----------------------------------------------------------


def test_a_plain_email_to_a_contact_is_sent_and_logged_under_emails(user):
    interaction_template_setup(**ALL_KINDS)
    contact = ContactFactory(email="ann@client.example")
    send_email_to_contact(contact, subject="Our meeting", body="See you on Monday.", user=user)
    assert [m.to for m in mail.outbox] == [["ann@client.example"]]
    entry = InteractionLogEntry.objects.get()
    assert (entry.contact, entry.template.code, entry.description, entry.user) == (contact, "EMAIL", "Our meeting",
                                                                                   user)


def test_a_plain_email_to_a_privacy_blocked_contact_is_refused(user):
    interaction_template_setup(**ALL_KINDS)
    with pytest.raises(ValidationError, match="privacy blocked"):
        send_email_to_contact(ContactFactory(privacy_blocked=True), subject="Hi", body="…", user=user)
    assert mail.outbox == []
    assert not InteractionLogEntry.objects.exists()


def test_a_plain_email_to_a_contact_without_address_is_refused(user):
    with pytest.raises(ValidationError, match="has no e-mail address"):
        send_email_to_contact(ContactFactory(email=""), subject="Hi", body="…", user=user)
    assert mail.outbox == []


def test_an_interaction_recorded_by_hand_is_logged_against_the_contact(user):
    contact = ContactFactory()
    call = InteractionTemplateFactory(code="CALL", description="Phone call")
    entry = record_interaction(contact, template=call, description="Asked for a price list", user=user)
    assert (entry.contact, entry.template, entry.description, entry.user) == (contact, call,
                                                                              "Asked for a price list", user)


def test_an_interaction_by_hand_is_refused_for_a_privacy_blocked_contact(user):
    with pytest.raises(ValidationError, match="privacy blocked"):
        record_interaction(ContactFactory(privacy_blocked=True), template=InteractionTemplateFactory(), user=user)
    assert not InteractionLogEntry.objects.exists()


def test_the_entry_names_the_documents_salesperson(quote, user):
    from tests.factories import SalespersonFactory

    interaction_template_setup(**ALL_KINDS)
    quote.salesperson = SalespersonFactory(code="JO")
    quote.save()
    render_pdf(quote, user=user)
    assert InteractionLogEntry.objects.get().salesperson.code == "JO"
