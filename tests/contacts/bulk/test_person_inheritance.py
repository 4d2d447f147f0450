"""Set-based writes of company contacts (sync_check --repair partner, link_contacts --master partner) pass the
changed company fields on to the company's persons by the same inheritance rule as a single save."""

from io import StringIO

import pytest
from django.core.management import call_command

from contacts import services, sync
from contacts.bulk import drift, link
from contacts.models import Contact, ContactBusinessRelation
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db

INHERITED = ("address", "address_2", "city", "post_code", "county", "phone_no", "email", "country_code")


def inheriting_person(company, first_name="Ann"):
    """A person of ``company`` still holding the company's address and communication details."""
    return factories.ContactFactory(person=True, company=company, no=f"P-{first_name}", first_name=first_name, surname="Inherit",
                                    company_name=company.name,
                                    **{f: getattr(company, f) for f in INHERITED})


def own_person(company, first_name="Otto"):
    """A person of ``company`` with an address and phone of its own."""
    return factories.ContactFactory(person=True, company=company, no=f"P-{first_name}", first_name=first_name, surname="Own",
                                    company_name=company.name, address="7 Own Road", city="Owntown",
                                    post_code="99999", phone_no="+1 000 7777", email="own@person.test",
                                    country_code=company.country_code)


def reread(*objs):
    return [type(o).objects.get(pk=o.pk) for o in objs]


@pytest.fixture
def drifted():
    """A company linked to a customer, with two persons; then the customer changes behind the sync's back."""
    factories.marketing_setup()
    customer = factories.CustomerFactory(name="Fabrikam", address="1 Old St", city="Berlin", post_code="10115",
                                         phone_no="+49 30 1", email="old@fabrikam.test")
    company = ContactBusinessRelation.objects.get(customer=customer).contact
    inheriting, own = inheriting_person(company), own_person(company)
    Customer.objects.filter(pk=customer.pk).update(name="Fabrikam Renamed", address="2 New St", city="Bonn",
                                                   post_code="53111", phone_no="+49 228 2",
                                                   email="new@fabrikam.test")
    return company, customer, inheriting, own


def test_sync_check_repair_partner_passes_new_company_values_to_persons_holding_the_old_ones(drifted):
    company, customer, inheriting, own = drifted
    call_command("sync_check", "--repair", "partner", stdout=StringIO(), stderr=StringIO())

    company, inheriting, own = reread(company, inheriting, own)
    assert company.phone_no == "+49 228 2" and company.address == "2 New St"
    assert (inheriting.phone_no, inheriting.email) == ("+49 228 2", "new@fabrikam.test")
    assert (inheriting.address, inheriting.city, inheriting.post_code) == ("2 New St", "Bonn", "53111")
    assert inheriting.company_name == "Fabrikam Renamed"
    assert inheriting.history.first().history_change_reason == f"Inherited from company {company.no}"


def test_sync_check_repair_partner_leaves_persons_own_values_alone(drifted):
    company, customer, inheriting, own = drifted
    call_command("sync_check", "--repair", "partner", stdout=StringIO(), stderr=StringIO())

    own = Contact.objects.get(pk=own.pk)
    assert (own.phone_no, own.email) == ("+1 000 7777", "own@person.test")
    assert (own.address, own.city, own.post_code) == ("7 Own Road", "Owntown", "99999")
    assert own.company_name == "Fabrikam Renamed"  # the company's name follows a rename regardless


def test_repair_reaches_persons_with_bounded_queries_whatever_the_number_of_companies(django_assert_max_num_queries):
    factories.marketing_setup()
    companies = []
    for n in range(5):
        customer = factories.CustomerFactory(name=f"Firm {n}", phone_no=f"+49 30 {n}")
        company = ContactBusinessRelation.objects.get(customer=customer).contact
        inheriting_person(company, first_name=f"A{n}")
        inheriting_person(company, first_name=f"B{n}")
        companies.append(company)
    Customer.objects.update(phone_no="+49 40 0")
    with django_assert_max_num_queries(26):  # per chunk, not per company or person (the index signature read included)
        drift.repair("partner")
    assert set(Contact.objects.filter(company__in=companies).values_list("phone_no", flat=True)) == {"+49 40 0"}


def test_link_contacts_master_partner_passes_company_changes_to_persons():
    company = factories.ContactFactory(name="Fabrikam Inc.", vat_registration_no="DE123456789", city="Berlin",
                                       address="1 Old St", post_code="10115", country_code="DE",
                                       phone_no="030 111111", email="info@fabrikam.test")
    inheriting, own = inheriting_person(company), own_person(company)
    customer = factories.CustomerFactory(name="FABRIKAM GMBH", vat_registration_no="123 456 789",
                                         city="Berlin-Mitte", address="2 New St", post_code="10117",
                                         country_code="DE", phone_no="+49 30 999", email="info@fabrikam.test")
    factories.marketing_setup()
    call_command("link_contacts", "customers", "--master", "partner", stdout=StringIO(), stderr=StringIO())

    assert ContactBusinessRelation.objects.get(customer=customer).contact_id == company.pk
    inheriting, own = reread(inheriting, own)
    assert inheriting.phone_no == "+49 30 999"
    assert (inheriting.address, inheriting.city, inheriting.post_code) == ("2 New St", "Berlin-Mitte", "10117")
    assert inheriting.company_name == "FABRIKAM GMBH" == own.company_name
    assert (own.phone_no, own.address, own.city) == ("+1 000 7777", "7 Own Road", "Owntown")


def test_set_based_link_with_partner_master_gives_persons_what_link_contact_gives():
    def world(suffix):
        company = factories.ContactFactory(name=f"Fabrikam {suffix}", address="1 Old St", city="Berlin",
                                           post_code="10115", country_code="DE", phone_no="+49 30 1",
                                           email=f"c{suffix}@x.test")
        persons = [inheriting_person(company, f"Ann{suffix}"), own_person(company, f"Otto{suffix}")]
        with sync.suspended():
            customer = factories.CustomerFactory(name=f"Renamed {suffix}", address="2 New St", city="Bonn",
                                                 post_code="53111", country_code="DE", phone_no="+49 228 2",
                                                 email=f"p{suffix}@x.test", contact_type="company")
        return company, customer, persons

    by_service, by_bulk = world("A"), world("B")
    factories.marketing_setup()
    services.link_contact(by_service[0], by_service[1], master="partner")
    link.link_pairs("customer", [(by_bulk[1].pk, by_bulk[0].pk)], master="partner")

    skip = {"id", "no", "name", "search_name", "first_name", "company", "created_at", "updated_at", "version"}

    def persons_state(world):
        rows = []
        for person in reread(*world[2]):
            row = {f.attname: getattr(person, f.attname) for f in Contact._meta.concrete_fields
                   if f.name not in skip}
            for key in ("company_name", "email"):
                row[key] = row[key].replace("A", "#").replace("B", "#")
            rows.append(row)
        return rows

    bulk_state, service_state = persons_state(by_bulk), persons_state(by_service)
    assert bulk_state == service_state
    assert bulk_state[0]["phone_no"] == "+49 228 2" and bulk_state[0]["company_name"] == "Renamed #"


def test_set_based_link_with_partner_master_stays_set_based_for_companies_with_persons(
        django_assert_max_num_queries):
    pairs = []
    for n in range(6):
        company = factories.ContactFactory(name=f"Firm {n}", phone_no=f"+49 30 {n}")
        inheriting_person(company, first_name=f"A{n}")
        with sync.suspended():
            customer = factories.CustomerFactory(name=f"Firm {n}", phone_no=f"+49 40 {n}", contact_type="company")
        pairs.append((customer.pk, company.pk))
    setup = factories.marketing_setup()
    with django_assert_max_num_queries(40):  # per chunk, not per pair
        link.link_pairs("customer", pairs, master="partner", setup=setup)
    assert sorted(Contact.objects.filter(type="person").values_list("phone_no", flat=True)) == [
        f"+49 40 {n}" for n in range(6)]
