"""partners.views: the customer, vendor and bank account lists, cards, new and delete pages."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from contacts import services, sync
from contacts.models import ContactBusinessRelation
from documents.models import SalesHeader
from partners.models import BankAccount, Customer, Vendor
from tests import factories
from tests.screens import PARTNER_SCREEN_QUERIES, RESULTS, form_data

KINDS = [("sales", factories.CustomerFactory, Customer, "/customers/"),
         ("purchasing", factories.VendorFactory, Vendor, "/vendors/"),
         ("finance", factories.BankAccountFactory, BankAccount, "/bank-accounts/")]


def page(response):
    return response.content.decode()


def link_of(partner):
    return ContactBusinessRelation.objects.filter(**{sync.kind_of(partner): partner}).select_related("contact").first()


@pytest.mark.parametrize("name, path", [
    ("partners:customer-list", "/customers/"), ("partners:vendor-create", "/vendors/new/"),
    ("partners:bank-account-detail", "/bank-accounts/7/"), ("partners:customer-delete", "/customers/7/delete/"),
])
def test_the_partner_screens_keep_their_names_and_paths(name, path):
    args = [7] if "7" in path else []
    assert reverse(name, args=args) == path


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture, factory, model, url", KINDS)
def test_partner_lists_search_and_answer_htmx_with_the_results_region(request, user_fixture, factory, model, url):
    client = request.getfixturevalue(user_fixture)
    factory(name="Northwind Traders", city="Oslo")
    factory(name="Tailspin Toys", city="Lima")
    listing = page(client.get(url, {"q": "northwind"}))
    assert "Northwind Traders" in listing and "Tailspin Toys" not in listing
    fragment = page(client.get(url, {"q": "tailspin"}, headers=RESULTS))
    assert fragment.lstrip().startswith('<div id="results"') and "<html" not in fragment
    assert "Tailspin Toys" in fragment


@pytest.mark.parametrize("user_fixture, factory, model, url", KINDS)
def test_partner_lists_stay_within_the_query_bound_whatever_the_rows(request, queries, user_fixture, factory, model,
                                                                    url):
    client = request.getfixturevalue(user_fixture)
    factory(name="Northwind Traders")
    first = queries(client, url, PARTNER_SCREEN_QUERIES)
    for i in range(15):
        factory(name=f"Other partner {i}")
    assert queries(client, url, PARTNER_SCREEN_QUERIES) == first
    queries(client, url + "?q=o&sort=-city", PARTNER_SCREEN_QUERIES, headers=RESULTS)


def test_partner_lists_vary_on_the_htmx_header_so_caches_never_serve_a_fragment_as_a_page(sales):
    assert "HX-Request" in sales.get("/customers/")["Vary"]
    assert "HX-Request" in sales.get("/customers/", headers=RESULTS)["Vary"]


@pytest.mark.parametrize("user_fixture, url, columns", [
    ("sales", "/customers/", ["<th>Salesperson</th>", "<th>Blocked</th>"]),
    ("purchasing", "/vendors/", ["<th>Purchaser</th>", "<th>Blocked</th>"]),
    ("finance", "/bank-accounts/", ["<th>IBAN</th>", "<th>SWIFT</th>"]),
])
def test_each_list_shows_the_columns_of_its_kind(request, user_fixture, url, columns):
    listing = page(request.getfixturevalue(user_fixture).get(url))
    assert all(column in listing for column in columns)


# ---------------------------------------------------------------------------------------------
# Cards
# ---------------------------------------------------------------------------------------------


def test_customer_card_edits_and_names_missing_posting_details(sales, db):
    customer = factories.CustomerFactory(no="C00001", name="Northwind", customer_posting_group="",
                                         gen_bus_posting_group="")
    card = page(sales.get(customer.get_absolute_url()))
    assert "Invoicing and posting details to fill in" in card and "Customer posting group" in card
    assert "Create contact" in card and "No contact is linked" in card
    data = form_data(sales.get(customer.get_absolute_url()).context["form"])
    data.update(customer_posting_group="DOMESTIC", gen_bus_posting_group="DOMESTIC", vat_bus_posting_group="DOM")
    assert sales.post(customer.get_absolute_url(), data).status_code == 302
    customer.refresh_from_db()
    assert customer.customer_posting_group == "DOMESTIC"
    card = page(sales.get(customer.get_absolute_url()))
    assert "Invoicing and posting details" not in card and "Customer C00001 saved." in card


@pytest.fixture
def ben(roles):
    """A second salesperson in their own browser."""
    user = factories.UserFactory(username="ben", first_name="Ben")
    user.groups.add(Group.objects.get(name="Sales"))
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_customer_save_of_another_field_is_merged_and_saved(sales, ben, db):
    customer = factories.CustomerFactory(no="C00001", name="Northwind", city="Oslo")
    data = form_data(sales.get(customer.get_absolute_url()).context["form"])
    ben_data = form_data(ben.get(customer.get_absolute_url()).context["form"])
    ben_data["city"] = "Bergen"
    ben.post(customer.get_absolute_url(), ben_data)
    data["name"] = "Northwind Ltd."
    body = page(sales.post(customer.get_absolute_url(), data, follow=True))
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.name, fresh.city) == ("Northwind Ltd.", "Bergen")
    assert re.search(r"Ben changed the city at \d\d:\d\d while you were editing; your change of the name was "
                     r"saved on top of it\.", body)


def test_a_stale_customer_save_of_the_same_field_asks_and_saves_the_choice(sales, ben, db):
    customer = factories.CustomerFactory(no="C00001", name="Northwind", credit_limit=Decimal("1000"))
    data = form_data(sales.get(customer.get_absolute_url()).context["form"])
    ben_data = form_data(ben.get(customer.get_absolute_url()).context["form"])
    ben_data["credit_limit"] = "5000"
    ben.post(customer.get_absolute_url(), ben_data)
    data["credit_limit"] = "2500.00"
    response = sales.post(customer.get_absolute_url(), data)
    body = page(response)
    assert response.status_code == 200 and "You both changed the credit limit" in body
    conflict = body.split('id="conflict-credit_limit"')[1].split("</fieldset>")[0]
    assert "2500.00" in conflict and "5000" in conflict
    assert Customer.objects.get(pk=customer.pk).credit_limit == Decimal("5000")
    again = {**form_data(response.context["form"]), "resolve-credit_limit": "mine"}
    assert sales.post(customer.get_absolute_url(), again).status_code == 302
    assert Customer.objects.get(pk=customer.pk).credit_limit == Decimal("2500")


def test_a_stale_customer_save_names_the_contact_synchronization_made_the_newer_version(sales, ben, sync_on,
                                                                                     numbered_partners):
    customer = factories.CustomerFactory(name="Northwind", phone_no="+47 555 0100")  # gets a linked contact
    contact = link_of(customer).contact
    data = form_data(sales.get(customer.get_absolute_url()).context["form"])
    contact_data = form_data(ben.get(contact.get_absolute_url()).context["form"])
    contact_data["phone_no"] = "+47 555 0777"
    assert ben.post(contact.get_absolute_url(), contact_data).status_code == 302  # reaches the customer
    data["payment_terms_code"] = "14D"
    body = page(sales.post(customer.get_absolute_url(), data, follow=True))
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.phone_no, fresh.payment_terms_code) == ("+47 555 0777", "14D")
    assert re.search(rf"The phone no\. was synchronized from contact {contact.no} at \d\d:\d\d \(changed there by "
                     r"Ben\) while you were editing; your change of the payment terms code was saved on top of it\.",
                     body)


@pytest.mark.parametrize("field, value, message", [
    ("iban", "DE00 1234", "is not a valid IBAN"),
    ("swift_code", "NOTABIC!", "is not a valid SWIFT/BIC code"),
    ("email", "x@", "Enter a valid email address"),
])
def test_bank_account_card_validates_iban_and_swift(finance, db, field, value, message):
    account = factories.BankAccountFactory(no="B0001", name="First Bank")
    data = form_data(finance.get(account.get_absolute_url()).context["form"])
    data[field] = value
    response = finance.post(account.get_absolute_url(), data)
    assert response.status_code == 200 and message in page(response)
    assert BankAccount.objects.get(pk=account.pk).version == account.version


def test_bank_account_iban_is_stored_compact(finance, db):
    account = factories.BankAccountFactory(no="B0001", name="First Bank")
    data = form_data(finance.get(account.get_absolute_url()).context["form"])
    data.update(iban="gb33 bukb 2020 1555 5555 55", swift_code="BUKBGB22", country_code="GB")  # one country
    assert finance.post(account.get_absolute_url(), data).status_code == 302
    assert BankAccount.objects.get(pk=account.pk).iban == "GB33BUKB20201555555555"


def test_new_customer_takes_the_next_number(sales, numbered_partners):
    data = form_data(sales.get("/customers/new/").context["form"])
    data.update(name="Alpine Ski House")
    response = sales.post("/customers/new/", data)
    customer = Customer.objects.get(name="Alpine Ski House")
    assert customer.no == "C00001" and response["Location"] == customer.get_absolute_url()


def test_sales_cannot_open_or_save_a_vendor_card(sales, db):
    vendor = factories.VendorFactory()
    assert sales.get(vendor.get_absolute_url()).status_code == 403
    assert sales.post(vendor.get_absolute_url(), {"name": "x"}).status_code == 403


def test_an_unknown_partner_card_is_404(sales, db):
    assert sales.get("/customers/999999/").status_code == 404


@pytest.mark.parametrize("user_fixture, factory, model, url", KINDS)
def test_partner_cards_stay_within_the_query_bound_whatever_the_history(request, queries, user_fixture, factory,
                                                                       model, url):
    client = request.getfixturevalue(user_fixture)
    partner = factory(name="Partner")
    first = queries(client, partner.get_absolute_url(), PARTNER_SCREEN_QUERIES)
    for _ in range(5):
        partner.save()
    assert queries(client, partner.get_absolute_url(), PARTNER_SCREEN_QUERIES) == first


# ---------------------------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def setup(sync_on, numbered_partners):
    return sync_on


@pytest.mark.parametrize("user_fixture, factory, model, url", KINDS)
def test_delete_keeps_the_contact_and_recomputes_its_relation(request, setup, user_fixture, factory, model, url):
    client = request.getfixturevalue(user_fixture)
    partner = factory(name="Gone Soon")
    contact = link_of(partner).contact
    assert f"{url}{partner.pk}/delete/" in page(client.get(partner.get_absolute_url()))
    confirm = page(client.get(f"{url}{partner.pk}/delete/"))
    assert f'href="{contact.get_absolute_url()}"' in confirm and f"{contact.no} {contact.name}" in confirm
    assert "stays; only the link" in confirm
    response = client.post(f"{url}{partner.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == url
    assert not model.objects.filter(pk=partner.pk).exists()
    contact.refresh_from_db()
    assert contact.contact_business_relation == "none"
    listing = page(client.get(url))
    assert f"{partner.no} Gone Soon deleted. Contact {contact.no} {contact.name} was kept." in listing


def test_delete_page_of_a_partner_without_contact_says_so(sales, setup):
    with sync.suspended():
        customer = factories.CustomerFactory(name="Alone")
    assert "No contact is linked to this customer." in page(sales.get(f"/customers/{customer.pk}/delete/"))
    sales.post(f"/customers/{customer.pk}/delete/")
    assert f"Customer {customer.no} Alone deleted.</div>" in page(sales.get("/customers/"))


def test_delete_of_a_contact_with_two_partners_leaves_the_other_relation(sales_user, client, setup, roles):
    sales_user.groups.add(Group.objects.get(name="Purchasing"))
    client.force_login(sales_user)
    customer = factories.CustomerFactory(name="Both Ways")
    contact = link_of(customer).contact
    with sync.suspended():
        vendor = factories.VendorFactory(name="Both Ways")
    services.link_contact(contact, vendor)
    contact.refresh_from_db()
    assert contact.contact_business_relation == "multiple"
    client.post(f"/customers/{customer.pk}/delete/")
    contact.refresh_from_db()
    assert contact.contact_business_relation == "vendor"


@pytest.mark.parametrize("user_fixture, factory", [
    ("purchasing", factories.CustomerFactory),
    ("sales", factories.VendorFactory),
    ("sales", factories.BankAccountFactory),
])
def test_delete_needs_the_models_delete_permission(request, setup, user_fixture, factory):
    client = request.getfixturevalue(user_fixture)
    partner = factory()
    delete_url = partner.get_absolute_url() + "delete/"
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert type(partner).objects.filter(pk=partner.pk).exists()


def test_customer_with_documents_cannot_be_deleted_and_says_why(sales, setup):
    customer = factories.CustomerFactory(name="Has Orders")
    SalesHeader.objects.create(document_type="quote", no="SQ0001", sell_to_customer=customer)
    response = sales.post(f"/customers/{customer.pk}/delete/")
    assert response.status_code == 200
    assert "cannot be deleted: 1 document still refers to it" in page(response)
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert link_of(customer) is not None


def test_delete_page_stays_within_the_query_bound(sales, setup, queries):
    customer = factories.CustomerFactory()
    queries(sales, f"/customers/{customer.pk}/delete/", PARTNER_SCREEN_QUERIES)


def test_delete_of_unknown_partner_is_404(sales, setup):
    assert sales.get("/customers/999999/delete/").status_code == 404
