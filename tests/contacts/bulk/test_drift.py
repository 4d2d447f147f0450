"""manage.py sync_check: drift between linked contacts and partners, found set-based and repaired."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts import sync
from contacts.bulk import create as bulk
from contacts.bulk import drift as consistency
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from partners.models import BankAccount, Customer, Vendor
from tests import factories

pytestmark = pytest.mark.django_db


def check(*args):
    out = StringIO()
    call_command("sync_check", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def linked():
    """A contact linked to a customer, a vendor and a bank account, plus a second linked customer."""
    customer = factories.CustomerFactory(name="Fabrikam", city="Berlin", phone_no="+49 30 1")
    other = factories.CustomerFactory(name="Contoso", city="Paris")
    factories.marketing_setup()
    bulk.create_contacts_from("customer")
    contact = ContactBusinessRelation.objects.get(customer=customer).contact
    with sync.suspended():  # no automatic contacts for these two: they are linked raw below
        vendor = factories.VendorFactory(name="Fabrikam", city="Berlin", phone_no="+49 30 1",
                                         email=contact.email, address=contact.address, post_code=contact.post_code,
                                         country_code=contact.country_code, search_name=contact.search_name)
        bank = factories.BankAccountFactory(name="Fabrikam", city="Berlin", phone_no="+49 30 1",
                                            email=contact.email, address=contact.address,
                                            post_code=contact.post_code, country_code=contact.country_code,
                                            search_name=contact.search_name)
    codes = MarketingSetup.load()
    ContactBusinessRelation.objects.bulk_create([  # raw link rows: no signal copies anything
        ContactBusinessRelation(contact=contact, business_relation=codes.bus_rel_code_for_vendors,
                                link_to_table="vendor", vendor=vendor),
        ContactBusinessRelation(contact=contact, business_relation=codes.bus_rel_code_for_bank_accounts,
                                link_to_table="bank_account", bank_account=bank),
    ])
    return contact, customer, vendor, bank, other


def test_no_drift_is_reported_as_such(linked):
    assert "No drift" in check()


def test_drift_after_raw_update_is_listed_and_exits_non_zero(linked):
    contact, customer, *_ = linked
    Customer.objects.filter(pk=customer.pk).update(city="Munich")
    with pytest.raises(CommandError) as error:
        check()
    assert error.value.returncode == 1
    drifts = consistency.find_drift("customer")
    assert [(d.partner_no, d.fields) for d in drifts] == [(customer.no, [("city", "Berlin", "Munich")])]


def test_drift_detection_is_one_query_per_partner_type(linked, django_assert_num_queries):
    Customer.objects.update(city="Munich")
    with django_assert_num_queries(1):
        assert len(consistency.find_drift("customer")) == 2


def test_repair_contact_makes_the_contact_values_win(linked):
    contact, customer, *_ = linked
    Customer.objects.filter(pk=customer.pk).update(city="Munich", territory=factories.TerritoryFactory())
    output = check("--repair", "contact")
    assert "Repaired 1 pair(s)" in output
    customer.refresh_from_db()
    assert customer.city == "Berlin" and customer.territory is None
    assert "No drift" in check()


def test_repair_partner_makes_the_partner_values_win_and_reach_the_other_partners(linked):
    contact, customer, vendor, bank, _ = linked
    Customer.objects.filter(pk=customer.pk).update(phone_no="+49 30 999")
    version = Vendor.objects.get(pk=vendor.pk).version
    check("--repair", "partner")
    contact.refresh_from_db()
    assert contact.phone_no == "+49 30 999"
    assert Vendor.objects.get(pk=vendor.pk).phone_no == "+49 30 999"
    assert BankAccount.objects.get(pk=bank.pk).phone_no == "+49 30 999"
    assert Vendor.objects.get(pk=vendor.pk).version == version + 1
    assert "No drift" in check()


def test_contact_type_drift_is_repaired_from_the_contact_even_when_partners_win(linked):
    contact, customer, *_ = linked
    Customer.objects.filter(pk=customer.pk).update(contact_type="person")
    check("--repair", "partner")
    assert Customer.objects.get(pk=customer.pk).contact_type == "company"
    assert Contact.objects.get(pk=contact.pk).type == "company"


def test_bad_repair_side_is_refused():
    with pytest.raises(CommandError):
        check("--repair", "both")
