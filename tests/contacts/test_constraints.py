"""The invariants of DESIGN §3 on the CRM side hold in the database itself, not only in code.

Rows are written with ``bulk_create`` / ``QuerySet.update`` so that neither ``save()`` nor a signal
receiver gets a chance to refuse first: what stops them is the database.
"""

import pytest
from django.db import IntegrityError, transaction

from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from partners.models import ContactType
from tests.factories import (
    BankAccountFactory,
    BusinessRelationFactory,
    ContactFactory,
    CustomerFactory,
    NoSeriesFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs):
    """True when the database refuses the write (the surrounding test transaction stays usable)."""
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def link_row(contact, code, link_to_table="", **partners):
    return ContactBusinessRelation(contact=contact, business_relation=BusinessRelationFactory(code=code),
                                   link_to_table=link_to_table, **partners)


def insert(*rows):
    ContactBusinessRelation.objects.bulk_create(rows)


# -- contacts ------------------------------------------------------------------------------------


def test_contact_numbers_are_unique():
    ContactFactory(no="CT000001")
    assert refused(Contact.objects.bulk_create, [Contact(no="CT000001", name="Second")])


def test_a_contact_without_a_number_is_refused_by_the_database():
    assert refused(Contact.objects.bulk_create, [Contact(no="", name="Nameless")])


def test_only_persons_belong_to_a_company():
    company = ContactFactory()
    assert refused(Contact.objects.bulk_create, [Contact(no="CT9", type=ContactType.COMPANY, company=company)])
    assert not refused(Contact.objects.bulk_create, [Contact(no="CT8", type=ContactType.PERSON, company=company)])


def test_contact_type_must_be_company_or_person():
    assert refused(Contact.objects.bulk_create, [Contact(no="CT9", type="robot")])


def test_a_minor_without_parental_consent_cannot_be_unblocked_in_the_database():
    contact = ContactFactory(person=True, minor=True)
    assert contact.privacy_blocked  # save() blocks a minor
    assert refused(Contact.objects.filter(pk=contact.pk).update, privacy_blocked=False)
    Contact.objects.filter(pk=contact.pk).update(parental_consent_received=True)
    assert not refused(Contact.objects.filter(pk=contact.pk).update, privacy_blocked=False)


def test_relation_summary_takes_only_its_known_values():
    contact = ContactFactory()
    assert refused(Contact.objects.filter(pk=contact.pk).update, contact_business_relation="friend")


# -- business relation rows (the links) ----------------------------------------------------------


def test_one_row_per_contact_and_business_relation():
    contact = ContactFactory()
    insert(link_row(contact, "PROSPECT"))
    assert refused(insert, link_row(contact, "PROSPECT"))
    assert not refused(insert, link_row(ContactFactory(), "PROSPECT"))


def test_a_contact_links_at_most_one_partner_of_each_type():
    contact = ContactFactory()
    insert(link_row(contact, "CUST", "customer", customer=CustomerFactory()))
    assert refused(insert, link_row(contact, "CUST2", "customer", customer=CustomerFactory()))
    # …but one of each type is fine, and unlinked rows are not limited.
    assert not refused(insert, link_row(contact, "VEND", "vendor", vendor=VendorFactory()))
    assert not refused(insert, link_row(contact, "BANK", "bank_account", bank_account=BankAccountFactory()))
    assert not refused(insert, link_row(contact, "PROSPECT"), link_row(contact, "PRESS"))


@pytest.mark.parametrize("kind, factory", [
    ("customer", CustomerFactory), ("vendor", VendorFactory), ("bank_account", BankAccountFactory)])
def test_a_partner_links_at_most_one_contact(kind, factory):
    partner = factory()
    insert(link_row(ContactFactory(), "REL", kind, **{kind: partner}))
    assert refused(insert, link_row(ContactFactory(), "REL", kind, **{kind: partner}))


@pytest.mark.parametrize("link_to_table, partners", [
    ("customer", {}),                                         # names a customer, links none
    ("customer", {"vendor": "vendor"}),                       # names a customer, links a vendor
    ("vendor", {"customer": "customer"}),
    ("bank_account", {"vendor": "vendor"}),
    ("customer", {"customer": "customer", "vendor": "vendor"}),  # links two partners
    ("", {"customer": "customer"}),                           # unlinked row with a partner
    ("employee", {}),                                         # not a partner table at all
])
def test_the_link_row_names_exactly_the_partner_its_link_to_table_says(link_to_table, partners):
    made = {"customer": CustomerFactory, "vendor": VendorFactory, "bank_account": BankAccountFactory}
    row = link_row(ContactFactory(), "REL", link_to_table, **{field: made[field]() for field in partners})
    assert refused(insert, row)


def test_deleting_a_partner_deletes_its_link_rows_and_keeps_the_contact():
    contact, customer = ContactFactory(), CustomerFactory()
    insert(link_row(contact, "CUST", "customer", customer=customer))
    customer.delete()
    assert not ContactBusinessRelation.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_deleting_a_contact_deletes_its_link_rows_and_keeps_the_partner():
    contact, vendor = ContactFactory(), VendorFactory()
    insert(link_row(contact, "VEND", "vendor", vendor=vendor))
    contact.delete()
    assert not ContactBusinessRelation.objects.exists()
    assert type(vendor).objects.filter(pk=vendor.pk).exists()


# -- Marketing Setup -----------------------------------------------------------------------------


@pytest.mark.parametrize("first, second", [
    ("bus_rel_code_for_customers", "bus_rel_code_for_vendors"),
    ("bus_rel_code_for_customers", "bus_rel_code_for_bank_accounts"),
    ("bus_rel_code_for_vendors", "bus_rel_code_for_bank_accounts"),
])
def test_marketing_setup_codes_are_distinct_in_the_database(first, second):
    MarketingSetup.load()
    code = BusinessRelationFactory(code="SAME")
    assert refused(MarketingSetup.objects.update, **{first: code, second: code})
    assert not refused(MarketingSetup.objects.update, **{first: code})


def test_marketing_setup_clean_names_the_clash():
    from django.core.exceptions import ValidationError

    setup = MarketingSetup.load()
    setup.bus_rel_code_for_customers = setup.bus_rel_code_for_vendors = BusinessRelationFactory(code="SAME")
    with pytest.raises(ValidationError, match="already used for Customers"):
        setup.full_clean()


def test_search_hit_percentage_stays_between_1_and_100():
    MarketingSetup.load()
    assert refused(MarketingSetup.objects.update, search_hit_pct=0)
    assert refused(MarketingSetup.objects.update, search_hit_pct=101)
    assert not refused(MarketingSetup.objects.update, search_hit_pct=100)


def test_a_number_series_in_use_cannot_be_deleted():
    from django.db.models import ProtectedError

    setup = MarketingSetup.load()
    setup.contact_nos = NoSeriesFactory(code="CONT")
    setup.save()
    with pytest.raises(ProtectedError):
        setup.contact_nos.delete()
