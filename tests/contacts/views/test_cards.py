"""Contact cards (contacts.views.contacts): view, edit, bad input, concurrent edits, new, delete, query bounds.
(The partner cards: tests/partners/test_views.py.)"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from contacts.models import Contact, ContactBusinessRelation
from crm import concurrency
from tests import factories
from tests.screens import CONTACT_SCREEN_QUERIES, form_data


def contact_data(client, contact):
    return form_data(client.get(contact.get_absolute_url()).context["form"])


@pytest.fixture
def another_seller(roles):
    """A second salesperson in their own browser: Ben."""
    ben = factories.UserFactory(username="ben", first_name="Ben")
    ben.groups.add(Group.objects.get(name="Sales"))
    client = Client()
    client.force_login(ben)
    return client


@pytest.fixture
def company(db):
    return factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", phone_no="+1 555 0100")


def test_contact_card_shows_persons_relations_panel_and_actions(sales, company):
    factories.marketing_setup()
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


def test_a_stale_save_of_another_field_is_merged_and_saved_with_what_was_merged(sales, company, another_seller):
    data = contact_data(sales, company)  # Sally's form, at version n
    ben_data = contact_data(another_seller, company)
    ben_data["phone_no"] = "+1 555 0777"
    assert another_seller.post(company.get_absolute_url(), ben_data).status_code == 302  # Ben saves first: n+1
    data["email"] = "sales@fabrikam.example"
    response = sales.post(company.get_absolute_url(), data, follow=True)
    fresh = Contact.objects.get(pk=company.pk)
    assert (fresh.phone_no, fresh.email) == ("+1 555 0777", "sales@fabrikam.example")  # both changes kept
    page = response.content.decode()
    assert "Contact CT000010 saved." in page
    assert re.search(r"Ben changed the phone no\. at \d\d:\d\d while you were editing; your change of the e-mail "
                     r"was saved on top of it\.", page)


def test_a_stale_save_of_the_same_field_shows_both_values_then_saves_the_chosen_one(sales, company, another_seller):
    data = contact_data(sales, company)
    ben_data = contact_data(another_seller, company)
    ben_data.update(phone_no="+1 555 0777", city="Redmond")
    another_seller.post(company.get_absolute_url(), ben_data)
    data.update(phone_no="+1 555 0199", email="sales@fabrikam.example")
    response = sales.post(company.get_absolute_url(), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "You both changed the phone no.: choose below whether to keep your value or take theirs" in page
    conflict = page.split('id="conflict-phone_no"')[1].split("</fieldset>")[0]
    assert "Keep mine: <strong class=\"mine\">+1 555 0199</strong>" in conflict
    assert "Take theirs: <strong class=\"theirs\">+1 555 0777</strong>" in conflict
    form = response.context["form"]
    assert form["phone_no"].value() == "+1 555 0199"  # the user's value stays in the field
    assert form["email"].value() == "sales@fabrikam.example" and form["city"].value() == "Redmond"  # merged
    fresh = Contact.objects.get(pk=company.pk)
    assert (fresh.phone_no, fresh.email) == ("+1 555 0777", company.email)  # nothing saved yet
    assert form["version"].value() == str(fresh.version)  # the next save compares with the current version

    again = {**form_data(form), "resolve-phone_no": "theirs"}
    assert sales.post(company.get_absolute_url(), again).status_code == 302
    fresh = Contact.objects.get(pk=company.pk)
    assert (fresh.phone_no, fresh.email, fresh.city) == ("+1 555 0777", "sales@fabrikam.example", "Redmond")


def test_keeping_mine_on_a_conflict_saves_the_users_value(sales, company, another_seller):
    data = contact_data(sales, company)
    ben_data = contact_data(another_seller, company)
    ben_data["phone_no"] = "+1 555 0777"
    another_seller.post(company.get_absolute_url(), ben_data)
    data["phone_no"] = "+1 555 0199"
    form = sales.post(company.get_absolute_url(), data).context["form"]
    assert sales.post(company.get_absolute_url(), {**form_data(form), "resolve-phone_no": "mine"}).status_code == 302
    assert Contact.objects.get(pk=company.pk).phone_no == "+1 555 0199"


def test_a_stale_save_names_the_customer_synchronization_made_the_newer_version(sales, another_seller, sync_on,
                                                                              numbered_partners):
    customer = factories.CustomerFactory(name="Northwind", phone_no="+47 555 0100")  # gets a linked contact
    contact = ContactBusinessRelation.objects.get(customer=customer).contact
    data = contact_data(sales, contact)
    customer_data = form_data(another_seller.get(customer.get_absolute_url()).context["form"])
    customer_data["phone_no"] = "+47 555 0777"
    assert another_seller.post(customer.get_absolute_url(), customer_data).status_code == 302  # reaches the contact
    data["email"] = "orders@northwind.example"
    page = sales.post(contact.get_absolute_url(), data, follow=True).content.decode()
    fresh = Contact.objects.get(pk=contact.pk)
    assert (fresh.phone_no, fresh.email) == ("+47 555 0777", "orders@northwind.example")
    assert re.search(rf"The phone no\. was synchronized from customer {customer.no} at \d\d:\d\d \(changed there by "
                     r"Ben\) while you were editing; your change of the e-mail was saved on top of it\.", page)


def test_a_stale_save_of_a_person_merges_the_name_parts_and_makes_the_name_from_them(sales, company, another_seller):
    person = factories.ContactFactory(no="CT000011", person=True, first_name="Jo", surname="Walker", company=company)
    data = contact_data(sales, person)
    ben_data = contact_data(another_seller, person)
    ben_data["surname"] = "Smith"
    assert another_seller.post(person.get_absolute_url(), ben_data).status_code == 302
    data.update(first_name="Joanna", job_title="Buyer")
    assert sales.post(person.get_absolute_url(), data).status_code == 302
    fresh = Contact.objects.get(pk=person.pk)
    assert (fresh.name, fresh.job_title) == ("Joanna Smith", "Buyer")


def test_a_stale_save_that_changed_nothing_saves_nothing_and_shows_the_current_values(sales, company, another_seller):
    data = contact_data(sales, company)
    ben_data = contact_data(another_seller, company)
    ben_data["phone_no"] = "+1 555 0777"
    another_seller.post(company.get_absolute_url(), ben_data)
    version = Contact.objects.get(pk=company.pk).version
    response = sales.post(company.get_absolute_url(), data)
    assert "You had changed nothing, so nothing was saved" in response.content.decode()
    assert response.context["form"]["phone_no"].value() == "+1 555 0777"
    assert Contact.objects.get(pk=company.pk).version == version


def test_a_stale_form_without_its_original_values_asks_about_every_field_that_differs(sales, company):
    data = contact_data(sales, company)
    del data["original"]  # e.g. a page rendered before the form carried them
    other = Contact.objects.get(pk=company.pk)
    other.phone_no = "+1 555 0777"
    other.save()
    data["email"] = "sales@fabrikam.example"
    response = sales.post(company.get_absolute_url(), data)
    assert set(response.context["form"].conflicts) == {"phone_no", "email"}  # nothing overwritten blindly
    assert Contact.objects.get(pk=company.pk).phone_no == "+1 555 0777"


def test_a_save_of_a_contact_deleted_meanwhile_says_so(sales, company, monkeypatch):
    data = contact_data(sales, company)
    data["phone_no"] = "+1 555 0199"
    save = concurrency.save_if_unchanged

    def deleted_meanwhile(form, version):  # someone deletes the contact after the card was read, before the save
        Contact.objects.filter(pk=form.instance.pk).delete()
        return save(form, version)

    monkeypatch.setattr(concurrency, "save_if_unchanged", deleted_meanwhile)
    response = sales.post(company.get_absolute_url(), data, follow=True)
    assert response.redirect_chain[-1][0] == "/contacts/"
    assert ("Someone else deleted contact CT000010 while you were editing it. Your changes were not saved."
            in response.content.decode())


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
