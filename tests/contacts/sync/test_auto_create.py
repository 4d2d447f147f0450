"""Automatic contact creation when a customer, vendor or bank account is created (DESIGN §4, reference §3.1)."""

import pytest
from django.core.exceptions import ValidationError

from contacts import services
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from partners.models import BankAccount, ContactType, Customer, NoSeries
from tests.factories import (
    BankAccountFactory,
    ContactFactory,
    CustomerFactory,
    TerritoryFactory,
    VendorFactory,
    marketing_setup,
)

pytestmark = pytest.mark.django_db


def test_no_contact_is_created_when_the_customer_code_is_blank():
    marketing_setup(customers=None)
    CustomerFactory()
    assert not Contact.objects.exists()
    assert not ContactBusinessRelation.objects.exists()


def test_a_new_customer_gets_one_company_contact_numbered_filled_and_linked(sync_on):
    customer = CustomerFactory(name="Fabrikam Inc.", phone_no="+1 555 0100", city="Seattle",
                               vat_registration_no="us123")
    contact = Contact.objects.get()
    assert contact.no == "CT000001"
    assert contact.type == ContactType.COMPANY
    assert (contact.name, contact.phone_no, contact.city, contact.vat_registration_no) == (
        "Fabrikam Inc.", "+1 555 0100", "Seattle", "US123")
    assert contact.company_name == "Fabrikam Inc."
    link = ContactBusinessRelation.objects.get()
    assert (link.contact, link.customer, link.link_to_table, link.business_relation.code) == (
        contact, customer, "customer", "CUST")
    assert contact.contact_business_relation == "customer"


def test_a_person_customer_gets_a_person_contact_with_its_name_split(sync_on):
    CustomerFactory(name="Ann Marie Smith", contact_type=ContactType.PERSON)
    contact = Contact.objects.get()
    assert contact.type == ContactType.PERSON
    assert (contact.first_name, contact.middle_name, contact.surname) == ("Ann", "Marie", "Smith")


@pytest.mark.parametrize("factory, kind", [(VendorFactory, "vendor"), (BankAccountFactory, "bank_account")])
def test_vendors_and_bank_accounts_get_a_company_contact(sync_on, factory, kind):
    partner = factory()
    contact = Contact.objects.get()
    assert contact.type == ContactType.COMPANY
    assert contact.name == partner.name
    assert ContactBusinessRelation.objects.get(link_to_table=kind).contact == contact
    assert contact.contact_business_relation == kind


def test_marketing_setup_defaults_are_not_applied_to_a_contact_made_from_a_partner(sync_on):
    setup = MarketingSetup.load()
    setup.default_territory = TerritoryFactory(code="NORTH")
    setup.default_language_code = "de"
    setup.save()
    CustomerFactory(territory=None, language_code="")
    contact = Contact.objects.get()
    assert contact.territory is None
    assert contact.language_code == ""


def test_missing_contact_nos_refuses_the_new_customer_and_saves_nothing(numbered_partners):
    marketing_setup(contact_nos=None)
    series = NoSeries.objects.get(code="CUST")
    with pytest.raises(ValidationError, match="Contact Nos."):
        Customer.objects.create(name="Fabrikam Inc.")
    assert not Customer.objects.exists()
    assert not Contact.objects.exists()
    series.refresh_from_db()
    assert series.last_no_used == ""


def test_missing_contact_nos_is_no_problem_while_the_code_is_blank():
    marketing_setup(bank_accounts=None, contact_nos=None)
    BankAccountFactory()
    assert BankAccount.objects.count() == 1
    assert not Contact.objects.exists()


def test_a_customer_created_from_a_contact_does_not_spawn_a_second_contact(sync_on, numbered_partners):
    contact = ContactFactory()
    services.create_partner_from_contact(contact, "customer")
    assert Contact.objects.count() == 1


def test_a_customers_contact_text_becomes_a_person_and_the_primary_contact(sync_on):
    customer = CustomerFactory(name="Fabrikam Inc.", contact="Jim Olive")
    company = Contact.objects.get(type=ContactType.COMPANY)
    person = Contact.objects.get(type=ContactType.PERSON)
    assert (person.company, person.first_name, person.surname) == (company, "Jim", "Olive")
    assert ContactBusinessRelation.objects.get(customer=customer).primary_contact == person
    assert person.contact_business_relation == "customer"


def test_fixture_loading_creates_no_contact(sync_on):
    from django.core import serializers

    from django.utils import timezone

    customer = Customer(no="C09999", name="Loaded", created_at=timezone.now(), updated_at=timezone.now())
    data = serializers.serialize("json", [customer])
    for obj in serializers.deserialize("json", data):
        obj.save()
    assert Customer.objects.filter(no="C09999").exists()
    assert not Contact.objects.exists()
