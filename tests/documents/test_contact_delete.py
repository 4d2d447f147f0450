"""Deleting a contact that documents name: open documents refuse it, released ones stay without their contact
(documents answer contacts' ``contact_delete_consequences``)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from contacts import services
from contacts.models import Contact
from documents.models import PurchaseHeader, SalesHeader, Status
from tests import factories
from tests.documents.conftest import person_of

pytestmark = pytest.mark.django_db


def sales_document(document_type="quote", status=Status.OPEN, **kwargs):
    return SalesHeader.objects.create(document_type=document_type, status=status, **kwargs)


def test_deleting_a_contact_with_an_open_document_is_refused_naming_it(document_setup, customer_company):
    company, customer = customer_company
    order = sales_document("order", sell_to_customer=customer, sell_to_contact=company, bill_to_contact=company)
    with pytest.raises(ValidationError) as refused:
        services.delete_contact(company)
    assert f"Sales Order {order.no} is open and would lose its contact" in " ".join(refused.value.messages)
    order.refresh_from_db()
    assert order.sell_to_contact == company and Contact.objects.filter(pk=company.pk).exists()


def test_an_open_document_of_a_person_refuses_deleting_its_company(document_setup, vendor_company):
    company, vendor = vendor_company
    person = person_of(company, first_name="Jo", surname="Walker")
    quote = PurchaseHeader.objects.create(document_type="quote", buy_from_vendor=vendor, buy_from_contact=company,
                                          pay_to_contact=person)
    with pytest.raises(ValidationError, match=f"Purchase Quote {quote.no} is open"):
        services.delete_contact(company)
    assert Contact.objects.filter(pk__in=[company.pk, person.pk]).count() == 2


def test_released_documents_keep_their_name_and_address_when_the_contact_goes(document_setup, customer_company):
    company, customer = customer_company
    order = sales_document("order", status=Status.RELEASED, sell_to_customer=customer, sell_to_contact=company,
                           name="Fabrikam Inc.", city="Berlin")
    services.delete_contact(company)
    order.refresh_from_db()
    assert order.sell_to_contact is None and (order.name, order.city) == ("Fabrikam Inc.", "Berlin")


def test_delete_page_says_what_becomes_of_the_documents_and_refuses_with_links(document_setup, customer_company,
                                                                               sales):
    company, customer = customer_company
    released = sales_document("order", status=Status.RELEASED, sell_to_customer=customer, sell_to_contact=company)
    quote = sales_document(sell_to_contact=company)
    factories.InteractionLogEntryFactory(contact=company)
    url = f"/contacts/{company.pk}/delete/"

    page = sales.get(url).content.decode()
    assert f'<a href="{quote.get_absolute_url()}">Sales Quote {quote.no}</a> is open and would lose its contact' in page
    assert f"Sales Order {released.no}</a> is released: it keeps the name and address" in page
    assert f"Customer {customer.no}" in page and "1 logged interaction is deleted with it" in page
    assert 'type="submit" class="danger"' not in page  # nothing to confirm while it is refused

    response = sales.post(url)
    assert response.status_code == 200
    assert f"Contact {company.no} Fabrikam Inc. cannot be deleted" in response.content.decode()
    assert Contact.objects.filter(pk=company.pk).exists()

    SalesHeader.objects.filter(pk=quote.pk).update(status=Status.RELEASED)
    assert sales.post(url)["Location"] == "/contacts/"
    assert not Contact.objects.filter(pk=company.pk).exists()


def test_open_documents_protect_their_contact_on_every_path_even_the_admin(document_setup, customer_company,
                                                                          admin_user, client):
    company, customer = customer_company
    quote = sales_document(sell_to_contact=company)
    with pytest.raises(ProtectedError):
        company.delete()
    client.force_login(admin_user)
    page = client.get(f"/admin/contacts/contact/{company.pk}/delete/").content.decode()
    assert f"Sales Quote {quote.no}" in page and "protected" in page
    client.post(f"/admin/contacts/contact/{company.pk}/delete/", {"post": "yes"})
    assert Contact.objects.filter(pk=company.pk).exists()
