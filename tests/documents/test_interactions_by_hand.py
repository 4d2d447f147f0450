"""Interactions recorded by hand or logged by the application: a description is required, and the entry is
under the acting user's salesperson, else the contact's (contacts.services.interaction_salesperson)."""

import pytest
from django.core.exceptions import ValidationError

from contacts.models import InteractionLogEntry
from documents.services import record_interaction, send_email_to_contact
from tests.factories import (
    ContactFactory,
    InteractionTemplateFactory,
    SalespersonFactory,
    UserFactory,
    interaction_template_setup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return UserFactory(username="sam", email="sam@our.example", first_name="Sam", last_name="Seller")


@pytest.mark.parametrize("description", ["", "   "])
def test_an_interaction_by_hand_without_a_description_is_refused_at_the_description(user, description):
    with pytest.raises(ValidationError) as refused:
        record_interaction(ContactFactory(), template=InteractionTemplateFactory(), description=description, user=user)
    assert list(refused.value.error_dict) == ["description"]
    assert not InteractionLogEntry.objects.exists()


def test_an_interaction_by_hand_is_recorded_under_the_acting_users_salesperson(user):
    contact = ContactFactory(salesperson=SalespersonFactory(code="SP-CONTACT"))
    own = SalespersonFactory(code="SP-ME", user=user)
    entry = record_interaction(contact, template=InteractionTemplateFactory(), description="Visit", user=user)
    assert entry.salesperson == own


def test_an_interaction_by_a_user_without_salesperson_takes_the_contacts(user):
    contact = ContactFactory(salesperson=SalespersonFactory(code="SP-CONTACT"))
    entry = record_interaction(contact, template=InteractionTemplateFactory(), description="Visit", user=user)
    assert entry.salesperson == contact.salesperson


def test_a_logged_interaction_is_recorded_under_the_acting_users_salesperson(user):
    interaction_template_setup(emails="EMAIL")
    contact = ContactFactory(email="ann@client.example", salesperson=SalespersonFactory(code="SP-CONTACT"))
    own = SalespersonFactory(code="SP-ME", user=user)
    send_email_to_contact(contact, subject="Hello", body="Hi", user=user)
    assert InteractionLogEntry.objects.get().salesperson == own
