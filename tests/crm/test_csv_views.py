"""The generic CSV screens (crm.csv_views): found by a spec's name, at the paths the lists have always used."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Contact, ContactBusinessRelation
from crm import csv_io
from partners.models import BankAccount, Customer
from tests import factories


@pytest.mark.parametrize("name, model_label", [("contact", "contacts.contact"), ("customer", "partners.customer"),
                                               ("vendor", "partners.vendor"),
                                               ("bank_account", "partners.bankaccount")])
def test_every_list_has_a_registered_spec_found_by_its_name(name, model_label):
    spec = csv_io.spec_named(name)
    assert spec is not None and spec.model._meta.label_lower == model_label


@pytest.mark.parametrize("name", ["contact", "customer", "vendor", "bank_account"])
def test_the_csv_screens_keep_their_paths(name):
    assert reverse("csv:export", args=[name]) == f"/contacts/csv/{name}/export/"
    assert reverse("csv:import", args=[name]) == f"/contacts/csv/{name}/import/"


@pytest.mark.parametrize("user_fixture, list_path, name", [
    ("sales", "/contacts/", "contact"), ("sales", "/customers/", "customer"),
    ("purchasing", "/vendors/", "vendor"), ("finance", "/bank-accounts/", "bank_account"),
])
def test_each_list_links_to_its_csv_screens_and_the_import_page_back_to_it(request, user_fixture, list_path, name):
    client = request.getfixturevalue(user_fixture)
    page = client.get(list_path).content.decode()
    assert f'href="/contacts/csv/{name}/export/"' in page and f'href="/contacts/csv/{name}/import/"' in page
    response = client.get(f"/contacts/csv/{name}/import/")
    assert response.status_code == 200 and f'href="{list_path}"' in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_an_import_returns_to_its_list_with_the_count(finance):
    response = finance.post("/contacts/csv/bank_account/import/",
                            {"csv_text": "no,name\nB1,First Bank\n"})
    assert response.status_code == 302 and response["Location"] == "/bank-accounts/"
    assert BankAccount.objects.get().name == "First Bank"
    assert "Imported 1 bank accounts." in finance.get("/bank-accounts/").content.decode()


def test_export_filters_by_the_lists_search(sales):
    factories.CustomerFactory(no="C1", name="Alpha", city="Oslo")
    factories.CustomerFactory(no="C2", name="Beta", city="Lima")
    text = b"".join(sales.get("/contacts/csv/customer/export/", {"q": "oslo"}).streaming_content).decode()
    assert "C1,Alpha" in text and "C2" not in text


@pytest.mark.parametrize("data, message", [
    ({}, "This field is required."),
    ({"file": SimpleUploadedFile("f.csv", b"\xff\xfe\x00bad", content_type="text/csv")}, "is not UTF-8 text"),
])
def test_a_bad_upload_is_a_message_not_an_error(sales, data, message):
    response = sales.post("/contacts/csv/contact/import/", data)
    assert response.status_code == 200 and message in response.content.decode()


def test_unknown_lists_are_404_and_missing_rights_403(sales, purchasing):
    assert sales.get("/contacts/csv/spaceship/export/").status_code == 404
    assert sales.get("/contacts/csv/spaceship/import/").status_code == 404
    assert purchasing.get("/contacts/csv/customer/export/").status_code == 403


# --- the export writes what the list shows; a round trip with new rows (issue 11, item 2) -------------------------


def exported(client, path, params=None):
    response = client.get(path, params or {})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    return [row["no"] for row in rows]


@pytest.fixture
def contact_world(sync_on):
    north, south = factories.TerritoryFactory(code="NORTH"), factories.TerritoryFactory(code="SOUTH")
    anna, bob = factories.SalespersonFactory(code="ANNA"), factories.SalespersonFactory(code="BOB")
    factories.ContactFactory(no="K1", name="Alpha Oslo", city="Oslo", country_code="NO", territory=north,
                             salesperson=anna)
    factories.ContactFactory(no="K2", name="Beta Oslo", city="Oslo", country_code="NO", territory=south,
                             salesperson=bob)
    factories.ContactFactory(no="K3", name="Gamma Lima", city="Lima", country_code="PE", territory=north,
                             salesperson=anna)
    factories.ContactFactory(no="K4", name="Delta Person", city="Oslo", country_code="NO", person=True,
                             first_name="Delta", surname="Person")
    customer = factories.CustomerFactory(no="C1", name="Epsilon Oslo", city="Oslo", country_code="NO")
    return ContactBusinessRelation.objects.get(customer=customer).contact.no  # synchronization made it


@pytest.mark.parametrize("params, expected", [
    ({"q": "oslo"}, ["E", "K1", "K2", "K4"]),  # E: the contact of customer C1 (CT000001)
    ({"q": "oslo", "type": "person"}, ["K4"]),
    ({"relation": "CUST"}, ["E"]),
    ({"salesperson": "ANNA"}, ["K1", "K3"]),
    ({"territory": "NORTH", "q": "oslo"}, ["K1"]),
    ({"country": "PE"}, ["K3"]),
    ({"q": "a", "salesperson": "ANNA", "sort": "-name"}, ["K3", "K1"]),
])
def test_contact_export_writes_the_rows_the_list_shows_for_its_search_filters_and_sort(
        sales, contact_world, params, expected):
    expected = [contact_world if no == "E" else no for no in expected]
    assert exported(sales, "/contacts/csv/contact/export/", params) == expected
    page = sales.get("/contacts/", params).content.decode()
    listed = [no for no in ["K1", "K2", "K3", "K4", contact_world] if f">{no}</a>" in page]
    assert sorted(listed) == sorted(expected)


def test_partner_export_writes_the_rows_the_list_shows_for_its_search_and_sort(purchasing):
    factories.VendorFactory(no="V1", name="Alpha Oslo", city="Oslo")
    factories.VendorFactory(no="V2", name="Beta Oslo", city="Oslo")
    factories.VendorFactory(no="V3", name="Gamma Lima", city="Lima")
    assert exported(purchasing, "/contacts/csv/vendor/export/", {"q": "oslo", "sort": "-name"}) == ["V2", "V1"]
    assert exported(purchasing, "/contacts/csv/vendor/export/") == ["V1", "V2", "V3"]


@pytest.mark.parametrize("user_fixture, list_path, name", [
    ("sales", "/contacts/", "contact"), ("sales", "/customers/", "customer"),
    ("purchasing", "/vendors/", "vendor"), ("finance", "/bank-accounts/", "bank_account"),
])
def test_the_export_link_carries_the_lists_query_string_also_after_a_search_swap(
        request, user_fixture, list_path, name):
    client = request.getfixturevalue(user_fixture)
    page = client.get(list_path, {"q": "oslo", "sort": "-name"}).content.decode()
    assert f'href="/contacts/csv/{name}/export/?q=oslo&amp;sort=-name"' in page
    region = client.get(list_path, {"q": "lima"}, headers={"HX-Request": "true", "HX-Target": "results"})
    body = region.content.decode()
    assert f'id="export-csv" href="/contacts/csv/{name}/export/?q=lima"' in body and 'hx-swap-oob="true"' in body
    assert 'hx-swap-oob' not in client.get(list_path).content.decode()


def test_a_round_trip_through_the_screens_creates_new_rows_with_the_next_numbers_and_their_contacts(
        sales, sync_on, numbered_partners):
    factories.CustomerFactory(no="C9", name="Fabrikam", city="Oslo")
    factories.CustomerFactory(no="C8", name="Contoso", city="Lima")
    text = b"".join(sales.get("/contacts/csv/customer/export/", {"q": "fabrikam"}).streaming_content).decode()
    assert "Contoso" not in text
    lines = text.lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    lines[1] = lines[1].replace(",Oslo,", ",Bergen,")
    new = dict.fromkeys(header, "")
    new.update(name="Northwind", city="Leeds")
    lines.append(",".join(new[c] for c in header))
    edited = "\n".join(lines) + "\n"

    preview = upload(sales, "customer", edited).content.decode()
    assert "1 new, 1 changed, 0 unchanged" in preview
    assert "New, next number" in preview
    assert re.search(r"city</span>: <del>Oslo</del> → <ins>Bergen</ins>", preview)
    assert "onstraint" not in preview

    response = sales.post("/contacts/csv/customer/import/", {"csv_text": edited})
    assert response.status_code == 302
    assert Customer.objects.get(no="C9").city == "Bergen"
    northwind = Customer.objects.get(name="Northwind")
    assert northwind.no == "C00001"
    assert ContactBusinessRelation.objects.get(customer=northwind).contact.city == "Leeds"


def test_an_import_the_database_refuses_shows_the_line_and_column_and_writes_nothing(sales, sync_on, monkeypatch):
    original = csv_io.preview

    def someone_takes_ct7_meanwhile(*args, **kwargs):
        result = original(*args, **kwargs)
        if not Contact.objects.filter(no="CT7").exists():
            Contact.objects.create(no="CT7", name="Someone Else's")
        return result

    monkeypatch.setattr(csv_io, "preview", someone_takes_ct7_meanwhile)
    response = sales.post("/contacts/csv/contact/import/", {"csv_text": "no,name\nCT6,First\nCT7,Second\n"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Line 3, column no: “CT7” is already used by another contact. Nothing was imported." in body
    assert "onstraint" not in body and "UNIQUE" not in body and "duplicate key" not in body
    assert not Contact.objects.filter(no="CT6").exists()


def upload(client, kind, text):
    return client.post(f"/contacts/csv/{kind}/import/",
                       {"file": SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")})
