"""The generic CSV screens (crm.csv_views): found by a spec's name, at the paths the lists have always used."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm import csv_io
from partners.models import BankAccount
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
