"""Contact cards (contacts.views.contacts): view, edit, bad input, concurrent edits, new, delete, query bounds.
(The partner cards: tests/partners/test_views.py.)"""

import pytest

from contacts.models import Contact
from tests import factories
from tests.screens import CONTACT_SCREEN_QUERIES, form_data


def contact_data(client, contact):
    return form_data(client.get(contact.get_absolute_url()).context["form"])


@pytest.fixture
def company(db):
    return factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", phone_no="+1 555 0100")


def test_contact_card_shows_persons_relations_panel_and_actions(sales, company):
    factories.ContactFactory(no="CT000011", person=True, first_name="Jo", surname="Walker", company=company)
    page = sales.get(company.get_absolute_url()).content.decode()
    assert "CT000011 Jo Walker" in page and "Add person" in page
    assert "Business relations" in page
    for label in ("Create as", "Link with existing", "Customer", "Change history"):
        assert label in page
    # Sales may not make vendors or bank accounts: those menu entries are not offered
    assert f"/contacts/{company.pk}/create-as/vendor/" not in page
    assert f"/contacts/{company.pk}/create-as/customer/" in page


def test_editing_a_contact_saves_and_returns_to_the_card(sales, company):
    data = contact_data(sales, company)
    data["phone_no"] = "+1 555 0199"
    response = sales.post(company.get_absolute_url(), data)
    assert response.status_code == 302 and response["Location"] == company.get_absolute_url()
    company.refresh_from_db()
    assert company.phone_no == "+1 555 0199"
    assert "Contact CT000010 saved." in sales.get(company.get_absolute_url()).content.decode()


@pytest.mark.parametrize("field, value, message", [
    ("phone_no", "call me maybe", "A phone number may contain only digits"),
    ("email", "not-an-email", "Enter a valid email address"),
    ("country_code", "XX", "Select a valid choice"),
    ("currency_code", "ABC", "ISO 4217"),
    ("language_code", "!!", "language tag"),
    ("name", "", "A company needs a name."),
    ("type", "robot", "Select a valid choice"),
])
def test_bad_input_on_the_contact_card_is_refused_with_a_message_and_nothing_saved(sales, company, field, value,
                                                                                   message):
    data = contact_data(sales, company)
    data[field] = value
    response = sales.post(company.get_absolute_url(), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = Contact.objects.get(pk=company.pk)
    assert (fresh.name, fresh.phone_no, fresh.version) == ("Fabrikam Inc.", "+1 555 0100", company.version)


def test_a_person_with_an_unknown_company_number_is_refused(sales, company):
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker")
    data = contact_data(sales, person)
    data["company"] = "CT999999"
    response = sales.post(person.get_absolute_url(), data)
    assert "No company contact CT999999 exists." in response.content.decode()
    assert Contact.objects.get(pk=person.pk).company_id is None


def test_a_company_cannot_be_put_under_another_company(sales, company):
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker")
    data = contact_data(sales, person)
    data.update(type="company", company="CT000010")
    response = sales.post(person.get_absolute_url(), data)
    assert "A company contact cannot belong to another company." in response.content.decode()
    assert Contact.objects.get(pk=person.pk).type == "person"


def test_a_company_card_shows_no_person_fields(sales, company):
    form = sales.get(company.get_absolute_url()).context["form"]
    assert "surname" not in form.fields and "company" not in form.fields


def test_a_persons_name_is_made_from_its_parts(sales, company):
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker")
    data = contact_data(sales, person)
    data.update(first_name="Joanna", middle_name="M.", company="CT000010")
    assert sales.post(person.get_absolute_url(), data).status_code == 302
    person.refresh_from_db()
    assert person.name == "Joanna M. Walker" and person.company_id == company.pk


def test_a_save_over_someone_elses_newer_save_is_refused_with_the_current_values(sales, company):
    data = contact_data(sales, company)  # rendered at version n
    other = Contact.objects.get(pk=company.pk)
    other.phone_no = "+1 555 0777"
    other.save()  # someone else saves: version n+1
    data["phone_no"] = "+1 555 0199"
    response = sales.post(company.get_absolute_url(), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved contact CT000010 while you were editing it" in page
    assert 'value="+1 555 0777"' in page  # the current value is shown
    assert Contact.objects.get(pk=company.pk).phone_no == "+1 555 0777"  # nothing overwritten


def test_a_form_without_its_version_is_refused(sales, company):
    data = contact_data(sales, company)
    del data["version"]
    response = sales.post(company.get_absolute_url(), data)
    assert "missing its version" in response.content.decode()


def test_a_user_who_may_only_view_gets_a_read_only_card_and_403_on_save(client, roles, company):
    from django.contrib.auth.models import Permission

    viewer = factories.UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(viewer)
    page = client.get(company.get_absolute_url()).content.decode()
    assert "disabled" in page and ">Save<" not in page
    assert client.post(company.get_absolute_url(), {"name": "Hacked"}).status_code == 403
    assert Contact.objects.get(pk=company.pk).name == "Fabrikam Inc."


def test_new_person_form_starts_with_the_company_and_creates_the_person(sales, company, sync_on):
    page = sales.get("/contacts/new/?type=person&company=CT000010").content.decode()
    assert 'value="CT000010"' in page
    data = form_data(sales.get("/contacts/new/?type=person&company=CT000010").context["form"])
    data.update(first_name="Ann", surname="Lee", company="CT000010", type="person")
    response = sales.post("/contacts/new/", data)
    person = Contact.objects.get(surname="Lee")
    assert response["Location"] == person.get_absolute_url()
    assert person.no.startswith("CT") and person.company_id == company.pk and person.name == "Ann Lee"


def test_a_new_contact_without_a_number_series_is_refused_with_the_reason(sales, db):
    data = form_data(sales.get("/contacts/new/").context["form"])
    data.update(name="Nowhere Ltd.")
    response = sales.post("/contacts/new/", data)
    assert response.status_code == 200
    assert "Contact Nos." in response.content.decode()
    assert not Contact.objects.filter(name="Nowhere Ltd.").exists()


def test_delete_confirmation_lists_the_persons_deleted_with_the_company(sales, company):
    factories.ContactFactory(no="CT000011", person=True, first_name="Jo", surname="Walker", company=company)
    page = sales.get(f"/contacts/{company.pk}/delete/").content.decode()
    assert "CT000011 Jo Walker" in page and "persons are deleted with it" in page
    response = sales.post(f"/contacts/{company.pk}/delete/")
    assert response["Location"] == "/contacts/"
    assert not Contact.objects.filter(no__in=["CT000010", "CT000011"]).exists()


def test_deleting_needs_the_delete_permission(finance, company):
    assert finance.get(f"/contacts/{company.pk}/delete/").status_code == 403
    assert finance.post(f"/contacts/{company.pk}/delete/").status_code == 403
    assert Contact.objects.filter(pk=company.pk).exists()


def test_contact_card_stays_within_the_query_bound_whatever_its_persons_and_history(sales, company, queries):
    first = queries(sales, company.get_absolute_url(), CONTACT_SCREEN_QUERIES)
    for _ in range(8):
        factories.ContactFactory(person=True, company=company)
        company.save()
    assert queries(sales, company.get_absolute_url(), CONTACT_SCREEN_QUERIES) == first
    queries(sales, company.persons.first().get_absolute_url(), CONTACT_SCREEN_QUERIES)


def test_history_panel_lists_field_changes_with_who_and_the_synchronization_source(sales, sales_user, sync_on,
                                                                                   numbered_partners):
    from contacts.models import ContactBusinessRelation

    customer = factories.CustomerFactory(name="Northwind", phone_no="+47 555 0100")  # gets a linked contact
    contact = ContactBusinessRelation.objects.get(customer=customer).contact
    data = contact_data(sales, contact)
    data["phone_no"] = "+47 555 0199"
    sales.post(contact.get_absolute_url(), data)
    contact_page = sales.get(contact.get_absolute_url()).content.decode()
    assert "Phone no.: <del>+47 555 0100</del> → <ins>+47 555 0199</ins>" in contact_page
    assert "sally" in contact_page.split('id="history-panel"')[1]
    customer_page = sales.get(customer.get_absolute_url()).content.decode()
    history = customer_page.split('id="history-panel"')[1]
    assert "+47 555 0199" in history and f"Synchronized from contact {contact.no}" in history


def test_the_server_error_page_is_friendly(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content


def test_new_contact_and_delete_pages_stay_within_the_query_bound(sales, company, queries):
    queries(sales, "/contacts/new/?type=person", CONTACT_SCREEN_QUERIES)
    first = queries(sales, f"/contacts/{company.pk}/delete/", CONTACT_SCREEN_QUERIES)
    for _ in range(4):
        factories.ContactFactory(person=True, company=company)
    assert queries(sales, f"/contacts/{company.pk}/delete/", CONTACT_SCREEN_QUERIES) == first
