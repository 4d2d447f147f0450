"""The admin validates business relation rows and Marketing Setup as the services do (issue 11, item 13):
a Marketing Setup code only with the partner of its kind, a primary contact only from the linked company
and one that becomes the partner's contact text, no autosearch for duplicates without search strings."""

import pytest
from django.urls import reverse

from contacts import services
from contacts.models import BusinessRelation, ContactBusinessRelation, MarketingSetup
from tests import factories
from tests.admin_forms import admin_form_data

ROWS = "business_relations"


@pytest.fixture
def linked(db):
    """Contact Fabrikam linked to customer C1 (through the services), with its person Jo Walker."""
    company = factories.ContactFactory(no="CT000010", name="Fabrikam Inc.")
    customer = factories.CustomerFactory(no="C1", name="Fabrikam Inc.")
    factories.marketing_setup()
    services.link_contact(company, customer)
    person = factories.ContactFactory(no="CT000011", person=True, first_name="Jo", surname="Walker", company=company)
    return company, customer, person


@pytest.fixture
def unlinked(db):
    """Contact Contoso and customer C1, vendor V1, bank account B1, none linked; synchronization on."""
    partners = (factories.ContactFactory(no="CT000010", name="Contoso Ltd"), factories.CustomerFactory(no="C1"),
                factories.VendorFactory(no="V1"), factories.BankAccountFactory(no="B1", name="First Bank"))
    return factories.marketing_setup(), *partners


def add_relation_url():
    return reverse("admin:contacts_contactbusinessrelation_add")


def change_relation_url(link):
    return reverse("admin:contacts_contactbusinessrelation_change", args=[link.pk])


def page(response):
    return response.content.decode()


# ---- (a) a Marketing Setup code on a row typed by hand ------------------------------------------------


def test_the_customers_code_without_a_customer_is_refused_and_points_to_link_with_existing(admin_client, sync_on):
    contact = factories.ContactFactory(no="CT000010", name="Contoso Ltd")
    response = admin_client.post(add_relation_url(), {
        "contact": contact.pk, "business_relation": sync_on.bus_rel_code_for_customers.pk, "link_to_table": ""})
    assert response.status_code == 200
    assert ("CUST is the business relation code Marketing Setup uses for customers: it comes with the link to a "
            "customer. Use Link with existing on the contact card") in page(response)
    assert not ContactBusinessRelation.objects.exists()


@pytest.mark.parametrize("code_field, word", [("bus_rel_code_for_vendors", "vendors"),
                                              ("bus_rel_code_for_bank_accounts", "bank accounts")])
def test_the_vendors_or_bank_accounts_code_typed_on_the_contacts_inline_is_refused(admin_client, sync_on, code_field,
                                                                                  word):
    contact = factories.ContactFactory(no="CT000010", name="Contoso Ltd")
    url = reverse("admin:contacts_contact_change", args=[contact.pk])
    data = admin_form_data(admin_client, url)
    data.update({f"{ROWS}-TOTAL_FORMS": "1", f"{ROWS}-0-business_relation": getattr(sync_on, code_field).pk,
                 f"{ROWS}-0-link_to_table": ""})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert f"Marketing Setup uses for {word}" in page(response) and "Use Link with existing" in page(response)
    assert not ContactBusinessRelation.objects.exists()


def test_the_customers_code_naming_a_vendor_is_refused(admin_client, unlinked):
    sync_on, contact, _customer, vendor, _bank_account = unlinked
    response = admin_client.post(add_relation_url(), {
        "contact": contact.pk, "business_relation": sync_on.bus_rel_code_for_customers.pk,
        "link_to_table": "vendor", "vendor": vendor.pk})
    assert response.status_code == 200 and "Marketing Setup uses for customers" in page(response)
    assert not ContactBusinessRelation.objects.exists()


def test_a_vendor_link_under_another_code_is_refused(admin_client, unlinked):
    _setup, contact, _customer, vendor, _bank_account = unlinked
    press = factories.BusinessRelationFactory(code="PRESS")
    response = admin_client.post(add_relation_url(), {
        "contact": contact.pk, "business_relation": press.pk, "link_to_table": "vendor",
        "vendor": vendor.pk})
    assert response.status_code == 200
    assert ("A contact is linked to a vendor only under the business relation code Marketing Setup uses for vendors; "
            "PRESS is not that code.") in page(response)
    assert not ContactBusinessRelation.objects.exists()


def test_the_customers_code_with_the_customer_chosen_is_saved(admin_client, unlinked):
    sync_on, contact, customer, _vendor, _bank_account = unlinked
    response = admin_client.post(add_relation_url(), {
        "contact": contact.pk, "business_relation": sync_on.bus_rel_code_for_customers.pk,
        "link_to_table": "customer", "customer": customer.pk})
    assert response.status_code == 302
    assert ContactBusinessRelation.objects.get().customer == customer


def test_another_code_typed_by_hand_is_saved(admin_client, sync_on):
    contact = factories.ContactFactory(no="CT000010", name="Contoso Ltd")
    press = factories.BusinessRelationFactory(code="PRESS")
    response = admin_client.post(add_relation_url(), {"contact": contact.pk, "business_relation": press.pk,
                                                      "link_to_table": ""})
    assert response.status_code == 302
    assert ContactBusinessRelation.objects.get().business_relation == press


# ---- (b) a primary contact from outside the linked company -------------------------------------------


def test_a_primary_contact_from_another_company_is_refused(admin_client, linked):
    company, customer, _person = linked
    stranger = factories.ContactFactory(no="CT000099", person=True, first_name="Ann", surname="Other",
                                        company=factories.ContactFactory(no="CT000098", name="Contoso Ltd"))
    link = ContactBusinessRelation.objects.get(customer=customer)
    data = admin_form_data(admin_client, change_relation_url(link))
    data["primary_contact"] = stranger.pk
    response = admin_client.post(change_relation_url(link), data)
    assert response.status_code == 200
    assert "Contact CT000099 Ann Other is not related to customer C1." in page(response)
    link.refresh_from_db()
    customer.refresh_from_db()
    assert link.primary_contact is None and customer.contact == ""


def test_a_primary_contact_on_a_bank_account_link_is_refused(admin_client, unlinked):
    _setup, bank, _customer, _vendor, account = unlinked
    services.link_contact(bank, account)
    link = ContactBusinessRelation.objects.get(bank_account=account)
    data = admin_form_data(admin_client, change_relation_url(link))
    data["primary_contact"] = bank.pk
    response = admin_client.post(change_relation_url(link), data)
    assert response.status_code == 200
    assert "A bank account has no primary contact: its contact text is kept as text." in page(response)


# ---- (c) the chosen person becomes the partner's contact text -----------------------------------------


def test_a_primary_person_chosen_in_the_admin_becomes_the_customers_contact_text(admin_client, linked):
    company, customer, person = linked
    link = ContactBusinessRelation.objects.get(customer=customer)
    data = admin_form_data(admin_client, change_relation_url(link))
    data["primary_contact"] = person.pk
    assert admin_client.post(change_relation_url(link), data).status_code == 302
    link.refresh_from_db()
    customer.refresh_from_db()
    assert link.primary_contact == person and customer.contact == "Jo Walker"


def test_a_primary_person_chosen_on_the_contacts_inline_becomes_the_customers_contact_text(admin_client, linked):
    company, customer, person = linked
    url = reverse("admin:contacts_contact_change", args=[company.pk])
    data = admin_form_data(admin_client, url)
    data[f"{ROWS}-0-primary_contact"] = person.pk
    response = admin_client.post(url, data)
    assert response.status_code == 302, page(response)
    customer.refresh_from_db()
    assert customer.contact == "Jo Walker"
    assert ContactBusinessRelation.objects.get(customer=customer).primary_contact == person


# ---- (d) autosearch for duplicates needs the search strings ----------------------------------------------


def marketing_setup_url():
    return reverse("admin:contacts_marketingsetup_change", args=[MarketingSetup.load().pk])


def test_autosearch_without_maintained_search_strings_is_refused(admin_client, sync_on):
    data = admin_form_data(admin_client, marketing_setup_url())
    data.pop("maintain_dupl_search_strings", None)
    data["autosearch_for_duplicates"] = "on"
    response = admin_client.post(marketing_setup_url(), data)
    assert response.status_code == 200
    assert "Autosearch for duplicates needs Maintain Dupl. Search Strings" in page(response)
    assert MarketingSetup.load().maintain_dupl_search_strings is True


def test_search_strings_off_with_autosearch_off_is_saved(admin_client, sync_on):
    data = admin_form_data(admin_client, marketing_setup_url())
    data.pop("maintain_dupl_search_strings", None)
    data.pop("autosearch_for_duplicates", None)
    assert admin_client.post(marketing_setup_url(), data).status_code == 302
    setup = MarketingSetup.load()
    assert (setup.maintain_dupl_search_strings, setup.autosearch_for_duplicates) == (False, False)
    assert BusinessRelation.objects.filter(code="CUST").exists()
