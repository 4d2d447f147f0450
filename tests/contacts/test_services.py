"""The service API of DESIGN §3: link, create as, create contact from, unlink — with every pre-check of §4."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contacts import selectors, services, sync
from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    DeleteConsequence,
    MarketingSetup,
    contact_delete_consequences,
)
from partners.models import BankAccount, ContactType, Customer, Vendor
from tests.factories import (
    BankAccountFactory,
    ContactFactory,
    CustomerFactory,
    CustomerTemplateFactory,
    NoSeriesFactory,
    SalespersonFactory,
    TerritoryFactory,
    VendorFactory,
    VendorTemplateFactory,
    marketing_setup,
)

pytestmark = pytest.mark.django_db


def unlinked(factory, **kwargs):
    """A partner without a contact (made while synchronization was suspended)."""
    with sync.suspended():
        return factory(**kwargs)


def agree(contact, partner):
    contact.refresh_from_db()
    partner.refresh_from_db()
    return sync.differing_fields(contact, partner, both_ways_only=True) == []


# ---------------------------------------------------------------------------------------------
# link_contact
# ---------------------------------------------------------------------------------------------


def test_link_with_contact_as_master_copies_the_contact_to_the_customer(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.", city="Seattle")
    customer = unlinked(CustomerFactory, name="Fabrikam", city="Redmond", payment_terms_code="14D")
    link = services.link_contact(contact, customer)
    customer.refresh_from_db()
    assert (customer.name, customer.city, customer.payment_terms_code) == ("Fabrikam Inc.", "Seattle", "14D")
    assert (link.contact, link.customer, link.business_relation.code) == (contact, customer, "CUST")
    assert agree(contact, customer)
    contact.refresh_from_db()
    assert contact.contact_business_relation == "customer"


def test_link_with_partner_as_master_copies_the_customer_to_the_contact_and_keeps_its_type(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.", city="Seattle")
    customer = unlinked(CustomerFactory, name="Fabrikam", city="Redmond", contact_type=ContactType.PERSON)
    services.link_contact(contact, customer, master="partner")
    contact.refresh_from_db()
    customer.refresh_from_db()
    assert (contact.name, contact.city, contact.company_name) == ("Fabrikam", "Redmond", "Fabrikam")
    assert contact.type == ContactType.COMPANY
    assert customer.contact_type == ContactType.COMPANY
    assert agree(contact, customer)


def test_link_with_per_field_choice(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.", city="Seattle", phone_no="+1 555 0001")
    customer = unlinked(CustomerFactory, name="Fabrikam", city="Redmond", phone_no="+1 555 0002")
    services.link_contact(contact, customer, master="contact", fields={"city": "partner"})
    contact.refresh_from_db()
    assert (contact.name, contact.city, contact.phone_no) == ("Fabrikam Inc.", "Redmond", "+1 555 0001")
    assert agree(contact, customer)


def test_link_with_partner_master_reaches_the_contacts_other_partners(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.")
    services.link_contact(contact, unlinked(VendorFactory))
    customer = unlinked(CustomerFactory, phone_no="+1 555 0777")
    services.link_contact(contact, customer, master="partner")
    vendor = Vendor.objects.get()
    assert vendor.phone_no == "+1 555 0777"
    assert agree(contact, vendor)


def test_link_vendor_with_vendor_as_master_keeps_the_contacts_salesperson(sync_on):
    contact = ContactFactory(salesperson=SalespersonFactory(code="SELL"))
    vendor = unlinked(VendorFactory, purchaser=SalespersonFactory(code="BUY"))
    services.link_contact(contact, vendor, master="partner")
    contact.refresh_from_db()
    vendor.refresh_from_db()
    assert (contact.salesperson.code, vendor.purchaser.code) == ("SELL", "BUY")


def test_link_refuses_a_partner_already_linked_naming_its_contact(sync_on):
    customer = CustomerFactory(name="Auto")  # got its own contact on creation
    own = Contact.objects.get()
    contact = ContactFactory(name="Fabrikam Inc.")
    with pytest.raises(ValidationError, match=f"Customer {customer.no} is already linked to contact {own.no} Auto"):
        services.link_contact(contact, customer)
    assert not ContactBusinessRelation.objects.filter(contact=contact).exists()


def test_link_refuses_a_contact_already_linked_to_a_customer_naming_it(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.")
    first = unlinked(CustomerFactory)
    services.link_contact(contact, first)
    second = unlinked(CustomerFactory)
    with pytest.raises(ValidationError, match=f"already linked to customer {first.no}"):
        services.link_contact(contact, second)


def test_link_refuses_without_the_setup_code(sync_on):
    marketing_setup(vendors=None)
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="Bus. Rel. Code for Vendors"):
        services.link_contact(contact, VendorFactory())


def test_link_refuses_a_privacy_blocked_contact(sync_on):
    contact = ContactFactory(privacy_blocked=True)
    with pytest.raises(ValidationError, match="privacy"):
        services.link_contact(contact, unlinked(CustomerFactory))
    assert not ContactBusinessRelation.objects.exists()


@pytest.mark.parametrize("factory", [VendorFactory, BankAccountFactory])
def test_a_stand_alone_person_cannot_be_linked_to_a_vendor_or_bank(sync_on, factory):
    person = ContactFactory(person=True)
    with pytest.raises(ValidationError, match="person without a company"):
        services.link_contact(person, unlinked(factory))


def test_a_stand_alone_person_can_be_linked_to_a_customer_which_becomes_a_person_customer(sync_on):
    person = ContactFactory(person=True)
    customer = unlinked(CustomerFactory)
    services.link_contact(person, customer)
    customer.refresh_from_db()
    assert customer.contact_type == ContactType.PERSON
    assert ContactBusinessRelation.objects.get().contact == person


def test_a_person_with_a_company_is_linked_through_its_company(sync_on):
    company = ContactFactory(name="Fabrikam Inc.")
    person = ContactFactory(person=True, company=company)
    vendor = unlinked(VendorFactory)
    services.link_contact(person, vendor)
    assert ContactBusinessRelation.objects.get().contact == company
    person.refresh_from_db()
    assert person.contact_business_relation == "vendor"


def test_linking_replaces_an_unlinked_row_with_the_same_code(sync_on):
    contact = ContactFactory()
    ContactBusinessRelation.objects.create(contact=contact, business_relation=BusinessRelation.objects.get(
        code="CUST"))
    services.link_contact(contact, unlinked(CustomerFactory))
    assert ContactBusinessRelation.objects.filter(contact=contact).count() == 1


def test_a_link_row_to_a_deleted_partner_does_not_block(sync_on):
    customer = CustomerFactory()
    customer.delete()
    assert not ContactBusinessRelation.objects.exists()


def test_link_rejects_unknown_fields_and_winners(sync_on):
    contact, customer = ContactFactory(), unlinked(CustomerFactory)
    with pytest.raises(ValidationError):
        services.link_contact(contact, customer, fields={"payment_terms_code": "partner"})
    with pytest.raises(ValidationError):
        services.link_contact(contact, customer, master="nobody")
    assert not ContactBusinessRelation.objects.exists()


def test_link_preview_lists_the_differing_mapped_fields(sync_on):
    contact = ContactFactory(name="Fabrikam Inc.", city="Seattle")
    customer = unlinked(CustomerFactory, name="Fabrikam Inc.", city="Redmond", address=contact.address,
                        post_code=contact.post_code, phone_no=contact.phone_no, email=contact.email,
                        search_name=contact.search_name)
    preview = selectors.link_preview(contact, customer)
    assert [(p["field"], p["contact_value"], p["partner_value"]) for p in preview] == [
        ("city", "Seattle", "Redmond")]


# ---------------------------------------------------------------------------------------------
# unlink
# ---------------------------------------------------------------------------------------------


def test_unlink_removes_only_the_link(sync_on):
    contact = ContactFactory()
    customer = unlinked(CustomerFactory)
    services.link_contact(contact, customer)
    assert services.unlink(contact, "customer") == customer
    assert Customer.objects.filter(pk=customer.pk).exists()
    contact.refresh_from_db()
    assert contact.contact_business_relation == "none"
    with pytest.raises(ValidationError, match="not linked to a customer"):
        services.unlink(contact, "customer")


# ---------------------------------------------------------------------------------------------
# create_partner_from_contact
# ---------------------------------------------------------------------------------------------


def test_create_customer_from_a_company_contact(sync_on, numbered_partners):
    contact = ContactFactory(name="Fabrikam Inc.", salesperson=SalespersonFactory())
    customer = services.create_partner_from_contact(contact, "customer")
    assert customer.no == "C00001"
    assert (customer.name, customer.contact_type, customer.salesperson) == (
        "Fabrikam Inc.", ContactType.COMPANY, contact.salesperson)
    assert ContactBusinessRelation.objects.get().customer == customer
    assert Contact.objects.count() == 1
    assert customer.created_without_template
    assert agree(contact, customer)


def test_create_as_uses_the_only_template_filling_blank_fields_and_reaching_the_contact(sync_on, numbered_partners):
    template = CustomerTemplateFactory(currency_code="EUR", territory=TerritoryFactory(code="EU"),
                                       country_code="DE", payment_terms_code="14D", credit_limit=Decimal("5000"))
    CustomerTemplateFactory(contact_type=ContactType.PERSON)  # another type: not a candidate
    contact = ContactFactory(currency_code="", territory=None, country_code="US")
    customer = services.create_partner_from_contact(contact, "customer")
    assert (customer.currency_code, customer.territory.code, customer.country_code) == ("EUR", "EU", "US")
    assert (customer.payment_terms_code, customer.credit_limit) == ("14D", Decimal("5000"))
    assert not customer.created_without_template
    contact.refresh_from_db()
    assert (contact.currency_code, contact.territory.code) == ("EUR", "EU")
    assert agree(contact, customer)
    assert template.code


def test_create_as_with_several_templates_asks_which_listing_them(sync_on, numbered_partners):
    CustomerTemplateFactory(code="DOM")
    CustomerTemplateFactory(code="EXP")
    with pytest.raises(ValidationError, match="DOM.*EXP"):
        services.create_partner_from_contact(ContactFactory(), "customer")
    assert not Customer.objects.exists()


def test_create_as_with_a_chosen_template_and_its_number_series(sync_on, numbered_partners):
    CustomerTemplateFactory(code="DOM")
    chosen = CustomerTemplateFactory(code="EXP", no_series=NoSeriesFactory(code="EXPORT", starting_no="EX0001"))
    customer = services.create_partner_from_contact(ContactFactory(), "customer", template=chosen)
    assert customer.no == "EX0001"


def test_create_as_customer_from_a_person_with_a_company_is_for_the_company(sync_on, numbered_partners):
    company = ContactFactory(name="Fabrikam Inc.")
    person = ContactFactory(person=True, company=company)
    customer = services.create_partner_from_contact(person, "customer")
    link = ContactBusinessRelation.objects.get()
    assert (link.contact, link.customer) == (company, customer)
    assert customer.name == "Fabrikam Inc."
    assert not ContactBusinessRelation.objects.filter(contact=person).exists()


def test_create_as_customer_from_a_stand_alone_person_makes_a_person_customer(sync_on, numbered_partners):
    person = ContactFactory(person=True)
    customer = services.create_partner_from_contact(person, "customer")
    assert customer.contact_type == ContactType.PERSON
    assert ContactBusinessRelation.objects.get().contact == person


@pytest.mark.parametrize("kind", ["vendor", "bank_account"])
def test_create_as_vendor_or_bank_from_a_stand_alone_person_is_refused(sync_on, numbered_partners, kind):
    with pytest.raises(ValidationError, match="person without a company"):
        services.create_partner_from_contact(ContactFactory(person=True), kind)
    assert not Vendor.objects.exists() and not BankAccount.objects.exists()


def test_create_as_when_the_company_already_has_that_partner_names_it(sync_on, numbered_partners):
    company = ContactFactory()
    first = services.create_partner_from_contact(company, "customer")
    person = ContactFactory(person=True, company=company)
    with pytest.raises(ValidationError, match=f"already linked to customer {first.no}"):
        services.create_partner_from_contact(person, "customer")
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("kind", ["customer", "vendor", "bank_account"])
def test_create_as_refuses_a_privacy_blocked_contact(sync_on, numbered_partners, kind):
    with pytest.raises(ValidationError, match="privacy"):
        services.create_partner_from_contact(ContactFactory(privacy_blocked=True), kind)
    assert not Customer.objects.exists() and not Vendor.objects.exists() and not BankAccount.objects.exists()


def test_create_as_refuses_without_the_setup_code(numbered_partners):
    marketing_setup(customers=None)
    with pytest.raises(ValidationError, match="Bus. Rel. Code for Customers"):
        services.create_partner_from_contact(ContactFactory(), "customer")
    assert not Customer.objects.exists()


def test_a_vendor_from_a_contact_keeps_its_purchaser_blank_and_the_template_fills_posting(sync_on, numbered_partners):
    VendorTemplateFactory(vendor_posting_group="FOREIGN")
    contact = ContactFactory(salesperson=SalespersonFactory())
    vendor = services.create_partner_from_contact(contact, "vendor")
    assert vendor.purchaser is None
    assert vendor.vendor_posting_group == "FOREIGN"
    contact.refresh_from_db()
    assert contact.salesperson is not None


def test_a_bank_account_from_a_contact(sync_on, numbered_partners):
    contact = ContactFactory(name="First Bank")
    bank = services.create_partner_from_contact(contact, "bank_account")
    assert bank.name == "First Bank"
    assert bank.our_contact is None
    contact.refresh_from_db()
    assert contact.contact_business_relation == "bank_account"


def test_a_missing_partner_number_series_saves_nothing(sync_on):
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="Customer Nos."):
        services.create_partner_from_contact(contact, "customer")
    assert not Customer.objects.exists()
    assert not ContactBusinessRelation.objects.exists()


def test_templates_for_filters_by_contact_type(db):
    company = CustomerTemplateFactory(code="CO")
    CustomerTemplateFactory(code="PE", contact_type=ContactType.PERSON)
    assert list(selectors.templates_for("customer", ContactType.COMPANY)) == [company]
    assert not selectors.templates_for("bank_account", ContactType.COMPANY).exists()


# ---------------------------------------------------------------------------------------------
# create_contact_from_partner
# ---------------------------------------------------------------------------------------------


def test_create_contact_from_a_customer_with_a_contact_text(sync_on):
    customer = unlinked(CustomerFactory, name="Fabrikam Inc.", contact="Jim Olive")
    company = services.create_contact_from_partner(customer)
    assert (company.type, company.name, company.no) == (ContactType.COMPANY, "Fabrikam Inc.", "CT000001")
    person = Contact.objects.get(type=ContactType.PERSON)
    assert (person.company, person.name, person.surname) == (company, "Jim Olive", "Olive")
    link = ContactBusinessRelation.objects.get()
    assert (link.contact, link.customer, link.primary_contact) == (company, customer, person)


def test_create_contact_from_a_bank_keeps_its_contact_text_as_text(sync_on):
    bank = unlinked(BankAccountFactory, contact="Teller Tom")
    services.create_contact_from_partner(bank)
    assert Contact.objects.count() == 1
    assert ContactBusinessRelation.objects.get().primary_contact is None


def test_create_contact_from_a_person_customer_makes_a_person(sync_on):
    customer = unlinked(CustomerFactory, name="Ann Smith", contact_type=ContactType.PERSON)
    contact = services.create_contact_from_partner(customer)
    assert (contact.type, contact.first_name, contact.surname) == (ContactType.PERSON, "Ann", "Smith")


def test_create_contact_from_a_partner_that_has_one_names_it(sync_on):
    customer = CustomerFactory()
    existing = Contact.objects.get()
    with pytest.raises(ValidationError, match=f"Customer {customer.no} is already linked to contact {existing.no}"):
        services.create_contact_from_partner(customer)
    assert Contact.objects.count() == 1


def test_create_contact_from_a_partner_needs_contact_nos(numbered_partners):
    customer = CustomerFactory()
    marketing_setup(contact_nos=None)
    with pytest.raises(ValidationError, match="Contact Nos."):
        services.create_contact_from_partner(customer)
    assert not Contact.objects.exists()


def test_create_contact_from_a_partner_needs_the_code(db):
    setup = MarketingSetup.load()
    assert setup.bus_rel_code_for_vendors is None
    with pytest.raises(ValidationError, match="Bus. Rel. Code for Vendors"):
        services.create_contact_from_partner(VendorFactory())


# ---------------------------------------------------------------------------------------------
# Delete: other apps may refuse it (contacts.models.contact_delete_consequences)
# ---------------------------------------------------------------------------------------------


def test_delete_is_refused_with_the_reason_when_another_app_says_a_record_needs_the_contact(db):
    company = ContactFactory(no="CT000010", name="Fabrikam")
    person = ContactFactory(person=True, company=company)
    asked = []

    def needs_the_person(sender, contact_ids, **kwargs):
        asked.append(sorted(contact_ids))
        return [DeleteConsequence("Order X1", "/x1/", "is open and would lose its contact.", blocks=True)]

    contact_delete_consequences.connect(needs_the_person, sender=Contact, dispatch_uid="test.needs_the_person")
    try:
        with pytest.raises(ValidationError) as refused:
            services.delete_contact(company)
    finally:
        contact_delete_consequences.disconnect(sender=Contact, dispatch_uid="test.needs_the_person")
    assert asked == [sorted([company.pk, person.pk])]  # the persons deleted with the company are asked about too
    assert refused.value.messages == ["Contact CT000010 Fabrikam cannot be deleted while these records need it:",
                                      "Order X1 is open and would lose its contact."]
    assert Contact.objects.filter(pk__in=[company.pk, person.pk]).count() == 2
    assert services.delete_contact(company) == 2
