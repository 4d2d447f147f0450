"""Which contacts each role sees, down to rows (contacts.selectors.visible_contacts; README "Using the
application"): Sales, Purchasing and Administrators every contact; Finance the contacts of banks — companies
linked to a bank account and their persons — in the list, the card (404 for any other), the CSV export, the
lookup, the link dialog and the Duplicates page."""

import csv
import io

import pytest
from django.contrib.auth.models import Group

from contacts import selectors, services, sync
from contacts.models import ContactDuplicate
from partners.kinds import KINDS
from tests import factories
from tests.screens import CONTACT_SCREEN_QUERIES


@pytest.fixture
def world(sync_on):
    bank = factories.ContactFactory(no="CT000001", name="Zentralbank AG", city="Frankfurt")
    teller = factories.ContactFactory(no="CT000002", person=True, first_name="Tess", surname="Teller", company=bank,
                                      company_name="Zentralbank AG")
    customer = factories.ContactFactory(no="CT000003", name="Zeta Foods Ltd", city="Leeds")
    buyer = factories.ContactFactory(no="CT000004", person=True, first_name="Bea", surname="Buyer", company=customer,
                                     company_name="Zeta Foods Ltd")
    vendor = factories.ContactFactory(no="CT000005", name="Zinc Metals GmbH", city="Essen")
    prospect = factories.ContactFactory(no="CT000006", name="Zoom Prospects", city="Paris")
    with sync.suspended():  # partners without the contact a new partner would get: linked below
        partners = (factories.BankAccountFactory(no="B001", name="Zentralbank AG"),
                    factories.CustomerFactory(no="C001", name="Zeta Foods Ltd"),
                    factories.VendorFactory(no="V001", name="Zinc Metals GmbH"))
    for contact, partner in zip((bank, customer, vendor), partners, strict=True):
        services.link_contact(contact, partner)
    return {"bank": bank, "teller": teller, "customer": customer, "buyer": buyer, "vendor": vendor,
            "prospect": prospect}


EVERY = {"CT000001", "CT000002", "CT000003", "CT000004", "CT000005", "CT000006"}
BANKS = {"CT000001", "CT000002"}


def listed(client, url="/contacts/"):
    page = client.get(url).content.decode()
    return {no for no in EVERY if no in page}


def exported(client, query=""):
    response = client.get(f"/contacts/csv/contact/export/{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["no"] for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture
def administrator(client, roles):
    user = factories.UserFactory(username="ada")
    user.groups.add(Group.objects.get(name="Administrators"))
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["sales", "purchasing", "administrator"])
def test_sales_purchasing_and_administrators_see_every_contact(request, role, world):
    client = request.getfixturevalue(role)
    assert listed(client) == EVERY
    assert exported(client) == EVERY
    for contact in world.values():
        assert client.get(contact.get_absolute_url()).status_code == 200


def test_finance_lists_and_exports_only_the_contacts_of_banks_and_their_persons(finance, world):
    assert listed(finance) == BANKS
    assert listed(finance, "/contacts/?q=z") == BANKS  # the search stays inside the scope
    assert listed(finance, "/contacts/?q=zeta") == set()
    assert exported(finance) == BANKS
    assert exported(finance, "?q=tess") == {"CT000002"}
    assert exported(finance, "?q=zeta") == set()


def test_finance_gets_404_for_the_card_of_any_other_contact(finance, world):
    assert finance.get(world["bank"].get_absolute_url()).status_code == 200
    assert finance.get(world["teller"].get_absolute_url()).status_code == 200
    for key in ("customer", "buyer", "vendor", "prospect"):
        assert finance.get(world[key].get_absolute_url()).status_code == 404
        response = finance.post(world[key].get_absolute_url(), {"name": "Hijacked"})
        assert response.status_code == 404
        world[key].refresh_from_db()
        assert world[key].name != "Hijacked"


def test_finance_lookup_suggests_only_the_contacts_of_banks(finance, world):
    page = finance.get("/contacts/lookup/", {"q": "z"}, headers={"HX-Request": "true"}).content.decode()
    assert "CT000001" in page
    assert not {"CT000003", "CT000005", "CT000006"} & {no for no in EVERY if no in page}


def test_finance_link_dialog_offers_bank_contacts_and_contacts_related_to_nothing(finance, finance_user, world):
    with sync.suspended():
        account = factories.BankAccountFactory(no="B002", name="Second Bank")
    offered = {c.no for c in selectors.contacts_for_link(KINDS["bank_account"], "", user=finance_user)}
    assert offered == BANKS | {"CT000006"}  # the prospect has no business relation yet
    page = finance.get(f"/bank-accounts/{account.pk}/link/", {"q": "z"}).content.decode()
    assert "Zoom Prospects" in page and "Zeta Foods" not in page and "Zinc Metals" not in page


def test_finance_duplicates_page_shows_only_pairs_of_contacts_it_sees(finance, world):
    hidden = ContactDuplicate.objects.create(contact=world["customer"], duplicate=world["vendor"], score=90,
                                             reasons="test")
    shown = ContactDuplicate.objects.create(contact=world["bank"], duplicate=world["teller"], score=85, reasons="test")
    page = finance.get("/contacts/duplicates/").content.decode()
    assert "Zentralbank AG" in page and "Zeta Foods" not in page
    assert finance.post(f"/contacts/duplicates/{hidden.pk}/not-a-duplicate/").status_code == 404
    hidden.refresh_from_db()
    assert not hidden.separate
    assert finance.post(f"/contacts/duplicates/{shown.pk}/not-a-duplicate/").status_code == 302


def test_a_contact_finance_creates_outside_its_scope_sends_it_to_the_list_with_a_word(finance, sync_on):
    response = finance.post("/contacts/new/", {"type": "company", "name": "New Bank Branch"}, follow=True)
    assert response.status_code == 200
    assert "link it with a bank account" in response.content.decode()


def test_finance_list_and_card_stay_within_the_query_bound(finance, world, queries):
    first = queries(finance, "/contacts/", CONTACT_SCREEN_QUERIES)
    for _ in range(5):
        factories.ContactFactory(person=True, company=world["bank"], company_name="Zentralbank AG")
        factories.ContactFactory()
    assert queries(finance, "/contacts/", CONTACT_SCREEN_QUERIES) == first
    queries(finance, world["bank"].get_absolute_url(), CONTACT_SCREEN_QUERIES)


def test_finance_cannot_update_a_contact_outside_its_scope_by_csv_import(finance, world):
    text = "no,name\nCT000003,Renamed by import\nCT000001,Zentralbank Renamed\n"
    page = finance.post("/contacts/csv/contact/import/", {"csv_text": text}).content.decode()
    assert "is taken by a record you may not change" in page
    world["customer"].refresh_from_db()
    world["bank"].refresh_from_db()
    assert world["customer"].name == "Zeta Foods Ltd" and world["bank"].name == "Zentralbank AG"


def test_finance_cannot_attach_an_imported_person_to_a_company_outside_its_scope(finance, world):
    text = "no,type,first_name,surname,company\nCT000010,person,Ivo,Import,CT000003\n"
    page = finance.post("/contacts/csv/contact/import/", {"csv_text": text}).content.decode()
    assert "no contact with no “CT000003”" in page  # as if it did not exist, like the card's 404
    assert not world["customer"].persons.filter(surname="Import").exists()
    allowed = "no,type,first_name,surname,company\nCT000010,person,Ivo,Import,CT000001\n"
    page = finance.post("/contacts/csv/contact/import/", {"csv_text": allowed}).content.decode()
    assert "no contact with no" not in page
