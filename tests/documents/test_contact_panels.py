"""The documents pieces on the contact card: New … buttons, the contact's documents, its interactions."""

import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.test import RequestFactory

from documents.services import record_interaction, sales_document_from_contact
from tests.documents.conftest import person_of
from tests.factories import ContactFactory, InteractionTemplateFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(source, contact, *codenames):
    user = UserFactory(username="card-user")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load documents %}" + source).render(Context({"request": request, "contact": contact,
                                                                      "csrf_token": "tok"}))


def test_the_new_document_buttons_follow_the_users_permissions(document_setup):
    contact = ContactFactory()
    sales_only = render("{% contact_document_actions contact %}", contact, "add_salesheader")
    assert "New sales quote" in sales_only and "New blanket order" in sales_only
    assert "New purchase order" not in sales_only
    both = render("{% contact_document_actions contact %}", contact, "add_salesheader", "add_purchaseheader")
    assert "New purchase quote" in both and "New purchase order" in both
    assert 'value="tok"' in both


def test_a_company_card_shows_its_persons_interactions_and_documents(document_setup, customer_company):
    company = customer_company[0]
    person = person_of(company, name="Anna Smith")
    call = InteractionTemplateFactory(code="CALL")
    record_interaction(company, template=call, description="Company call")
    record_interaction(person, template=call, description="Anna's call")
    record_interaction(ContactFactory(), template=call, description="Someone else")
    quote = sales_document_from_contact(person, "quote")
    html = render("{% contact_panels contact %}", company, "view_salesheader", "add_interactionlogentry")
    assert "Company call" in html and "Anna&#x27;s call" in html and "Someone else" not in html
    assert quote.no in html
    assert "Record interaction" in html and "Send e-mail" in html


def test_a_persons_card_shows_only_its_own_interactions(customer_company):
    company = customer_company[0]
    person = person_of(company)
    call = InteractionTemplateFactory(code="CALL")
    record_interaction(company, template=call, description="Company call")
    html = render("{% contact_panels contact %}", person, "add_interactionlogentry")
    assert "Company call" not in html and "No interactions yet." in html
    assert 'id="documents-panel"' not in html  # no document permission: no documents panel


def test_a_privacy_blocked_contact_offers_no_interaction_forms(db):
    html = render("{% contact_panels contact %}", ContactFactory(privacy_blocked=True), "add_interactionlogentry")
    assert "Record interaction" not in html and "Privacy blocked" in html


def test_the_panels_take_a_fixed_number_of_queries(document_setup, customer_company, django_assert_num_queries):
    company = customer_company[0]
    call = InteractionTemplateFactory(code="CALL")
    for n in range(3):
        person = person_of(company)
        record_interaction(person, template=call, description=f"call {n}")
        sales_document_from_contact(person, "quote")
    user = UserFactory(username="counter")
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_salesheader", "view_purchaseheader", "add_interactionlogentry"]))
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load documents %}{% contact_panels contact %}")
    # permissions ×2 (cached after), interactions, templates for the form, sales and purchase documents
    with django_assert_num_queries(6):
        template.render(Context({"request": request, "contact": company}))
