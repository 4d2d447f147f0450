"""Starting documents from contacts (reference §8.1/8.2) and changing their customer, vendor or contact."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from documents.models import PurchaseHeader, SalesHeader, SalesLine, Status
from documents.services import (
    StaleDocument,
    document_line_add,
    document_line_delete,
    document_line_update,
    document_release,
    purchase_document_from_contact,
    purchase_document_update,
    sales_document_from_contact,
    sales_document_update,
)
from partners.models import ContactType
from tests.documents.conftest import link, person_of
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    CustomerTemplateFactory,
    SalespersonFactory,
    TerritoryFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


# --- sales: which customer ----------------------------------------------------------------------


@pytest.mark.parametrize("document_type", ["quote", "order", "blanket_order"])
def test_a_sales_document_for_a_linked_company_takes_its_customer(document_setup, customer_company, document_type):
    company, customer = customer_company
    header = sales_document_from_contact(company, document_type)
    header.refresh_from_db()
    assert (header.document_type, header.sell_to_customer, header.sell_to_contact, header.bill_to_contact) == (
        document_type, customer, company, company)
    assert header.name == "Fabrikam Inc."
    assert header.no


def test_a_person_gets_its_companys_customer_and_is_the_documents_contact(document_setup, customer_company):
    company, customer = customer_company
    person = person_of(company, name="Anna Smith", email="anna@fabrikam.example")
    header = sales_document_from_contact(person, "order")
    assert (header.sell_to_customer, header.sell_to_contact) == (customer, person)
    assert header.contact_name == "Anna Smith"
    assert header.email == "anna@fabrikam.example"


def test_a_persons_own_customer_link_comes_before_its_companys(document_setup, customer_company):
    company, _ = customer_company
    person = person_of(company)
    own = CustomerFactory(contact_type=ContactType.PERSON)
    link(person, own)
    assert sales_document_from_contact(person, "order").sell_to_customer == own


def test_a_company_document_is_addressed_to_the_customers_contact_text(document_setup, customer_company):
    company, _ = customer_company
    assert sales_document_from_contact(company, "quote").contact_name == "Anna Smith"


def test_the_salesperson_comes_from_the_contact(document_setup, customer_company):
    company, _ = customer_company
    company.salesperson = SalespersonFactory(code="JO")
    company.save()
    assert sales_document_from_contact(company, "quote").salesperson.code == "JO"


# --- sales: contacts without a customer ---------------------------------------------------------


def test_a_quote_for_a_contact_without_customer_is_filled_from_its_company(document_setup):
    company = ContactFactory(name="Prospect Ltd", city="Leeds", phone_no="+44 113 000")
    person = person_of(company, name="Bob Jones", phone_no="", email="bob@prospect.example")
    quote = sales_document_from_contact(person, "quote")
    quote.refresh_from_db()
    assert quote.sell_to_customer is None
    assert (quote.name, quote.city, quote.phone_no, quote.email) == (
        "Prospect Ltd", "Leeds", "+44 113 000", "bob@prospect.example")
    assert quote.sell_to_contact == person


def test_a_quote_without_customer_takes_the_chosen_customer_template(document_setup):
    template = CustomerTemplateFactory(code="RETAIL")
    CustomerTemplateFactory(code="EXPORT")
    quote = sales_document_from_contact(ContactFactory(), "quote", template=template)
    assert quote.customer_template == template


def test_a_quote_without_customer_is_proposed_the_one_matching_template(document_setup):
    north = TerritoryFactory(code="NORTH")
    company = ContactFactory(territory=north, country_code="GB", currency_code="GBP")
    CustomerTemplateFactory(code="OTHER", country_code="US")
    match = CustomerTemplateFactory(code="UK-NORTH", territory=north, country_code="GB", currency_code="GBP")
    assert sales_document_from_contact(company, "quote").customer_template == match


def test_no_template_is_proposed_when_several_could_fit(document_setup):
    CustomerTemplateFactory(code="ONE")
    CustomerTemplateFactory(code="TWO")
    assert sales_document_from_contact(ContactFactory(country_code="DE"), "quote").customer_template is None


@pytest.mark.parametrize("document_type", ["order", "blanket_order"])
def test_any_other_sales_document_for_a_contact_without_customer_is_refused(document_setup, document_type):
    contact = ContactFactory(no="KT000099", name="Prospect Ltd")
    with pytest.raises(ValidationError, match="Contact KT000099 Prospect Ltd is not related to a customer"):
        sales_document_from_contact(contact, document_type)
    assert not SalesHeader.objects.exists()


def test_an_unknown_document_type_is_refused(document_setup, customer_company):
    with pytest.raises(ValidationError, match="not a sales document type"):
        sales_document_from_contact(customer_company[0], "invoice")


# --- privacy -------------------------------------------------------------------------------------


def test_a_privacy_blocked_contact_gets_no_sales_document(document_setup, customer_company):
    company, _ = customer_company
    company.privacy_blocked = True
    company.save()
    with pytest.raises(ValidationError, match="privacy blocked"):
        sales_document_from_contact(company, "quote")
    assert not SalesHeader.objects.exists()


def test_a_minor_without_parental_consent_gets_no_document(document_setup, customer_company):
    minor = person_of(customer_company[0], minor=True)
    with pytest.raises(ValidationError, match="privacy blocked"):
        sales_document_from_contact(minor, "order")


def test_a_privacy_blocked_contact_gets_no_purchase_document(document_setup, vendor_company):
    person = person_of(vendor_company[0], privacy_blocked=True)
    with pytest.raises(ValidationError, match="privacy blocked"):
        purchase_document_from_contact(person, "quote")
    assert not PurchaseHeader.objects.exists()


def test_a_privacy_blocked_customer_gets_no_document(document_setup, customer_company):
    company, customer = customer_company
    customer.privacy_blocked = True
    customer.save()
    with pytest.raises(ValidationError, match="privacy blocked"):
        sales_document_from_contact(company, "order")


# --- choosing the customer or the contact on a document ------------------------------------------


def test_choosing_a_customer_fills_the_contact_from_its_primary_contact(document_setup, customer_company):
    company, customer = customer_company
    anna = person_of(company, name="Anna Smith")
    customer.contact_links.update(primary_contact=anna)
    quote = sales_document_from_contact(ContactFactory(), "quote")
    sales_document_update(quote, customer=customer)
    quote.refresh_from_db()
    assert (quote.sell_to_customer, quote.sell_to_contact, quote.bill_to_contact) == (customer, anna, anna)
    assert quote.customer_template is None


def test_choosing_a_customer_without_primary_contact_fills_its_linked_contact(document_setup, customer_company):
    company, customer = customer_company
    quote = sales_document_from_contact(ContactFactory(), "quote")
    sales_document_update(quote, customer=customer)
    assert quote.sell_to_contact == company


def test_choosing_a_customer_with_no_contact_leaves_the_contact_blank(document_setup):
    customer = CustomerFactory()
    quote = sales_document_from_contact(ContactFactory(), "quote")
    sales_document_update(quote, customer=customer)
    assert (quote.sell_to_customer, quote.sell_to_contact) == (customer, None)


def test_a_contact_of_another_company_than_the_customer_is_refused(document_setup, customer_company):
    company, customer = customer_company
    order = sales_document_from_contact(company, "order")
    other = ContactFactory(no="KT000077", name="Northwind")
    link(other, CustomerFactory())
    with pytest.raises(ValidationError, match="KT000077 Northwind is related to a different company than customer"):
        sales_document_update(order, contact=other)
    order.refresh_from_db()
    assert order.sell_to_contact == company


def test_a_contact_with_no_customer_cannot_join_a_customers_document(document_setup, customer_company):
    order = sales_document_from_contact(customer_company[0], "order")
    with pytest.raises(ValidationError, match="is not related to customer"):
        sales_document_update(order, contact=ContactFactory())


def test_another_person_of_the_customers_company_may_become_the_contact(document_setup, customer_company):
    company, customer = customer_company
    order = sales_document_from_contact(company, "order")
    person = person_of(company)
    sales_document_update(order, contact=person)
    order.refresh_from_db()
    assert (order.sell_to_customer, order.sell_to_contact, order.bill_to_contact) == (customer, person, person)


def test_a_released_document_cannot_be_changed(document_setup, customer_company):
    order = sales_document_from_contact(customer_company[0], "order")
    document_line_add(order, description="Chair", quantity=1, unit_price=Decimal("10"))
    document_release(order)
    with pytest.raises(ValidationError, match="released"):
        sales_document_update(order, external_document_no="PO-1")
    with pytest.raises(ValidationError, match="released"):
        document_line_add(order, description="Desk")


# --- purchase ------------------------------------------------------------------------------------


@pytest.mark.parametrize("document_type", ["quote", "order"])
def test_a_purchase_document_for_a_company_takes_its_vendor(document_setup, vendor_company, document_type):
    company, vendor = vendor_company
    header = purchase_document_from_contact(company, document_type)
    header.refresh_from_db()
    assert (header.buy_from_vendor, header.buy_from_contact, header.pay_to_contact) == (vendor, company, company)
    assert header.name == "Contoso Supplies"


def test_a_person_gets_the_vendor_of_its_company(document_setup, vendor_company):
    company, vendor = vendor_company
    person = person_of(company, name="Carl Buyer")
    header = purchase_document_from_contact(person, "order")
    assert (header.buy_from_vendor, header.buy_from_contact, header.contact_name) == (vendor, person, "Carl Buyer")


@pytest.mark.parametrize("document_type", ["quote", "order"])
def test_a_purchase_document_for_a_company_without_vendor_is_refused_even_a_quote(document_setup, document_type):
    contact = ContactFactory(no="KT000055", name="Nobody Ltd")
    with pytest.raises(ValidationError, match="KT000055 Nobody Ltd is not related to a vendor"):
        purchase_document_from_contact(contact, document_type)
    assert not PurchaseHeader.objects.exists()


def test_a_stand_alone_person_gets_no_purchase_document(document_setup):
    with pytest.raises(ValidationError, match="not related to a vendor"):
        purchase_document_from_contact(ContactFactory(person=True), "quote")


def test_choosing_a_vendor_fills_the_contact_from_its_primary_contact(document_setup, vendor_company):
    company, vendor = vendor_company
    order = purchase_document_from_contact(company, "order")
    other_company = ContactFactory()
    other_vendor = VendorFactory()
    link(other_company, other_vendor, primary_contact=person_of(other_company, name="Dora Lane"))
    purchase_document_update(order, vendor=other_vendor)
    order.refresh_from_db()
    assert (order.buy_from_vendor, order.buy_from_contact.name, order.pay_to_contact.name) == (
        other_vendor, "Dora Lane", "Dora Lane")


def test_choosing_a_vendor_without_primary_contact_fills_its_linked_contact(document_setup, vendor_company):
    order = purchase_document_from_contact(person_of(vendor_company[0]), "order")
    other_company = ContactFactory()
    other_vendor = VendorFactory()
    link(other_company, other_vendor)
    purchase_document_update(order, vendor=other_vendor)
    assert (order.buy_from_vendor, order.buy_from_contact) == (other_vendor, other_company)


def test_a_contact_of_another_vendors_company_is_refused_on_a_purchase_document(document_setup, vendor_company):
    order = purchase_document_from_contact(vendor_company[0], "order")
    stranger = ContactFactory()
    link(stranger, VendorFactory())
    with pytest.raises(ValidationError, match="is not related to vendor"):
        purchase_document_update(order, contact=stranger)


# --- lines ---------------------------------------------------------------------------------------


def test_lines_are_numbered_in_steps_and_amounts_set(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    first = document_line_add(quote, description="Chair", quantity=Decimal("4"), unit_price=Decimal("25"),
                              line_discount_pct=Decimal("10"))
    second = document_line_add(quote, description="Desk", quantity=Decimal("1"), unit_price=Decimal("300"))
    assert (first.line_no, second.line_no) == (10000, 20000)
    assert (first.amount, second.amount) == (Decimal("90.00"), Decimal("300.00"))
    document_line_update(first, quantity=Decimal("2"))
    first.refresh_from_db()
    assert first.amount == Decimal("45.00")
    document_line_delete(second)
    assert quote.get_total_amount() == Decimal("45.00")


def test_a_line_with_a_negative_quantity_is_refused_with_a_message(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    with pytest.raises(ValidationError) as refused:
        document_line_add(quote, description="Chair", quantity=Decimal("-1"))
    assert "quantity" in refused.value.message_dict
    assert not quote.lines.exists()


def test_a_header_change_over_a_newer_version_is_refused(document_setup, customer_company):
    from documents.services import StaleDocument

    order = sales_document_from_contact(customer_company[0], "order")
    shown = order.version
    sales_document_update(SalesHeader.objects.get(pk=order.pk), external_document_no="FIRST")
    with pytest.raises(StaleDocument, match="Someone else saved Sales Order"):
        sales_document_update(order, external_document_no="SECOND", expected_version=shown)
    order.refresh_from_db()
    assert order.external_document_no == "FIRST"


def test_a_line_change_over_someone_elses_save_is_refused_naming_the_line(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    document_line_add(quote, description="Chair")
    line = document_line_add(quote, description="Widgets", quantity=Decimal("2"), unit_price=Decimal("10"))
    shown = line.version
    document_line_update(SalesLine.objects.get(pk=line.pk), quantity=Decimal("5"))  # someone else, meanwhile
    with pytest.raises(StaleDocument, match=rf"Someone else changed line 20000 \(Widgets\) of Sales Quote {quote.no} "
                                            "while you were editing it. Your changes were not saved"):
        document_line_update(line, quantity=Decimal("7"), description="Mine", expected_version=shown)
    line.refresh_from_db()
    assert (line.description, line.quantity, line.amount) == ("Widgets", Decimal("5"), Decimal("50.00"))


def test_a_line_change_with_the_current_version_is_saved_and_bumps_the_version(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    line = document_line_add(quote, description="Chair", unit_price=Decimal("10"))
    shown = SalesLine.objects.get(pk=line.pk).version
    document_line_update(line, quantity=Decimal("3"), expected_version=shown)
    line.refresh_from_db()
    assert (line.amount, line.version) == (Decimal("30.00"), shown + 1)


def test_a_line_change_without_version_continues_from_the_stored_version(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    line = document_line_add(quote, description="Chair")
    for _ in range(2):
        document_line_update(SalesLine.objects.get(pk=line.pk), quantity=Decimal("2"))
    document_line_update(line, quantity=Decimal("4"))  # an old copy of the line, no version to compare
    assert SalesLine.objects.get(pk=line.pk).version == line.version == 4  # never goes back


def test_changing_a_line_deleted_meanwhile_is_refused_and_does_not_bring_it_back(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    line = document_line_add(quote, description="Chair")
    document_line_delete(SalesLine.objects.get(pk=line.pk))
    with pytest.raises(StaleDocument, match=f"Someone else deleted line 10000 of Sales Quote {quote.no}"):
        document_line_update(line, quantity=Decimal("3"))
    assert not quote.lines.exists()


def test_a_line_added_to_a_document_released_meanwhile_is_refused(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    document_line_add(quote, description="Chair")
    document_release(SalesHeader.objects.get(pk=quote.pk))
    assert quote.status == Status.OPEN  # the copy the user still sees
    with pytest.raises(ValidationError, match="is released: reopen it"):
        document_line_add(quote, description="Desk")
    assert quote.lines.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_line_adds_on_postgresql_get_distinct_line_numbers(on_postgres, document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    numbers, errors = [], []
    barrier = threading.Barrier(2)

    def add(user):
        try:
            barrier.wait()
            for n in range(15):
                header = SalesHeader.objects.get(pk=quote.pk)
                numbers.append(document_line_add(header, description=f"{user} {n}").line_no)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(user,)) for user in ("Anna", "Ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [10000 * n for n in range(1, 31)]
    assert sorted(quote.lines.values_list("line_no", flat=True)) == sorted(numbers)
