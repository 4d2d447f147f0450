"""Create contact from a partner card checks for duplicates first (Marketing Setup's autosearch decides) and
offers to link with the existing contact instead."""

import pytest

from contacts import sync
from contacts.duplicates import index as duplicates
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from tests import factories


@pytest.fixture
def existing(sync_on, numbered_partners):
    contact = factories.ContactFactory(no="CT900100", name="Fabrikam Inc.", city="Seattle", phone_no="+1 555 0100",
                                       email="info@fabrikam.example", country_code="US")
    duplicates.index_contact(contact)
    return contact


@pytest.fixture
def customer(existing):
    with sync.suspended():  # a customer without a contact, identical to the existing contact
        return factories.CustomerFactory(no="C00010", name="Fabrikam Inc.", city="Seattle", phone_no="+1 555 0100",
                                         email="info@fabrikam.example", country_code="US")


def create_contact(client, customer, **data):
    return client.post(f"/customers/{customer.pk}/create-contact/", data)


def test_create_contact_of_a_partner_like_an_existing_contact_asks_first(sales, existing, customer):
    response = create_contact(sales, customer)
    assert response.status_code == 200
    page = response.content.decode()
    assert "CT900100 Fabrikam Inc." in page and "Create anyway" in page
    assert f'href="/customers/{customer.pk}/link/?contact={existing.pk}"' in page
    assert "Link with CT900100 instead" in page
    assert Contact.objects.count() == 1 and not ContactBusinessRelation.objects.exists()


def test_link_instead_opens_the_link_dialog_with_the_existing_contact_chosen(sales, existing, customer):
    page = sales.get(f"/customers/{customer.pk}/link/?contact={existing.pk}").content.decode()
    assert 'name="contact"' in page and f'value="{existing.pk}"' in page


def test_create_anyway_creates_the_contact(sales, existing, customer):
    response = create_contact(sales, customer, anyway="1")
    assert response.status_code == 302
    link = ContactBusinessRelation.objects.get(customer=customer)
    assert link.contact != existing and link.contact.name == "Fabrikam Inc."


def test_with_autosearch_off_the_contact_is_created_without_asking(sales, existing, customer):
    setup = MarketingSetup.load()
    setup.autosearch_for_duplicates = False
    setup.save()
    assert create_contact(sales, customer).status_code == 302
    assert ContactBusinessRelation.objects.filter(customer=customer).exists()


def test_a_partner_like_no_contact_is_created_at_once(sales, existing):
    with sync.suspended():
        other = factories.CustomerFactory(name="Northwind Traders", city="Oslo", phone_no="+47 555 0199",
                                          email="info@northwind.example")
    assert create_contact(sales, other).status_code == 302
    assert ContactBusinessRelation.objects.filter(customer=other).exists()


def test_a_lookalike_already_linked_to_a_customer_is_shown_but_not_offered_for_linking(sales, existing, customer):
    with sync.suspended():
        linked = factories.CustomerFactory(no="C00020")
        ContactBusinessRelation.objects.create(contact=existing, link_to_table="customer", customer=linked,
                                               business_relation=MarketingSetup.load().code_for("customer"))
    page = create_contact(sales, customer).content.decode()
    assert "already linked to customer C00020" in page and "Link with CT900100 instead" not in page
