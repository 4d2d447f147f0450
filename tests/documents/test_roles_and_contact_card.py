"""Roles (Sales → sales documents, Purchasing → purchase documents) and the pieces on the contact card."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from crm.roles import create_roles
from documents.models import SalesHeader
from documents.services import record_interaction, render_pdf, sales_document_from_contact
from tests.documents.conftest import person_of
from tests.factories import ContactFactory, InteractionTemplateFactory, UserFactory, interaction_template_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def role_client(client):
    create_roles(apps)

    def login(role):
        user = UserFactory(username=role.lower())
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize(("role", "sales", "purchase"), [("Sales", 200, 403), ("Purchasing", 403, 200),
                                                         ("Finance", 403, 403), ("Administrators", 200, 200)])
def test_each_role_sees_its_own_documents(role_client, role, sales, purchase):
    client = role_client(role)
    assert client.get(reverse("documents:sales-list")).status_code == sales
    assert client.get(reverse("documents:purchase-list")).status_code == purchase


def test_signed_out_users_are_sent_to_the_login(client):
    response = client.get(reverse("documents:sales-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_contact_card_offers_new_sales_documents_to_sales_staff(role_client, document_setup, customer_company):
    body = role_client("Sales").get(customer_company[0].get_absolute_url()).content.decode()
    for label in ("New sales quote", "New sales order", "New blanket order"):
        assert label in body
    assert "New purchase order" not in body
    assert reverse("documents:from-contact", args=[customer_company[0].pk, "sales", "quote"]) in body


def test_the_contact_card_offers_new_purchase_documents_to_purchasing_staff(role_client, document_setup,
                                                                            vendor_company):
    body = role_client("Purchasing").get(vendor_company[0].get_absolute_url()).content.decode()
    assert "New purchase quote" in body and "New purchase order" in body and "New sales quote" not in body


def test_a_refused_document_comes_back_to_the_contact_card_in_plain_words(role_client, document_setup):
    contact = ContactFactory(no="KT000444", name="Prospect Ltd")
    response = role_client("Sales").post(reverse("documents:from-contact", args=[contact.pk, "sales", "order"]),
                                         follow=True)
    assert response.redirect_chain[-1][0] == contact.get_absolute_url()
    assert "Contact KT000444 Prospect Ltd is not related to a customer" in response.content.decode()
    assert not SalesHeader.objects.exists()


def test_the_company_card_shows_the_interactions_of_the_company_and_its_persons(role_client, document_setup,
                                                                                customer_company):
    interaction_template_setup(sales_quotes="SQUOTE")
    company = customer_company[0]
    person = person_of(company, name="Anna Smith")
    quote = sales_document_from_contact(person, "quote")
    render_pdf(quote, user=None)
    record_interaction(company, template=InteractionTemplateFactory(code="VISIT"), description="Visited them")
    body = role_client("Sales").get(company.get_absolute_url()).content.decode()
    assert 'id="interactions"' in body
    assert "SQUOTE" in body and quote.no in body and "Anna Smith" in body and "Visited them" in body
    assert "Record interaction" in body and "Send e-mail" in body
