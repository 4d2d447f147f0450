"""What a printed quote or order shows (DocumentHeader.printout): our company, the addressee and contact person,
both VAT registration nos., salesperson, validity of a quote, currency, amounts in the currency's decimals; the PDF
and the HTML preview show the same."""

import datetime
import html
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from documents.models import (
    CompanyInformation,
    currency_decimals,
    format_amount,
    format_number,
    format_price,
)
from documents.services import (
    document_line_add,
    purchase_document_from_contact,
    render_pdf,
    sales_document_from_contact,
)
from tests import factories
from tests.documents.conftest import link, pdf_text, person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_information(db):
    return CompanyInformation.objects.create(
        name="Cronus Hellas A.E.", address="Οδός Ερμού 25", post_code="105 63", city="Αθήνα", country_code="GR",
        phone_no="+30 210 000 0000", email="info@cronus.example", home_page="cronus.example",
        vat_registration_no="EL094014201", local_currency_code="EUR", bank_name="Alpha Bank",
        iban="GR1601101250000000012300695", swift_code="CRBAGRAA")


@pytest.fixture
def customer(db):
    """A company contact and its customer, both with the VAT registration no. (the link keeps them in step)."""
    where = {"address": "ul. Piotrkowska 104", "post_code": "90-926", "city": "Łódź", "country_code": "PL",
             "vat_registration_no": "PL5260250274"}
    company = factories.ContactFactory(name="Zakład Łódź Sp. z o.o.", **where)
    link(company, factories.CustomerFactory(name="Zakład Łódź Sp. z o.o.", contact="Paweł Żółciński", **where))
    return company


@pytest.fixture
def quote(document_setup, customer):
    quote = sales_document_from_contact(customer, "quote")
    quote.salesperson = factories.SalespersonFactory(code="SS", name="Σοφία Σταύρου", email="sofia@cronus.example")
    quote.quote_valid_until = datetime.date(2026, 12, 31)
    quote.order_date = datetime.date(2026, 11, 20)
    quote.external_document_no = "RFQ-117"
    quote.save()
    document_line_add(quote, description="Biurko – dąb", quantity=Decimal("1000"), unit_price=Decimal("1234.56"))
    document_line_add(quote, description="Montaż", quantity=Decimal("2.5"), unit_price=Decimal("100"),
                      line_discount_pct=Decimal("10"))
    return quote


# --- amounts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("currency", "decimals"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3),
                                                    ("BHD", 3), ("", 2)])
def test_a_currency_has_the_decimals_of_its_minor_unit(currency, decimals):
    assert currency_decimals(currency) == decimals


@pytest.mark.parametrize(("value", "decimals", "text"), [
    ("1234567.5", 2, "1,234,567.50"), ("1234.5", 0, "1,235"), ("1234.49", 0, "1,234"), ("1234.5", 3, "1,234.500"),
    ("0", 0, "0"), ("999.995", 2, "1,000.00")])
def test_an_amount_has_thousands_separators_and_is_rounded_half_up_to_the_currencys_decimals(value, decimals, text):
    assert format_amount(Decimal(value), decimals) == text


@pytest.mark.parametrize(("value", "decimals", "text"), [
    ("1234.50", 0, "1,234.5"), ("1234.00", 0, "1,234"), ("12.5", 2, "12.50"), ("1234.56", 2, "1,234.56")])
def test_a_unit_price_keeps_decimals_beyond_the_currencys_rather_than_round_them_away(value, decimals, text):
    assert format_price(Decimal(value), decimals) == text


def test_a_quantity_or_discount_shows_as_stored_without_trailing_zeros():
    assert [format_number(Decimal(v)) for v in ("1000.000", "2.500", "0.000", "12.125")] == [
        "1,000", "2.5", "0", "12.125"]


# --- what the printout holds ---------------------------------------------------------------------------


def test_a_sales_quote_shows_the_customer_its_vat_no_the_contact_salesperson_validity_and_currency(
        company_information, quote):
    printout = quote.printout()
    assert printout.title == f"Sales Quote {quote.no}"
    assert printout.company == company_information
    assert printout.addressee == ["Zakład Łódź Sp. z o.o.", "Attn. Paweł Żółciński", "ul. Piotrkowska 104",
                                  "90-926 Łódź", "PL"]
    assert printout.facts == [
        ("Customer no.", quote.sell_to_customer.no), ("Your VAT registration no.", "PL5260250274"),
        ("Contact", "Paweł Żółciński"), ("Salesperson", "Σοφία Σταύρου, sofia@cronus.example"),
        ("Date", "2026-11-20"), ("Valid until", "2026-12-31"), ("Your reference", "RFQ-117"), ("Currency", "EUR")]
    assert [vars(line) for line in printout.lines] == [
        {"description": "Biurko – dąb", "quantity": "1,000", "unit_price": "1,234.56", "discount": "0",
         "amount": "1,234,560.00"},
        {"description": "Montaż", "quantity": "2.5", "unit_price": "100.00", "discount": "10", "amount": "225.00"}]
    assert (printout.total_label, printout.total) == ("Total EUR", "1,234,785.00")


def test_an_order_shows_no_validity_date(company_information, document_setup, customer):
    order = sales_document_from_contact(customer, "order")
    order.quote_valid_until = datetime.date(2026, 12, 31)  # left over on a record: never shown on an order
    assert "Valid until" not in dict(order.printout().facts)


def test_a_purchase_order_shows_the_vendor_its_vat_no_and_the_purchaser(company_information, document_setup):
    company = factories.ContactFactory(name="ООО «Ромашка»", vat_registration_no="7707083893")
    link(company, factories.VendorFactory(name="ООО «Ромашка»", vat_registration_no="7707083893"))
    order = purchase_document_from_contact(person_of(company, name="Иван Петров"), "order")
    order.purchaser = factories.SalespersonFactory(code="PP", name="", email="")
    facts = dict(order.printout().facts)
    assert (facts["Vendor no."], facts["Your VAT registration no."], facts["Contact"], facts["Purchaser"]) == (
        order.buy_from_vendor.no, "7707083893", "Иван Петров", "PP")


def test_a_prospects_quote_shows_the_vat_no_of_its_contacts_company(company_information, document_setup):
    company = factories.ContactFactory(name="Ελληνική Εταιρεία Α.Ε.", vat_registration_no="EL123456789")
    quote = sales_document_from_contact(person_of(company, name="Γιώργος Παπαδόπουλος"), "quote")
    facts = dict(quote.printout().facts)
    assert "Customer no." not in facts
    assert facts["Your VAT registration no."] == "EL123456789"


def test_a_document_in_yen_shows_amounts_without_decimals_and_totals_the_rounded_line_amounts(
        company_information, quote):
    quote.currency_code = "JPY"
    quote.save()
    document_line_add(quote, description="Half yen", quantity=Decimal("1"), unit_price=Decimal("0.50"))
    document_line_add(quote, description="Half yen again", quantity=Decimal("1"), unit_price=Decimal("0.50"))
    printout = quote.printout()
    assert [(line.unit_price, line.amount) for line in printout.lines] == [
        ("1,234.56", "1,234,560"), ("100", "225"), ("0.5", "1"), ("0.5", "1")]
    assert (printout.total_label, printout.total) == ("Total JPY", "1,234,787")
    assert dict(printout.facts)["Currency"] == "JPY"


def test_a_document_without_a_currency_is_in_our_local_currency(company_information, quote):
    company_information.local_currency_code = "KWD"
    company_information.save()
    printout = quote.printout()
    assert (printout.total_label, printout.total) == ("Total KWD", "1,234,785.000")


def test_without_company_information_the_document_prints_without_letterhead_and_writes_nothing(quote):
    printout = quote.printout()
    assert (printout.company.address_lines, printout.footer, printout.total_label) == ([], "", "Total")
    assert not CompanyInformation.objects.exists()


def test_the_footer_gives_our_name_address_and_bank(company_information, quote):
    assert quote.printout().footer == ("Cronus Hellas A.E. · Οδός Ερμού 25 · 105 63 Αθήνα · GR · Alpha Bank · "
                                       "IBAN GR1601101250000000012300695 · SWIFT CRBAGRAA")


# --- the PDF and the preview show it -------------------------------------------------------------------


def _words(text: str) -> str:
    """The text with each run of white space (a line wrapped in the PDF) as one space."""
    return " ".join(text.split())


def test_the_pdf_shows_every_text_of_the_printout_and_our_vat_no(company_information, quote):
    text = pdf_text(render_pdf(quote, user=None, log=False))
    for expected in quote.printout().texts():
        assert _words(expected) in _words(text)
    assert "VAT reg. no. EL094014201" in text
    assert "Σοφία Σταύρου, sofia@cronus.example" in text
    assert "1,234,785.00" in text


def test_the_preview_shows_the_same_as_the_pdf(client, company_information, quote):
    user = factories.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_salesheader"))
    client.force_login(user)
    page = html.unescape(client.get(reverse("documents:sales-preview", args=[quote.pk])).content.decode())
    printout = quote.printout()
    for expected in (*printout.texts(), printout.footer):
        assert expected in page
    for label, value in printout.facts:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
