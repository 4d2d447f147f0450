"""Hostile input refused at the edge (crm.middleware, crm.csv_io.read_text): a NUL character anywhere a user can
type answers 400 with a plain message before any query runs — on SQLite and PostgreSQL alike, never a 500, never a
cut-off export, nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.models import Contact
from partners.models import BankAccount, Customer
from tests import factories
from tests.screens import form_data

NUL_PAGE = "cannot be stored (NUL"


def _refused(response):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert NUL_PAGE in response.content.decode()


@pytest.mark.parametrize("path", ["/contacts/", "/customers/", "/vendors/", "/bank-accounts/",
                                  "/documents/sales/", "/documents/purchase/"])
def test_a_nul_in_a_lists_search_is_refused_with_a_plain_400(request, path):
    role = {"/vendors/": "purchasing", "/bank-accounts/": "finance", "/documents/purchase/": "purchasing"}
    client = request.getfixturevalue(role.get(path, "sales"))
    assert client.get(path, {"q": "abc"}).status_code == 200
    _refused(client.get(path, {"q": "ab\x00c"}))


def test_a_nul_in_a_query_strings_name_is_refused(sales):
    _refused(sales.get("/contacts/", {"q\x00": "x"}))


def test_a_nul_in_the_exports_search_is_refused_before_the_file_starts(sales):
    factories.CustomerFactory(no="C1", name="Alpha")
    response = sales.get("/contacts/csv/customer/export/", {"q": "\x00"})
    assert not response.streaming
    _refused(response)


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_saved(sales, sync_on):
    data = form_data(sales.get("/contacts/new/").context["form"])
    data.update(name="Null\x00 Ltd.")
    _refused(sales.post("/contacts/new/", data))
    assert not Contact.objects.filter(name__startswith="Null").exists()


def test_a_nul_in_the_import_confirm_forms_csv_text_is_refused_and_nothing_is_imported(finance):
    _refused(finance.post("/contacts/csv/bank_account/import/", {"csv_text": "no,name\nB\x001,First Bank\n"}))
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize("cell", ["no", "territory"])
def test_a_nul_in_an_uploaded_csv_cell_is_refused_with_a_message_and_nothing_is_imported(sales, cell):
    text = "no,name,territory\nC1,Alpha,T1\n".replace("C1" if cell == "no" else "T1", "X\x00Y")
    upload = SimpleUploadedFile("customers.csv", text.encode(), content_type="text/csv")
    response = sales.post("/contacts/csv/customer/import/", {"file": upload})
    assert response.status_code == 200
    assert "The file contains a character that cannot be stored (NUL)" in response.content.decode()
    assert "confirm" not in response.context or response.context.get("preview") is None
    assert not Customer.objects.exists()


def test_a_nul_in_a_cookie_is_refused_before_the_session_is_read(sales):
    sales.cookies["sessionid"] = "abc\x00def"
    _refused(sales.get("/contacts/"))


def test_a_nul_in_the_path_is_refused(sales):
    _refused(sales.get("/contacts/%00/"))


def test_text_without_a_nul_passes_the_edge(sales):
    assert sales.get("/contacts/", {"q": "plain"}).status_code == 200
