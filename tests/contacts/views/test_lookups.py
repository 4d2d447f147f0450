"""The number fields' lookup (crm.search.LookupInput): a person's company on the contact card, fed by
/contacts/lookup/ — suggestions as you type with htmx, a search page and form suggestions without JavaScript."""

import pytest

from contacts.models import Contact
from tests import factories
from tests.contacts.views.test_cards import contact_data
from tests.screens import HX


@pytest.fixture
def companies(db):
    return {
        "fabrikam": factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", city="Seattle"),
        "muller": factories.ContactFactory(no="CT000020", name="Müller GmbH", city="München"),
        "person": factories.ContactFactory(no="CT000030", person=True, first_name="Fabian", surname="Müller"),
    }


def test_a_persons_company_field_looks_up_companies_as_you_type(sales, companies):
    page = sales.get(companies["person"].get_absolute_url()).content.decode()
    assert 'list="id_company-options"' in page and '<datalist id="id_company-options">' in page
    assert 'hx-get="/contacts/lookup/?type=company&amp;field=company"' in page


def test_the_contact_lookup_answers_htmx_with_options_ignoring_case_and_accents(sales, companies):
    response = sales.get("/contacts/lookup/", {"type": "company", "field": "company", "company": "MULLER"},
                         headers={**HX, "HX-Target": "id_company-options"})
    html = response.content.decode()
    assert html.strip() == '<option value="CT000020">Müller GmbH · München</option>'  # companies only
    everyone = sales.get("/contacts/lookup/", {"field": "contact_no", "contact_no": "müller"}, headers=HX)
    assert "CT000020" in everyone.content.decode() and "CT000030" in everyone.content.decode()


def test_without_javascript_the_contact_lookup_is_a_search_page(sales, companies):
    page = sales.get("/contacts/lookup/", {"type": "company", "q": "fabri"}).content.decode()
    assert "<html" in page and "Find a company contact" in page
    assert "CT000010" in page and "Fabrikam Inc. · Seattle" in page and 'name="type" value="company"' in page


def test_a_company_name_typed_into_the_number_field_is_refused_with_suggestions(sales, companies):
    person = companies["person"]
    data = contact_data(sales, person)
    data["company"] = "fabrikam"
    page = sales.post(person.get_absolute_url(), data).content.decode()
    assert "No company contact fabrikam exists." in page and "Pick one of the suggestions" in page
    assert '<option value="CT000010">Fabrikam Inc. · Seattle</option>' in page
    assert Contact.objects.get(pk=person.pk).company_id is None
    data["company"] = "CT000010"
    sales.post(person.get_absolute_url(), data)
    assert Contact.objects.get(pk=person.pk).company_id == companies["fabrikam"].pk


def test_the_contact_lookup_needs_the_right_to_see_contacts(client, nobody, companies):
    client.force_login(nobody)
    assert client.get("/contacts/lookup/", {"q": "fabrikam"}).status_code == 403
