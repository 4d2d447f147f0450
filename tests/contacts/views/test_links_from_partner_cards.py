"""The contacts app on the customer / vendor / bank account cards (contacts.views.links and partner_panel):
the Contact panel, Link with contact, Create contact, Unlink. (The cards themselves and their delete page:
tests/partners/test_views.py.)"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts import sync
from contacts.models import Contact, ContactBusinessRelation
from partners import kinds
from tests import factories
from tests.screens import HX, PARTNER_SCREEN_QUERIES


@pytest.fixture
def setup(sync_on, numbered_partners):
    return sync_on


def unlinked(factory, **kwargs):
    """A partner without a contact (made while synchronization is suspended)."""
    with sync.suspended():
        return factory(**kwargs)


def link_of(partner):
    return ContactBusinessRelation.objects.filter(**{sync.kind_of(partner): partner}).select_related("contact").first()


@pytest.fixture
def fabrikam(setup):
    return factories.ContactFactory(no="CT000100", name="Fabrikam Inc.", city="Seattle", phone_no="+1 555 0100",
                                    email="info@fabrikam.example")


@pytest.fixture
def northwind(setup):
    return unlinked(factories.CustomerFactory, no="C00010", name="Northwind Traders", city="Oslo",
                    phone_no="+47 555 0100", email="info@fabrikam.example")


def url(partner, action=""):
    return f"/{kinds.of(partner).word}/{partner.pk}/{action + '/' if action else ''}"


@pytest.mark.parametrize("name, action", [("contacts:partner-link", "link"), ("contacts:partner-unlink", "unlink"),
                                          ("contacts:partner-create-contact", "create-contact")])
@pytest.mark.parametrize("kind", kinds.KINDS.values(), ids=kinds.KINDS.keys())
def test_the_partner_card_dialogs_keep_the_partners_paths(name, action, kind):
    path = f"/{kind.word}/5/{action}/"
    assert reverse(name, args=[kind, 5]) == reverse(name, args=[kind.key, 5]) == path


def test_a_contact_link_of_the_partner_side_is_refused_for_an_unknown_kind_word(sales, setup):
    assert sales.get("/spaceships/5/link/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Link with contact
# ---------------------------------------------------------------------------------------------


def test_card_without_contact_offers_link_with_contact_next_to_create_contact(sales, northwind):
    page = sales.get(northwind.get_absolute_url()).content.decode()
    assert "Create contact" in page and "Link with contact" in page
    assert url(northwind, "link") in page


def test_link_with_contact_needs_the_partner_and_contact_change_rights(purchasing, northwind, fabrikam):
    assert purchasing.get(url(northwind, "link")).status_code == 403
    response = purchasing.post(url(northwind, "link"), {"contact": fabrikam.pk})
    assert response.status_code == 403
    assert link_of(northwind) is None


def test_card_of_a_user_who_may_not_link_offers_no_link(client, northwind, roles):
    user = factories.UserFactory(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(user)
    page = client.get(northwind.get_absolute_url()).content.decode()
    assert "Link with contact" not in page and ">Delete<" not in page
    assert client.get(url(northwind, "link")).status_code == 403


def test_contact_search_answers_htmx_with_the_results_fragment_and_plain_requests_with_the_page(sales, northwind,
                                                                                                 fabrikam):
    fragment = sales.get(url(northwind, "link"), {"q": "fabrikam"}, headers={**HX, "HX-Target": "link-results"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="link-results">') and "<html" not in html
    assert "CT000100" in html and "Choose" in html
    page = sales.get(url(northwind, "link"), {"q": "fabrikam"}).content.decode()
    assert "<html" in page and "CT000100" in page


def test_contact_search_opens_with_the_partners_name_and_lists_selectable_contacts_before_linked_ones(
        sales, northwind):
    taken = factories.CustomerFactory(name="Northwind Traders Oslo")  # linked to its own new contact
    taken_contact = Contact.objects.get(name="Northwind Traders Oslo")
    free = factories.ContactFactory(no="CT999999", name="Northwind Traders")
    factories.ContactFactory(no="CT000500", name="Contoso Ltd.")
    page = sales.get(url(northwind, "link")).content.decode()
    assert 'name="q" value="Northwind Traders"' in page and "CT000500" not in page
    assert page.index(free.no) < page.index(taken_contact.no)
    assert f"Linked to {taken.no}" in page


def test_preview_answers_htmx_with_the_preview_fragment(sales, northwind, fabrikam):
    fragment = sales.get(url(northwind, "link"), {"contact": fabrikam.pk},
                         headers={**HX, "HX-Target": "link-preview"}).content.decode()
    assert fragment.lstrip().startswith('<div id="link-preview">') and "<html" not in fragment
    assert 'data-field="name"' in fragment and 'data-field="city"' in fragment
    assert 'data-field="email"' not in fragment  # equal on both sides: not shown
    assert "Contact wins all" in fragment and "Customer wins all" in fragment


def test_customer_wins_all_preselects_the_customer_side(sales, northwind, fabrikam):
    page = sales.get(url(northwind, "link"), {"contact": fabrikam.pk, "all": "partner"}).content.decode()
    assert 'name="win_name" value="partner" checked' in page
    assert 'name="master" value="partner"' in page


def test_a_contact_already_linked_to_a_customer_is_shown_as_such_and_cannot_be_chosen(sales, northwind, setup):
    taken = factories.CustomerFactory(name="Taken Ltd")  # creates and links its own contact
    contact = link_of(taken).contact
    page = sales.get(url(northwind, "link"), {"q": contact.no}).content.decode()
    assert f"Linked to {taken.no} Taken Ltd" in page and "already linked" in page
    assert f"?contact={contact.pk}" not in page
    response = sales.post(url(northwind, "link"), {"contact": contact.pk})
    assert response.status_code == 200
    assert f"is already linked to customer {taken.no}" in response.content.decode()
    assert link_of(northwind) is None


def test_a_person_of_a_linked_company_is_shown_as_already_linked(sales, northwind, setup):
    taken = factories.CustomerFactory(name="Taken Ltd")
    person = factories.ContactFactory(person=True, company=link_of(taken).contact)
    page = sales.get(url(northwind, "link"), {"q": person.no}).content.decode()
    assert f"Linked to {taken.no} Taken Ltd" in page


def test_unknown_contact_id_is_a_plain_message_and_nothing_is_linked(sales, northwind):
    for bad in ("999999", "abc", "99999999999999999999999"):
        response = sales.post(url(northwind, "link"), {"contact": bad})
        assert response.status_code == 200
        assert "Choose a contact to link with." in response.content.decode()
    assert link_of(northwind) is None


def test_unknown_partner_is_404(sales, setup):
    assert sales.get("/customers/999999/link/").status_code == 404


def test_a_stand_alone_person_is_not_eligible_for_a_vendor(purchasing, setup):
    vendor = unlinked(factories.VendorFactory, name="Litware")
    person = factories.ContactFactory(person=True, first_name="Ann", surname="Lee")
    page = purchasing.get(url(vendor, "link"), {"q": "Ann Lee"}).content.decode()
    assert "person without a company" in page and f"?contact={person.pk}" not in page
    preview = purchasing.get(url(vendor, "link"), {"contact": person.pk}).content.decode()
    assert "is a person without a company: it cannot be linked to a vendor" in preview
    assert 'name="win_name"' not in preview
    response = purchasing.post(url(vendor, "link"), {"contact": person.pk})
    assert response.status_code == 200
    assert "is a person without a company" in response.content.decode()
    assert link_of(vendor) is None


def test_a_stand_alone_person_can_be_linked_to_a_customer(sales, northwind):
    person = factories.ContactFactory(person=True, first_name="Ann", surname="Lee")
    page = sales.get(url(northwind, "link"), {"q": "Ann Lee"}).content.decode()
    assert f"?contact={person.pk}" in page
    sales.post(url(northwind, "link"), {"contact": person.pk})
    assert link_of(northwind).contact == person


def test_a_person_with_a_company_links_the_vendor_through_its_company(purchasing, fabrikam):
    vendor = unlinked(factories.VendorFactory, name="Litware")
    person = factories.ContactFactory(person=True, company=fabrikam)
    response = purchasing.post(url(vendor, "link"), {"contact": person.pk})
    assert response.status_code == 302
    assert link_of(vendor).contact == fabrikam


def test_privacy_blocked_contact_is_refused_in_plain_words(sales, northwind, fabrikam):
    Contact.objects.filter(pk=fabrikam.pk).update(privacy_blocked=True)
    response = sales.post(url(northwind, "link"), {"contact": fabrikam.pk}, headers={**HX, "HX-Target": "link-preview"})
    html = response.content.decode()
    assert response.status_code == 200 and "blocked due to privacy" in html and "<html" not in html
    assert link_of(northwind) is None


def test_link_with_per_field_choices_makes_both_sides_equal_and_lands_on_the_card(sales, northwind, fabrikam):
    response = sales.post(url(northwind, "link"), {
        "contact": fabrikam.pk, "master": "contact", "win_name": "partner", "win_city": "contact",
        "win_phone_no": "partner"})
    assert response.status_code == 302 and response["Location"] == northwind.get_absolute_url()
    northwind.refresh_from_db()
    fabrikam.refresh_from_db()
    assert link_of(northwind).contact == fabrikam
    assert fabrikam.name == northwind.name == "Northwind Traders"  # partner's
    assert fabrikam.city == northwind.city == "Seattle"  # contact's
    assert fabrikam.phone_no == northwind.phone_no == "+47 555 0100"  # partner's
    assert fabrikam.contact_business_relation == "customer"
    card = sales.get(northwind.get_absolute_url()).content.decode()
    assert "Customer C00010 is now linked with contact CT000100 Northwind Traders." in card


def test_link_through_htmx_redirects_the_browser_to_the_card(sales, northwind, fabrikam):
    response = sales.post(url(northwind, "link"), {"contact": fabrikam.pk, "master": "partner"},
                          headers={**HX, "HX-Target": "link-preview"})
    assert response["HX-Redirect"] == northwind.get_absolute_url()
    fabrikam.refresh_from_db()
    assert fabrikam.name == "Northwind Traders" and fabrikam.city == "Oslo"


def test_bad_winner_value_is_a_plain_message(sales, northwind, fabrikam):
    response = sales.post(url(northwind, "link"), {"contact": fabrikam.pk, "win_name": "nobody"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert link_of(northwind) is None


def test_bank_account_links_with_a_company_contact(finance, setup):
    bank = unlinked(factories.BankAccountFactory, name="Woodgrove Bank")
    company = factories.ContactFactory(name="Woodgrove")
    response = finance.post(url(bank, "link"), {"contact": company.pk, "master": "partner"})
    assert response["Location"] == bank.get_absolute_url()
    company.refresh_from_db()
    assert company.name == "Woodgrove Bank" and company.contact_business_relation == "bank_account"


def test_link_pages_stay_within_the_query_bound_whatever_the_contacts(sales, northwind, fabrikam, queries):
    # Numbers of their own: the factory's sequence, shared by the whole run, may reach fabrikam's CT000100.
    for n in range(3):
        factories.ContactFactory(no=f"CT9001{n:02d}")
    first = queries(sales, url(northwind, "link"), PARTNER_SCREEN_QUERIES)
    for n in range(5):
        factories.ContactFactory(no=f"CT9002{n:02d}", person=True, company=fabrikam)
    assert queries(sales, url(northwind, "link"), PARTNER_SCREEN_QUERIES) == first
    queries(sales, url(northwind, "link"), PARTNER_SCREEN_QUERIES, data={"contact": fabrikam.pk},
            headers={**HX, "HX-Target": "link-preview"})


# ---------------------------------------------------------------------------------------------
# Unlink
# ---------------------------------------------------------------------------------------------


def test_unlink_from_the_card_keeps_both_records(sales, setup):
    customer = factories.CustomerFactory(name="Contoso")
    contact = link_of(customer).contact
    page = sales.get(customer.get_absolute_url()).content.decode()
    assert url(customer, "unlink") in page and "Link with contact" not in page
    response = sales.post(url(customer, "unlink"))
    assert response["Location"] == customer.get_absolute_url()
    assert link_of(customer) is None
    contact.refresh_from_db()
    assert contact.contact_business_relation == "none"
    assert "is no longer linked with contact" in sales.get(customer.get_absolute_url()).content.decode()


def test_unlink_needs_post_and_rights(sales, purchasing, setup):
    customer = factories.CustomerFactory(name="Contoso")
    assert sales.get(url(customer, "unlink")).status_code == 405
    assert purchasing.post(url(customer, "unlink")).status_code == 403
    assert link_of(customer) is not None


def test_unlink_of_an_unlinked_partner_is_a_message(sales, northwind):
    response = sales.post(url(northwind, "unlink"), follow=True)
    assert "is not linked to a contact" in response.content.decode()
