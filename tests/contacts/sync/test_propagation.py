"""Propagation contact → partners and partner → contact → other partners (DESIGN §4, reference §4)."""

import pytest

from contacts import services, sync
from contacts.models import Contact
from partners.models import ContactType
from tests.factories import (
    BankAccountFactory,
    ContactFactory,
    CustomerFactory,
    SalespersonFactory,
    TerritoryFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(sync_on):
    """A company contact linked to a customer, a vendor and a bank account, all agreeing."""
    contact = ContactFactory(name="Fabrikam Inc.")
    customer = CustomerFactory(name="x")
    vendor = VendorFactory(name="y")
    bank = BankAccountFactory(name="z")
    # The partners got contacts of their own on creation; remove those links and link to ours.
    for partner in (customer, vendor, bank):
        Contact.objects.filter(business_relations__in=partner.contact_links.all()).delete()
        services.link_contact(contact, partner)
    for obj in (contact, customer, vendor, bank):
        obj.refresh_from_db()
    return contact, customer, vendor, bank


def mapped_equal(contact, partner):
    return not sync.differing_fields(contact, partner, both_ways_only=True)


def test_editing_a_contacts_phone_updates_customer_vendor_and_bank(linked):
    contact, customer, vendor, bank = linked
    contact.phone_no = "+1 555 0199"
    contact.save()
    for partner in (customer, vendor, bank):
        partner.refresh_from_db()
        assert partner.phone_no == "+1 555 0199"


def test_editing_a_customers_phone_reaches_the_contact_and_the_vendor(linked):
    contact, customer, vendor, bank = linked
    customer.phone_no = "+1 555 0142"
    customer.save()
    for obj in (contact, vendor, bank):
        obj.refresh_from_db()
        assert obj.phone_no == "+1 555 0142"


def test_a_partner_field_without_a_contact_counterpart_touches_nothing(linked):
    contact, customer, vendor, bank = linked
    version = contact.version
    customer.payment_terms_code = "60D"
    customer.save()
    contact.refresh_from_db()
    assert contact.version == version


def test_editing_only_privacy_blocked_pushes_nothing_even_to_a_differing_partner(sync_on):
    contact = ContactFactory(name="Contoso")
    customer = CustomerFactory(name="Different")
    Contact.objects.exclude(pk=contact.pk).delete()
    from contacts.models import ContactBusinessRelation, MarketingSetup

    from contacts import sync

    with sync.suspended():  # a drifted pair, as raw SQL or an import that bypassed signals would leave it
        ContactBusinessRelation.objects.create(contact=contact, customer=customer, link_to_table="customer",
                                               business_relation=MarketingSetup.load().bus_rel_code_for_customers)
    contact.privacy_blocked = True
    contact.save()
    customer.refresh_from_db()
    assert customer.name == "Different"


def test_vendor_purchaser_and_bank_our_contact_are_never_the_contacts_salesperson(linked):
    contact, customer, vendor, bank = linked
    buyer = SalespersonFactory(code="BUY")
    vendor.purchaser = buyer
    vendor.save()
    bank.our_contact = buyer
    bank.save()
    contact.salesperson = SalespersonFactory(code="SELL")
    contact.save()
    customer.refresh_from_db(), vendor.refresh_from_db(), bank.refresh_from_db()
    assert customer.salesperson.code == "SELL"
    assert vendor.purchaser.code == "BUY"
    assert bank.our_contact.code == "BUY"
    contact.refresh_from_db()
    assert contact.salesperson.code == "SELL"


def test_the_customers_salesperson_reaches_the_contact(linked):
    contact, customer, _, _ = linked
    customer.salesperson = SalespersonFactory(code="JR")
    customer.save()
    contact.refresh_from_db()
    assert contact.salesperson.code == "JR"


def test_contact_type_flows_to_customer_contact_type_only(sync_on, numbered_partners):
    person = ContactFactory(person=True)
    customer = services.create_partner_from_contact(person, "customer")
    assert customer.contact_type == ContactType.PERSON
    customer.contact_type = ContactType.COMPANY
    customer.save()
    person.refresh_from_db()
    assert person.type == ContactType.PERSON
    customer.refresh_from_db()
    assert customer.contact_type == ContactType.PERSON  # the pair keeps agreeing
    person.refresh_from_db()
    person.type = ContactType.COMPANY
    person.save()
    customer.refresh_from_db()
    assert customer.contact_type == ContactType.COMPANY


def test_territory_change_on_the_bank_reaches_all(linked):
    contact, customer, vendor, bank = linked
    bank.territory = TerritoryFactory(code="EAST")
    bank.save()
    for obj in (contact, customer, vendor):
        obj.refresh_from_db()
        assert obj.territory.code == "EAST"


def test_sync_writes_bump_version_and_are_recorded_with_their_source(linked):
    contact, customer, vendor, _ = linked
    before = vendor.version
    customer.email = "new@fabrikam.example"
    customer.save()
    vendor.refresh_from_db()
    assert vendor.version == before + 1
    record = vendor.history.first()
    assert record.history_change_reason == f"Synchronized from customer {customer.no}"
    assert contact.history.first().history_change_reason == f"Synchronized from customer {customer.no}"


def test_a_partner_save_with_a_blank_contact_name_heals_the_contact(linked):
    contact, customer, _, _ = linked
    Contact.objects.filter(pk=contact.pk).update(name="")
    customer.payment_terms_code = "7D"
    customer.save()
    contact.refresh_from_db()
    assert contact.name == customer.name


def test_update_fields_saves_only_compare_the_fields_written(linked):
    contact, customer, _, _ = linked
    customer.city = "Not saved"
    customer.phone_no = "+1 555 0111"
    customer.save(update_fields=["phone_no"])
    contact.refresh_from_db()
    assert contact.phone_no == "+1 555 0111"
    assert contact.city != "Not saved"


def test_all_pairs_agree_after_each_save(linked):
    contact, customer, vendor, bank = linked
    vendor.name = "Fabrikam Europe"
    vendor.address = "1 Main St"
    vendor.save()
    for obj in (contact, customer, bank):
        obj.refresh_from_db()
    for partner in (customer, vendor, bank):
        partner.refresh_from_db()
        assert mapped_equal(contact, partner)
    assert sync.find_drift() == []


def test_find_drift_names_the_pair_and_fields(linked):
    contact, customer, _, _ = linked
    type(customer).objects.filter(pk=customer.pk).update(city="Elsewhere", phone_no="+1 555 0000")
    drift = sync.find_drift()
    assert [(d.kind, d.contact_no, d.partner_no, {name for name, *_ in d.fields}) for d in drift] == [
        ("customer", contact.no, customer.no, {"city", "phone_no"})]
    services.resync(customer.contact_links.get(), master="partner")
    assert sync.find_drift() == []
    contact.refresh_from_db()
    assert contact.city == "Elsewhere"
