"""One small test per divergence named in issue 10: a bulk path leaving the database in a state that a
single save would never produce. Each states the end state the per-row path reaches."""

import pytest

from contacts.models import Contact, ContactBusinessRelation, DuplicateSearchString
from documents import services as document_services
from documents.models import DocumentSetup, SalesHeader
from partners.models import ContactType, Customer, Vendor
from tests import factories
from tests.equivalence import harness
from tests.equivalence.snapshot import assert_none_found

pytestmark = pytest.mark.django_db


def numbered_contacts_without_sync():
    """Contact Nos. set, no business relation codes yet: contacts and partners are made unlinked."""
    factories.marketing_setup(customers=None, vendors=None, bank_accounts=None)


def company_with_person(**fields):
    """A company contact and a person of it holding (inheriting) the company's address and phone."""
    company = harness.step(factories.ContactFactory, no="", **fields)
    person = Contact(type=ContactType.PERSON, company=company, first_name="Anna", surname="Berg")
    harness.step(person.save)
    person.refresh_from_db()
    assert (person.phone_no, person.address, person.company_name) == (company.phone_no, company.address,
                                                                     company.name)
    return company, person


def test_create_contacts_from_leaves_no_drift_on_partners_written_without_save():
    """Rows written by an import or ``bulk_create`` never had their search name or VAT capitals derived."""
    Customer.objects.bulk_create([Customer(no="IMP-C1", name="Fabrikam Inc.", search_name="",
                                           vat_registration_no="de123456789", city="Berlin")])
    Vendor.objects.bulk_create([Vendor(no="IMP-V1", name="Contoso Supplies", search_name="", city="Paris")])
    factories.marketing_setup()

    harness.command("create_contacts_from", "customers", "--no-progress")
    harness.command("create_contacts_from", "vendors", "--no-progress")

    assert ContactBusinessRelation.objects.exclude(link_to_table="").count() == 2
    assert_none_found(harness.drift(), "sync_check after create_contacts_from")


def test_repair_partner_after_a_raw_rename_renames_company_name_persons_and_the_duplicate_index():
    factories.marketing_setup()
    customer = harness.step(factories.CustomerFactory, no="C1", name="Fabrikam Inc.", phone_no="+49 30 111111")
    company = ContactBusinessRelation.objects.get(customer=customer).contact
    person = Contact(type=ContactType.PERSON, company=company, first_name="Anna", surname="Berg")
    harness.step(person.save)

    Customer.objects.filter(pk=customer.pk).update(name="Northwind Traders", search_name="NORTHWIND TRADERS")
    harness.command("sync_check", "--repair", "partner")

    company.refresh_from_db()
    person.refresh_from_db()
    assert company.name == "Northwind Traders"
    assert {"company's company_name": company.company_name, "person's company_name": person.company_name,
            "duplicate index name": DuplicateSearchString.objects.get(contact=company).name} == {
        "company's company_name": "Northwind Traders", "person's company_name": "Northwind Traders",
        "duplicate index name": "northwind traders"}


def test_link_contacts_master_partner_renames_company_name_and_passes_changes_on_to_persons():
    numbered_contacts_without_sync()
    company, person = company_with_person(name="Fabrikam", vat_registration_no="DE123456789",
                                          phone_no="+49 30 111111", address="1 Lindenallee", city="Berlin",
                                          country_code="DE")
    customer = factories.CustomerFactory(no="C1", name="Fabrikam GmbH", vat_registration_no="DE123456789",
                                         phone_no="+49 30 999999", address="9 Hauptstrasse", city="Berlin",
                                         country_code="DE")
    factories.marketing_setup()

    harness.command("link_contacts", "customers", "--master", "partner")

    assert ContactBusinessRelation.objects.get(customer=customer).contact == company
    company.refresh_from_db()
    person.refresh_from_db()
    assert company.name == "Fabrikam GmbH"
    assert {"company's company_name": company.company_name, "person's company_name": person.company_name,
            "person's phone": person.phone_no, "person's address": person.address} == {
        "company's company_name": "Fabrikam GmbH", "person's company_name": "Fabrikam GmbH",
        "person's phone": "+49 30 999999", "person's address": "9 Hauptstrasse"}


def test_link_contacts_repoints_a_prospects_open_quote_to_the_new_customer():
    setup = DocumentSetup.load()
    setup.sales_quote_nos = factories.NoSeriesFactory(code="S-QUO", starting_no="SQ0001")
    setup.save()
    template = factories.CustomerTemplateFactory(code="CUST-DOM")
    numbered_contacts_without_sync()
    prospect, person = company_with_person(name="Fabrikam", vat_registration_no="DE123456789", country_code="DE")
    quotes = [document_services.sales_document_from_contact(contact, "quote", template=template)
              for contact in (prospect, person)]
    customer = factories.CustomerFactory(no="C1", name="Fabrikam", vat_registration_no="DE123456789",
                                         country_code="DE")
    factories.marketing_setup()

    harness.command("link_contacts", "customers")

    assert ContactBusinessRelation.objects.get(customer=customer).contact == prospect
    stored = SalesHeader.objects.filter(pk__in=[quote.pk for quote in quotes]).order_by("no")
    assert list(stored.values_list("no", "sell_to_customer__no", "customer_template__code")) == [
        ("SQ0001", "C1", None), ("SQ0002", "C1", None)]
