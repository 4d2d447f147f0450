import pytest

from contacts.models import InteractionLogEntry
from contacts.services import log_interaction
from tests.factories import ContactFactory, UserFactory, interaction_template_setup


@pytest.mark.django_db
def test_nothing_is_logged_when_no_template_is_set_for_the_kind():
    assert log_interaction(ContactFactory(), "sales_quotes", document_no="SQ0001") is None
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.django_db
def test_an_entry_is_logged_under_the_kinds_template():
    interaction_template_setup(sales_quotes="SQUOTE")
    contact, user = ContactFactory(), UserFactory()
    entry = log_interaction(contact, "sales_quotes", document_no="SQ0001", user=user, document_type="sales_quote")
    assert (entry.contact, entry.template.code, entry.document_no, entry.user) == (contact, "SQUOTE", "SQ0001", user)
    assert entry.description == "Interaction SQUOTE"


@pytest.mark.django_db
def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown interaction kind"):
        log_interaction(ContactFactory(), "faxes")
