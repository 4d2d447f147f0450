"""CSV export and import of contacts, customers, vendors and bank accounts: preview, row errors, atomicity."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.csv_specs import CONTACT_CSV
from contacts.models import Contact, ContactBusinessRelation
from crm import csv_io
from partners.csv_specs import BANK_ACCOUNT_CSV, CUSTOMER_CSV
from partners.models import BankAccount, Customer
from tests import factories

pytestmark = pytest.mark.django_db


def test_export_writes_a_header_and_one_line_per_row_with_codes_for_lookups():
    territory = factories.TerritoryFactory(code="NORTH")
    factories.CustomerFactory(no="C1", name="Fabrikam", territory=territory, privacy_blocked=True)
    text = csv_io.export_text(CUSTOMER_CSV)
    header, line = text.lstrip("\ufeff").splitlines()
    assert header.split(",") == list(CUSTOMER_CSV.columns)
    row = dict(zip(CUSTOMER_CSV.columns, line.split(","), strict=True))
    assert (row["no"], row["name"], row["territory"], row["privacy_blocked"]) == ("C1", "Fabrikam", "NORTH", "yes")


def test_export_then_import_changes_nothing():
    factories.CustomerFactory.create_batch(3, salesperson=factories.SalespersonFactory())
    before = list(Customer.objects.values_list("no", "name", "city", "salesperson__code", "credit_limit"))
    _, saved = csv_io.run_import(CUSTOMER_CSV, csv_io.export_text(CUSTOMER_CSV))
    assert saved == 3
    assert list(Customer.objects.values_list("no", "name", "city", "salesperson__code", "credit_limit")) == before


def test_preview_reports_errors_per_line_and_column_and_writes_nothing():
    text = ("no,name,country_code,iban,our_contact\n"
            "B1,Good Bank,DE,DE89370400440532013000,\n"
            "B2,Bad Bank,XX,NOT-AN-IBAN,NOBODY\n")
    preview = csv_io.preview(BANK_ACCOUNT_CSV, text)
    assert [r.ok for r in preview.rows] == [True, False]
    errors = " ".join(preview.rows[1].errors)
    assert "country_code" in errors and "iban" in errors and "our_contact: no salesperson/purchaser" in errors
    assert preview.rows[1].line == 3
    assert not BankAccount.objects.exists()


def test_import_with_bad_rows_changes_nothing_until_they_are_excluded():
    text = "no,name,country_code\nB1,Good Bank,DE\nB2,Bad Bank,XX\n"
    with pytest.raises(ValidationError, match="1 row\\(s\\) have errors"):
        csv_io.run_import(BANK_ACCOUNT_CSV, text)
    assert not BankAccount.objects.exists()
    _, saved = csv_io.run_import(BANK_ACCOUNT_CSV, text, exclude_bad_rows=True)
    assert saved == 1
    assert list(BankAccount.objects.values_list("no", flat=True)) == ["B1"]


def test_unknown_columns_and_repeated_numbers_are_refused():
    assert "Unknown column(s): colour" in csv_io.preview(CUSTOMER_CSV, "no,name,colour\nC1,A,red\n").file_errors[0]
    preview = csv_io.preview(CUSTOMER_CSV, "no,name\nC1,A\nC1,B\n")
    assert "also on line 2" in preview.rows[1].errors[0]


def test_an_empty_or_non_text_file_is_refused():
    assert csv_io.preview(CUSTOMER_CSV, "").file_errors == ["The file is empty."]
    with pytest.raises(ValidationError, match="not UTF-8"):
        csv_io.read_text(b"\xff\xfe\x00\x81")


def test_importing_customers_goes_through_save_so_they_get_linked_contacts(sync_on, numbered_partners):
    _, saved = csv_io.run_import(CUSTOMER_CSV, "name,city,contact\nNew Firm,Leeds,Jo Bloggs\n")
    customer = Customer.objects.get(name="New Firm")
    link = ContactBusinessRelation.objects.get(customer=customer)
    assert link.contact.city == "Leeds"
    assert customer.no.startswith("C")


def test_updating_a_linked_customer_by_import_reaches_its_contact(sync_on, numbered_partners):
    customer = factories.CustomerFactory(no="", name="Old Name")
    csv_io.run_import(CUSTOMER_CSV, f"no,name\n{customer.no},New Name\n")
    assert ContactBusinessRelation.objects.get(customer=customer).contact.name == "New Name"


def test_a_row_refused_while_saving_rolls_back_the_whole_import(db):
    factories.marketing_setup(contact_nos=None)  # customers need a contact number: every save is refused
    with pytest.raises(ValidationError, match="Line 2: .*Nothing was imported"):
        csv_io.run_import(CUSTOMER_CSV, "no,name\nC1,One\nC2,Two\n")
    assert not Customer.objects.exists()


def test_contacts_import_persons_under_their_company_by_number():
    company = factories.ContactFactory(no="CT1", name="Fabrikam")
    csv_io.run_import(CONTACT_CSV, "no,type,company,first_name,surname\nCT2,person,CT1,Jo,Bloggs\n")
    person = Contact.objects.get(no="CT2")
    assert person.company == company and person.name == "Jo Bloggs"


# --- screens ----------------------------------------------------------------------------------------------


@pytest.fixture
def sales(client, db):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from crm.roles import create_roles
    create_roles(apps)
    user = factories.UserFactory(username="sally")
    user.groups.add(Group.objects.get(name="Sales"))
    client.force_login(user)
    return client


def upload(client, kind, text):
    return client.post(reverse("csv:import", args=[kind]),
                       {"file": SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")})


def test_export_download_from_the_list(sales):
    factories.CustomerFactory(no="C9", name="Fabrikam")
    response = sales.get(reverse("csv:export", args=["customer"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="customers.csv"'
    assert "C9,Fabrikam" in b"".join(response.streaming_content).decode()
    assert "Export CSV" in sales.get(reverse("partners:customer-list")).content.decode()


def test_import_screen_previews_then_imports(sales):
    response = upload(sales, "customer", "no,name,country_code\nC1,Alpha,DE\nC2,Beta,ZZ\n")
    body = response.content.decode()
    assert response.status_code == 200 and "2 rows, 1 with errors" in body and "country_code" in body
    assert not Customer.objects.exists()
    text = "no,name,country_code\nC1,Alpha,DE\nC2,Beta,ZZ\n"
    response = sales.post(reverse("csv:import", args=["customer"]), {"csv_text": text})
    assert response.status_code == 200 and "Nothing was imported" in response.content.decode()
    assert not Customer.objects.exists()
    response = sales.post(reverse("csv:import", args=["customer"]),
                          {"csv_text": text, "exclude_bad_rows": "on"})
    assert response.status_code == 302
    assert list(Customer.objects.values_list("no", flat=True)) == ["C1"]


def test_import_screen_refuses_a_file_with_unknown_columns(sales):
    response = upload(sales, "contact", "no,colour\nCT1,red\n")
    assert response.status_code == 200 and "Unknown column(s): colour" in response.content.decode()


def test_csv_screens_need_the_permissions_of_the_list(sales):
    assert sales.get(reverse("csv:import", args=["vendor"])).status_code == 403
    assert sales.get(reverse("csv:export", args=["bank_account"])).status_code == 403
    assert sales.get(reverse("csv:export", args=["nonsense"])).status_code == 404


def test_admin_action_exports_the_selected_rows(admin_client):
    factories.CustomerFactory(no="C1", name="Alpha")
    factories.CustomerFactory(no="C2", name="Beta")
    chosen = Customer.objects.get(no="C2")
    response = admin_client.post(reverse("admin:partners_customer_changelist"),
                                 {"action": "export_as_csv", "_selected_action": [chosen.pk]})
    text = b"".join(response.streaming_content).decode()
    assert "C2,Beta" in text and "C1," not in text
