"""A customer's or vendor's ``contact`` text and the link's primary contact (reference §6.3)."""

import pytest

from contacts.models import Contact, ContactBusinessRelation
from partners.models import ContactType
from tests.factories import ContactFactory, CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [CustomerFactory, VendorFactory])
def test_typing_the_first_contact_text_creates_a_person_under_the_linked_company(sync_on, factory):
    partner = factory(name="Fabrikam Inc.")
    company = Contact.objects.get()
    partner.contact = "Jim Olive"
    partner.save()
    person = Contact.objects.get(type=ContactType.PERSON)
    assert (person.company, person.first_name, person.surname) == (company, "Jim", "Olive")
    assert person.phone_no == company.phone_no  # inherited
    assert partner.contact_links.get().primary_contact == person
    assert person.contact_business_relation == company.contact_business_relation


def test_a_later_contact_text_creates_nothing(sync_on):
    customer = CustomerFactory(contact="Jim Olive")
    assert Contact.objects.count() == 2
    customer.contact = "Someone Else"
    customer.save()
    assert Contact.objects.count() == 2


def test_renaming_the_primary_person_updates_the_partners_contact_text(sync_on):
    customer = CustomerFactory(contact="Jim Olive")
    person = Contact.objects.get(type=ContactType.PERSON)
    person.surname = "Oliver"
    person.save()
    customer.refresh_from_db()
    assert customer.contact == "Jim Oliver"


def test_deleting_the_primary_person_clears_the_contact_text(sync_on):
    customer = CustomerFactory(contact="Jim Olive")
    Contact.objects.get(type=ContactType.PERSON).delete()
    customer.refresh_from_db()
    assert customer.contact == ""
    assert customer.contact_links.get().primary_contact is None


def test_a_person_customer_gets_no_person_under_its_person_contact(sync_on):
    customer = CustomerFactory(contact_type=ContactType.PERSON, name="Ann Smith")
    customer.contact = "Somebody"
    customer.save()
    assert Contact.objects.count() == 1


def test_an_unlinked_partners_contact_text_creates_nothing(db):
    customer = CustomerFactory()
    customer.contact = "Jim Olive"
    customer.save()
    assert not Contact.objects.exists()
    assert not ContactBusinessRelation.objects.exists()


def test_person_edits_do_not_change_the_companys_customer(sync_on):
    customer = CustomerFactory(contact="Jim Olive")
    person = Contact.objects.get(type=ContactType.PERSON)
    phone = customer.phone_no
    person.phone_no = "+1 555 0999"
    person.save()
    customer.refresh_from_db()
    assert customer.phone_no == phone
    assert ContactFactory  # factories imported for symmetry with other modules


def test_setting_a_person_of_the_linked_company_as_primary_contact_sets_the_text(sync_on):
    from contacts import services

    customer = CustomerFactory()
    company = Contact.objects.get()
    person = ContactFactory(person=True, company=company, name="Ann Smith", no="P-ANN")
    services.set_primary_contact(customer, person)
    customer.refresh_from_db()
    assert customer.contact == "Ann Smith"
    assert customer.contact_links.get().primary_contact == person


def test_a_person_of_another_company_is_not_related(sync_on):
    from django.core.exceptions import ValidationError

    from contacts import services

    customer = CustomerFactory()
    stranger = ContactFactory(person=True, company=ContactFactory(no="X-CO"), name="Al Other", no="X-AL")
    with pytest.raises(ValidationError, match="is not related to customer"):
        services.set_primary_contact(customer, stranger)


def test_a_new_customer_with_an_invalid_email_is_refused_when_its_contact_is_made(sync_on):
    from django.core.exceptions import ValidationError

    from partners.models import Customer

    with pytest.raises(ValidationError, match="not a valid e-mail"):
        CustomerFactory(email="not-an-email")
    assert not Customer.objects.exists()
