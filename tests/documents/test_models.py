from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import DocumentSetup, PurchaseHeader, PurchaseLine, SalesHeader, SalesLine
from tests.factories import CustomerFactory, NoSeriesFactory, VendorFactory

pytestmark = pytest.mark.django_db


def sales_quote(**kwargs):
    return SalesHeader.objects.create(document_type="quote", **kwargs)


@pytest.mark.parametrize(("quantity", "unit_price", "discount", "amount"), [
    ("3", "10.00", "0", "30.00"),
    ("2", "9.99", "10", "17.98"),       # 19.98 × 0.9 = 17.982 → 17.98
    ("1", "0.05", "50", "0.03"),        # 0.025 rounds half up
    ("0.333", "3.00", "0", "1.00"),     # 0.999 → 1.00
    ("5", "20.00", "100", "0.00"),
    ("0", "20.00", "0", "0.00"),
])
def test_line_amount_is_quantity_times_price_less_discount_rounded_to_cents(
        document_setup, quantity, unit_price, discount, amount):
    line = SalesLine.objects.create(header=sales_quote(), line_no=10000, description="Chair",
                                    quantity=Decimal(quantity), unit_price=Decimal(unit_price),
                                    line_discount_pct=Decimal(discount))
    line.refresh_from_db()
    assert line.amount == Decimal(amount)


def test_line_amount_follows_every_save_even_with_update_fields(document_setup):
    line = SalesLine.objects.create(header=sales_quote(), line_no=10000, description="Desk", quantity=2,
                                    unit_price=Decimal("100"))
    line.quantity = 3
    line.save(update_fields=["quantity"])
    line.refresh_from_db()
    assert line.amount == Decimal("300.00")


def test_header_total_is_the_sum_of_its_line_amounts(document_setup):
    quote = sales_quote()
    SalesLine.objects.create(header=quote, line_no=10000, description="A", quantity=2, unit_price=Decimal("5"))
    SalesLine.objects.create(header=quote, line_no=20000, description="B", quantity=1, unit_price=Decimal("2.50"))
    assert quote.get_total_amount() == Decimal("12.50")
    assert SalesHeader.objects.with_totals().get(pk=quote.pk).total_amount == Decimal("12.50")
    assert SalesHeader.objects.with_totals().get(pk=sales_quote().pk).total_amount == Decimal("0")


@pytest.mark.parametrize(("document_type", "first_no"), [("quote", "SQ0001"), ("order", "SO0001"),
                                                         ("blanket_order", "SB0001")])
def test_a_sales_document_takes_the_next_number_of_its_types_series(document_setup, document_type, first_no):
    header = SalesHeader.objects.create(document_type=document_type, sell_to_customer=CustomerFactory())
    second = SalesHeader.objects.create(document_type=document_type, sell_to_customer=header.sell_to_customer)
    assert header.no == first_no
    assert second.no == first_no[:2] + "0002"


@pytest.mark.parametrize(("document_type", "first_no"), [("quote", "PQ0001"), ("order", "PO0001")])
def test_a_purchase_document_takes_the_next_number_of_its_types_series(document_setup, document_type, first_no):
    assert PurchaseHeader.objects.create(document_type=document_type, buy_from_vendor=VendorFactory()).no == first_no


@pytest.mark.parametrize(("model", "document_type", "label"), [
    (SalesHeader, "quote", "Sales Quote Nos."),
    (SalesHeader, "order", "Sales Order Nos."),
    (SalesHeader, "blanket_order", "Sales Blanket Order Nos."),
    (PurchaseHeader, "quote", "Purchase Quote Nos."),
    (PurchaseHeader, "order", "Purchase Order Nos."),
])
def test_a_blank_number_without_a_series_is_refused_naming_the_missing_setup(model, document_type, label):
    DocumentSetup.load()
    partner = {"sell_to_customer": CustomerFactory()} if model is SalesHeader else {"buy_from_vendor": VendorFactory()}
    with pytest.raises(ValidationError, match=rf"{label} is not set in Document Setup"):
        model.objects.create(document_type=document_type, **partner)
    assert not model.objects.exists()


def test_a_document_saved_with_an_explicit_number_keeps_it():
    DocumentSetup.load()
    assert sales_quote(no="MANUAL-1").no == "MANUAL-1"


def test_the_same_number_may_be_used_once_per_document_type():
    customer = CustomerFactory()
    SalesHeader.objects.create(document_type="quote", no="D0001")
    SalesHeader.objects.create(document_type="order", no="D0001", sell_to_customer=customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesHeader.objects.create(document_type="quote", no="D0001")


def test_the_database_refuses_a_sales_order_without_a_customer():
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesHeader.objects.create(document_type="order", no="SO1")


def test_the_database_refuses_an_unknown_document_type_and_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesHeader.objects.create(document_type="invoice", no="X1", sell_to_customer=CustomerFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseHeader.objects.create(document_type="quote", no="X1", status="posted",
                                      buy_from_vendor=VendorFactory())


def test_line_numbers_are_unique_per_document_but_repeat_across_documents():
    first, second = sales_quote(no="Q1"), sales_quote(no="Q2")
    SalesLine.objects.create(header=first, line_no=10000, description="A")
    SalesLine.objects.create(header=second, line_no=10000, description="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesLine.objects.create(header=first, line_no=10000, description="B")


@pytest.mark.parametrize("values", [{"quantity": Decimal("-1")}, {"unit_price": Decimal("-0.01")},
                                    {"line_discount_pct": Decimal("100.01")}, {"line_discount_pct": Decimal("-1")},
                                    {"line_no": 0}])
def test_the_database_refuses_negative_quantities_prices_and_discounts_out_of_range(values):
    vendor_doc = PurchaseHeader.objects.create(document_type="order", no="PO1", buy_from_vendor=VendorFactory())
    fields = {"line_no": 10000, "description": "Paper", **values}
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseLine.objects.create(header=vendor_doc, **fields)


def test_document_setup_is_a_single_row_naming_each_series(db):
    setup = DocumentSetup.load()
    setup.sales_quote_nos = NoSeriesFactory(code="SQ")
    setup.save()
    assert DocumentSetup.load().sales_quote_nos.code == "SQ"
    assert DocumentSetup.objects.count() == 1


def test_a_line_saved_without_a_number_goes_after_the_last_line(document_setup):
    quote = sales_quote()
    first = SalesLine.objects.create(header=quote, description="A")
    second = SalesLine.objects.create(header=quote, description="B")
    other = SalesLine.objects.create(header=sales_quote(), description="C")
    assert (first.line_no, second.line_no, other.line_no) == (10000, 20000, 10000)
