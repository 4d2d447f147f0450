"""Persons and companies: names, company_name, inheritance, type rules, privacy (reference §1.1, §6)."""

import pytest
from django.core.exceptions import ValidationError

from contacts import selectors, services, sync
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from partners.models import ContactType
from tests.factories import (
    BusinessRelationFactory,
    ContactFactory,
    CustomerFactory,
    SalespersonFactory,
    TerritoryFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


# ---- names -------------------------------------------------------------------------------------


def test_a_persons_name_is_split_into_its_parts(db):
    person = ContactFactory(type=ContactType.PERSON, name="Ann Marie van Smith", first_name="", surname="")
    assert (person.first_name, person.middle_name, person.surname) == ("Ann Marie", "van", "Smith")
    person.name = "Jo Bloggs"
    person.save()
    assert (person.first_name, person.middle_name, person.surname) == ("Jo", "", "Bloggs")


def test_changing_a_name_part_rebuilds_the_name(db):
    person = ContactFactory(type=ContactType.PERSON, name="Jo Bloggs", first_name="", surname="")
    person.middle_name = "Q"
    person.save()
    assert person.name == "Jo Q Bloggs"
    assert person.search_name == "JO Q BLOGGS"


def test_a_company_never_has_name_parts_and_its_company_name_is_its_name(db):
    company = ContactFactory(name="Fabrikam Inc.")
    assert company.company_name == "Fabrikam Inc."
    company.name = "Fabrikam Ltd"
    company.save()
    assert company.company_name == "Fabrikam Ltd"


# ---- company assignment and inheritance ---------------------------------------------------------


@pytest.fixture
def company(db):
    MarketingSetup.load()
    return ContactFactory(name="Fabrikam Inc.", salesperson=SalespersonFactory(), territory=TerritoryFactory(),
                          country_code="DE", language_code="de", address="1 Main St", city="Berlin",
                          post_code="10115", phone_no="+49 30 100", email="info@fabrikam.example")


def test_a_new_person_inherits_the_companys_fields(company):
    person = Contact.objects.create(type=ContactType.PERSON, name="Jo Bloggs", company=company,
                                    phone_no="+49 30 999", no="P1")
    assert person.company_name == "Fabrikam Inc."
    assert (person.salesperson, person.territory, person.country_code, person.language_code) == (
        company.salesperson, company.territory, "DE", "de")
    assert (person.address, person.city, person.email) == ("1 Main St", "Berlin", "info@fabrikam.example")
    assert person.phone_no == "+49 30 999"  # its own phone stays


def test_a_person_keeps_its_own_address_when_assigned(company):
    person = ContactFactory(person=True, address="9 Side St", city="Bonn")
    person.company = company
    person.save()
    assert (person.address, person.city) == ("9 Side St", "Bonn")
    assert person.country_code == "DE"


def test_switched_off_inheritance_copies_nothing_of_that_kind(company):
    setup = MarketingSetup.load()
    setup.inherit_territory_code = False
    setup.inherit_communication_details = False
    setup.save()
    person = Contact.objects.create(type=ContactType.PERSON, name="Jo Bloggs", company=company, no="P1")
    assert person.territory is None
    assert person.email == ""
    assert person.country_code == "DE"


def test_company_changes_reach_persons_that_still_had_the_old_value(company):
    follower = Contact.objects.create(type=ContactType.PERSON, name="Jo Bloggs", company=company, no="P1")
    own = Contact.objects.create(type=ContactType.PERSON, name="Al Own", company=company, no="P2",
                                 phone_no="+49 30 555", address="2 Other St", city="Bonn")
    company.phone_no = "+49 30 200"
    company.city = "Potsdam"
    company.name = "Fabrikam GmbH"
    company.save()
    follower.refresh_from_db()
    own.refresh_from_db()
    assert (follower.phone_no, follower.city, follower.company_name) == ("+49 30 200", "Potsdam", "Fabrikam GmbH")
    assert (own.phone_no, own.city, own.company_name) == ("+49 30 555", "Bonn", "Fabrikam GmbH")
    assert follower.history.first().history_change_reason == f"Inherited from company {company.no}"


def test_switched_off_flags_never_propagate_later(company):
    person = Contact.objects.create(type=ContactType.PERSON, name="Jo Bloggs", company=company, no="P1")
    setup = MarketingSetup.load()
    setup.inherit_communication_details = False
    setup.save()
    company.phone_no = "+49 30 300"
    company.save()
    person.refresh_from_db()
    assert person.phone_no == "+49 30 100"


def test_a_partner_change_of_the_company_reaches_its_persons(sync_on, company):
    person = Contact.objects.create(type=ContactType.PERSON, name="Jo Bloggs", company=company, no="P1")
    with sync.suspended():
        customer = CustomerFactory()
    services.link_contact(company, customer)
    customer.refresh_from_db()
    customer.email = "sales@fabrikam.example"
    customer.save()
    person.refresh_from_db()
    assert person.email == "sales@fabrikam.example"
    assert person.contact_business_relation == "customer"


def test_a_person_cannot_belong_to_a_person(db):
    boss = ContactFactory(person=True)
    person = ContactFactory(person=True)
    person.company = boss
    with pytest.raises(ValidationError, match="is a person, not a company"):
        person.save()


# ---- type rules ---------------------------------------------------------------------------------


def test_a_linked_company_cannot_become_a_person(sync_on):
    CustomerFactory(name="Fabrikam Inc.")
    contact = Contact.objects.get()
    contact.type = ContactType.PERSON
    with pytest.raises(ValidationError, match="cannot become a person: it is linked to customer"):
        contact.save()
    contact.refresh_from_db()
    assert contact.type == ContactType.COMPANY


def test_a_company_with_persons_cannot_become_a_person(db):
    company = ContactFactory()
    ContactFactory(person=True, company=company)
    company.type = ContactType.PERSON
    with pytest.raises(ValidationError, match="persons belong to it"):
        company.save()


def test_a_company_with_an_unlinked_relation_cannot_become_a_person(db):
    company = ContactFactory()
    ContactBusinessRelation.objects.create(contact=company, business_relation=BusinessRelationFactory(code="PRESS"))
    company.type = ContactType.PERSON
    with pytest.raises(ValidationError, match="PRESS"):
        company.save()


def test_a_free_company_becomes_a_person_with_its_name_split(db):
    contact = ContactFactory(name="Jo Bloggs")
    contact.type = ContactType.PERSON
    contact.save()
    assert (contact.first_name, contact.surname, contact.company_name) == ("Jo", "Bloggs", "")


def test_a_person_becoming_a_company_leaves_its_company(db):
    company = ContactFactory()
    person = ContactFactory(person=True, company=company)
    person.type = ContactType.COMPANY
    person.save()
    assert person.company is None
    assert person.company_name == person.name
    assert person.first_name == ""


# ---- privacy ------------------------------------------------------------------------------------


def test_a_minor_stays_privacy_blocked_until_parental_consent(sync_on):
    minor = ContactFactory(person=True, minor=True)
    assert minor.privacy_blocked
    minor.privacy_blocked = False
    minor.save()
    minor.refresh_from_db()
    assert minor.privacy_blocked
    with pytest.raises(ValidationError, match="privacy"):
        services.link_contact(minor, VendorFactory())
    minor.parental_consent_received = True
    minor.privacy_blocked = False
    minor.save()
    minor.refresh_from_db()
    assert not minor.privacy_blocked


def test_a_privacy_blocked_company_blocks_create_as_from_its_person(sync_on, numbered_partners):
    company = ContactFactory(privacy_blocked=True)
    person = ContactFactory(person=True, company=company)
    with pytest.raises(ValidationError, match="privacy"):
        services.create_partner_from_contact(person, "vendor")


# ---- marketing defaults -------------------------------------------------------------------------


def test_a_contact_typed_in_gets_marketing_setup_defaults(db):
    setup = MarketingSetup.load()
    setup.default_territory = TerritoryFactory(code="HOME")
    setup.default_language_code = "en"
    setup.save()
    contact = ContactFactory(territory=None, language_code="")
    assert (contact.territory.code, contact.language_code) == ("HOME", "en")


def test_full_clean_explains_why_a_linked_company_stays_a_company(sync_on):
    CustomerFactory()
    contact = Contact.objects.get()
    contact.type = ContactType.PERSON
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "cannot become a person" in str(error.value.message_dict["type"])


def test_the_type_of_a_contact_with_interactions_cannot_change(db):
    from tests.factories import InteractionLogEntryFactory

    contact = ContactFactory(name="Jo Bloggs")
    InteractionLogEntryFactory(contact=contact)
    contact.type = ContactType.PERSON
    with pytest.raises(ValidationError, match="interactions are logged"):
        contact.save()


def test_choosing_the_company_as_primary_contact_copies_its_phone_and_email(sync_on):
    customer = CustomerFactory(phone_no="", email="", mobile_phone_no="")
    company = Contact.objects.get()
    Contact.objects.filter(pk=company.pk).update(phone_no="+1 555 0333", email="hq@example.com",
                                                 mobile_phone_no="+1 555 0334")
    company.refresh_from_db()
    services.set_primary_contact(customer, company)
    customer.refresh_from_db()
    assert (customer.phone_no, customer.email, customer.mobile_phone_no) == (
        "+1 555 0333", "hq@example.com", "+1 555 0334")
    assert selectors.contact_of(customer) == company
