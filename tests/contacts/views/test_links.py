"""Create as, Link with existing, Unlink and Create contact, through the browser views (services do the work)."""

import re

import pytest

from contacts import services, sync
from contacts.models import Contact, ContactBusinessRelation
from partners.models import ContactType, Customer, Vendor
from tests import factories
from tests.screens import CONTACT_SCREEN_QUERIES, HX
from tests.contacts.views.test_cards import contact_data


@pytest.fixture
def setup(sync_on, numbered_partners):
    return sync_on


@pytest.fixture
def fabrikam(setup):
    return factories.ContactFactory(no="CT000100", name="Fabrikam Inc.", city="Seattle", phone_no="+1 555 0100")


def unlinked(factory, **kwargs):
    """A partner without a contact (made while synchronization is suspended)."""
    with sync.suspended():
        return factory(**kwargs)


def link_of(contact, kind):
    return ContactBusinessRelation.objects.filter(contact=contact, link_to_table=kind).first()


# ---------------------------------------------------------------------------------------------
# Create as
# ---------------------------------------------------------------------------------------------


def test_create_as_customer_with_the_only_fitting_template_preselected_lands_on_the_new_card(sales, fabrikam):
    template = factories.CustomerTemplateFactory(code="DOMESTIC", contact_type=ContactType.COMPANY)
    factories.CustomerTemplateFactory(code="PERSONS", contact_type=ContactType.PERSON)
    page = sales.get(f"/contacts/{fabrikam.pk}/create-as/customer/").content.decode()
    assert "DOMESTIC" in page and "PERSONS" not in page
    assert re.search(rf'name="template" value="{template.pk}"[^>]*checked', page)  # preselected
    response = sales.post(f"/contacts/{fabrikam.pk}/create-as/customer/", {"template": template.pk})
    customer = link_of(fabrikam, "customer").customer
    assert response["Location"] == customer.get_absolute_url()
    assert customer.name == "Fabrikam Inc." and customer.payment_terms_code == "14D"
    card = sales.get(customer.get_absolute_url()).content.decode()
    assert f"Customer {customer.no} Fabrikam Inc. created from contact CT000100." in card
    assert "CT000100 Fabrikam Inc." in card  # the linked contact on the card


def test_create_as_with_several_templates_makes_the_user_choose(sales, fabrikam):
    factories.CustomerTemplateFactory(code="DOMESTIC")
    factories.CustomerTemplateFactory(code="EXPORT")
    response = sales.post(f"/contacts/{fabrikam.pk}/create-as/customer/", {})
    assert "Choose a template: several fit this contact." in response.content.decode()
    assert not Customer.objects.exists()


def test_create_as_without_a_template_creates_the_customer_and_names_the_details_to_fill(sales, fabrikam):
    page = sales.get(f"/contacts/{fabrikam.pk}/create-as/customer/").content.decode()
    assert "No customer template fits this contact" in page
    response = sales.post(f"/contacts/{fabrikam.pk}/create-as/customer/", {}, follow=True)
    page = response.content.decode()
    assert "Invoicing and posting details to fill in" in page and "Customer posting group" in page
    assert Customer.objects.get().name == "Fabrikam Inc."


def test_create_as_vendor_from_a_person_with_a_company_creates_it_for_the_company(purchasing, fabrikam):
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker", company=fabrikam)
    page = purchasing.get(f"/contacts/{person.pk}/create-as/vendor/").content.decode()
    assert "the company of contact" in page
    purchasing.post(f"/contacts/{person.pk}/create-as/vendor/", {})
    assert link_of(fabrikam, "vendor").vendor.name == "Fabrikam Inc."


def test_create_as_vendor_from_a_stand_alone_person_is_refused_in_plain_words(purchasing, setup):
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker")
    page = purchasing.get(f"/contacts/{person.pk}/create-as/vendor/").content.decode()
    assert "person without a company" in page and "Create Vendor" not in page
    response = purchasing.post(f"/contacts/{person.pk}/create-as/vendor/", {})
    assert "person without a company" in response.content.decode()
    assert not Vendor.objects.exists()


def test_create_as_a_privacy_blocked_contact_shows_the_services_refusal(sales, fabrikam):
    Contact.objects.filter(pk=fabrikam.pk).update(privacy_blocked=True)
    response = sales.post(f"/contacts/{fabrikam.pk}/create-as/customer/", {})
    assert response.status_code == 200 and "blocked due to privacy" in response.content.decode()
    assert not Customer.objects.exists()


def test_create_as_needs_the_right_to_add_that_partner(sales, fabrikam):
    assert sales.get(f"/contacts/{fabrikam.pk}/create-as/vendor/").status_code == 403
    assert sales.post(f"/contacts/{fabrikam.pk}/create-as/vendor/").status_code == 403
    assert sales.get(f"/contacts/{fabrikam.pk}/create-as/spaceship/").status_code == 404


def test_create_as_page_stays_within_the_query_bound(sales, fabrikam, queries):
    factories.CustomerTemplateFactory(code="DOMESTIC")
    first = queries(sales, f"/contacts/{fabrikam.pk}/create-as/customer/", CONTACT_SCREEN_QUERIES)
    factories.CustomerTemplateFactory(code="EXPORT")
    assert queries(sales, f"/contacts/{fabrikam.pk}/create-as/customer/", CONTACT_SCREEN_QUERIES) == first


# ---------------------------------------------------------------------------------------------
# Link with existing
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def northwind(setup):
    return unlinked(factories.CustomerFactory, no="C00010", name="Northwind Traders", city="Oslo",
                    phone_no="+47 555 0100")


def test_link_search_lists_partners_and_marks_those_linked_elsewhere(sales, fabrikam, northwind):
    taken = factories.CustomerFactory(no="C00011", name="Northwind Taken")  # gets its own contact
    owner = link_of(Contact.objects.exclude(pk=fabrikam.pk).get(), "customer").contact
    page = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"q": "northwind"}).content.decode()
    assert "Northwind Traders" in page and "Northwind Taken" in page
    assert f"Linked to {owner.no}" in page
    assert f"?partner={northwind.pk}" in page and f"?partner={taken.pk}" not in page


def test_link_search_opens_with_the_contacts_name_and_lists_selectable_partners_before_linked_ones(
        sales, fabrikam, northwind):
    taken = factories.CustomerFactory(no="C00001", name="Fabrikam Inc.")  # linked to its own new contact
    free = unlinked(factories.CustomerFactory, no="C00020", name="Fabrikam Inc. West")
    page = sales.get(f"/contacts/{fabrikam.pk}/link/customer/").content.decode()
    assert 'name="q" value="Fabrikam Inc."' in page
    assert "Northwind Traders" not in page
    assert page.index(free.no) < page.index(taken.no)
    assert f"?partner={free.pk}" in page and f"?partner={taken.pk}" not in page
    everything = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"q": ""}).content.decode()
    assert "Northwind Traders" in everything and 'name="q" value=""' in everything


def test_link_search_from_a_persons_card_opens_with_its_companys_name(sales, fabrikam):
    jo = factories.ContactFactory(person=True, first_name="Jo", surname="Walker", company=fabrikam,
                                  company_name=fabrikam.name)
    page = sales.get(f"/contacts/{jo.pk}/link/customer/").content.decode()
    assert 'name="q" value="Fabrikam Inc."' in page


def test_link_search_as_you_type_returns_the_results_fragment(sales, fabrikam, northwind):
    response = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"q": "north"},
                         headers={**HX, "HX-Target": "link-results"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="link-results"') and "<html" not in content
    assert "Northwind Traders" in content


def test_link_search_pages_through_many_partners_keeping_the_search_and_the_results_target(sales, fabrikam):
    for n in range(12):
        unlinked(factories.CustomerFactory, no=f"C{n:05d}", name=f"Northwind Branch {n:02d}")
    first = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"q": "branch"}).content.decode()
    assert first.count("Northwind Branch") == 10
    assert 'href="?q=branch&amp;page=2"' in first
    assert re.search(r'<div hx-target="#link-results" hx-swap="outerHTML">\s*<nav class="pagination"', first)
    second = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"q": "branch", "page": 2},
                       headers={**HX, "HX-Target": "link-results"}).content.decode()
    assert second.count("Northwind Branch") == 2 and "Northwind Branch 11" in second


def test_link_preview_shows_the_differing_fields_side_by_side_contact_wins_by_default(sales, fabrikam, northwind):
    response = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"partner": northwind.pk},
                         headers={**HX, "HX-Target": "link-preview"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="link-preview"')
    assert "Fabrikam Inc." in content and "Northwind Traders" in content and "Oslo" in content
    assert 'name="win_name" value="contact" checked' in content
    assert 'name="win_name" value="partner">' in content
    assert "Customer wins all" in content and "Contact wins all" in content


def test_customer_wins_all_preselects_the_customer_side(sales, fabrikam, northwind):
    content = sales.get(f"/contacts/{fabrikam.pk}/link/customer/",
                        {"partner": northwind.pk, "all": "partner"}).content.decode()
    assert 'name="win_city" value="partner" checked' in content


def test_linking_applies_the_per_field_choice_and_returns_to_the_card(sales, fabrikam, northwind):
    response = sales.post(f"/contacts/{fabrikam.pk}/link/customer/", {
        "partner": northwind.pk, "master": "contact", "win_name": "contact", "win_city": "partner",
        "win_phone_no": "partner",
    })
    assert response["Location"] == fabrikam.get_absolute_url()
    fabrikam.refresh_from_db()
    northwind.refresh_from_db()
    assert (fabrikam.name, fabrikam.city, fabrikam.phone_no) == ("Fabrikam Inc.", "Oslo", "+47 555 0100")
    assert (northwind.name, northwind.city, northwind.phone_no) == ("Fabrikam Inc.", "Oslo", "+47 555 0100")
    assert link_of(fabrikam, "customer").customer == northwind
    page = sales.get(fabrikam.get_absolute_url()).content.decode()
    assert "is now linked with customer C00010" in page and 'href="/customers/' in page


def test_linking_with_htmx_redirects_the_browser_to_the_card(sales, fabrikam, northwind):
    response = sales.post(f"/contacts/{fabrikam.pk}/link/customer/", {"partner": northwind.pk},
                          headers={**HX, "HX-Target": "link-preview"})
    assert response["HX-Redirect"] == fabrikam.get_absolute_url()


def test_a_partner_linked_elsewhere_cannot_be_chosen_and_the_refusal_is_in_plain_words(sales, fabrikam):
    taken = factories.CustomerFactory(no="C00011", name="Taken Ltd.")  # linked to its automatic contact
    page = sales.get(f"/contacts/{fabrikam.pk}/link/customer/", {"partner": taken.pk}).content.decode()
    assert "is already linked to contact" in page and ">Link<" not in page
    response = sales.post(f"/contacts/{fabrikam.pk}/link/customer/", {"partner": taken.pk},
                          headers={**HX, "HX-Target": "link-preview"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("Customer C00011") >= 2  # the service's refusal and the preview's note
    assert "<p>Customer C00011 is already linked to contact" in content
    assert link_of(fabrikam, "customer") is None


@pytest.mark.parametrize("data, message", [
    ({}, "Choose a customer to link with."),
    ({"partner": "abc"}, "Choose a customer to link with."),
    ({"partner": "999999"}, "Choose a customer to link with."),
    ({"win_name": "nobody"}, "Select a valid choice"),
])
def test_bad_link_input_is_refused_with_a_message(sales, fabrikam, northwind, data, message):
    data = {"partner": northwind.pk, **data} if "partner" not in data and data else data
    response = sales.post(f"/contacts/{fabrikam.pk}/link/customer/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert link_of(fabrikam, "customer") is None


def test_link_dialog_stays_within_the_query_bound_whatever_the_partners(sales, fabrikam, northwind, queries):
    search = f"/contacts/{fabrikam.pk}/link/customer/?q=o"
    first = queries(sales, search, CONTACT_SCREEN_QUERIES)
    for i in range(5):
        unlinked(factories.CustomerFactory, name=f"Other {i}")
    factories.CustomerFactory(name="Other linked")  # with its own contact
    assert queries(sales, search, CONTACT_SCREEN_QUERIES) == first
    queries(sales, f"/contacts/{fabrikam.pk}/link/customer/?partner={northwind.pk}", CONTACT_SCREEN_QUERIES)


# ---------------------------------------------------------------------------------------------
# Unlink, Create contact
# ---------------------------------------------------------------------------------------------


def test_unlink_keeps_both_records(sales, fabrikam, northwind):
    services.link_contact(fabrikam, northwind)
    response = sales.post(f"/contacts/{fabrikam.pk}/unlink/customer/", follow=True)
    assert "no longer linked with a customer" in response.content.decode()
    assert link_of(fabrikam, "customer") is None
    assert Contact.objects.filter(pk=fabrikam.pk).exists() and Customer.objects.filter(pk=northwind.pk).exists()


def test_unlink_without_a_link_says_so(sales, fabrikam):
    response = sales.post(f"/contacts/{fabrikam.pk}/unlink/customer/", follow=True)
    assert "is not linked to a customer" in response.content.decode()


def test_unlink_is_post_only(sales, fabrikam):
    assert sales.get(f"/contacts/{fabrikam.pk}/unlink/customer/").status_code == 405


def test_create_contact_from_a_customer_card(sales, northwind):
    page = sales.get(northwind.get_absolute_url()).content.decode()
    assert "Create contact" in page
    response = sales.post(f"/customers/{northwind.pk}/create-contact/")
    contact = ContactBusinessRelation.objects.get(customer=northwind).contact
    assert response["Location"] == contact.get_absolute_url()
    assert contact.name == "Northwind Traders"
    card = sales.get(northwind.get_absolute_url()).content.decode()
    assert contact.no in card and "Create contact" not in card


def test_create_contact_for_a_customer_that_has_one_is_refused(sales, setup):
    customer = factories.CustomerFactory(name="Has One")  # automatic contact
    response = sales.post(f"/customers/{customer.pk}/create-contact/", follow=True)
    assert "already" in response.content.decode()
    assert ContactBusinessRelation.objects.filter(customer=customer).count() == 1


def test_linked_contact_card_shows_the_partner_in_the_relations_panel(sales, fabrikam, northwind, queries):
    unlinked_count = queries(sales, fabrikam.get_absolute_url(), CONTACT_SCREEN_QUERIES)
    services.link_contact(fabrikam, northwind)
    page = sales.get(fabrikam.get_absolute_url()).content.decode()
    assert f'href="{northwind.get_absolute_url()}"' in page and "Unlink" in page
    assert queries(sales, fabrikam.get_absolute_url(), CONTACT_SCREEN_QUERIES) == unlinked_count


def test_a_persons_card_shows_its_companys_relations(sales, fabrikam, northwind):
    services.link_contact(fabrikam, northwind)
    person = factories.ContactFactory(person=True, first_name="Jo", surname="Walker", company=fabrikam)
    page = sales.get(person.get_absolute_url()).content.decode()
    assert "Through the company" in page and f'href="{northwind.get_absolute_url()}"' in page


def test_a_linked_company_cannot_become_a_person_and_the_card_says_why(sales, fabrikam, northwind):
    services.link_contact(fabrikam, northwind)
    data = contact_data(sales, fabrikam)
    data["type"] = "person"
    response = sales.post(fabrikam.get_absolute_url(), data)
    assert response.status_code == 200
    assert "cannot become a person" in response.content.decode()
    assert Contact.objects.get(pk=fabrikam.pk).type == "company"
