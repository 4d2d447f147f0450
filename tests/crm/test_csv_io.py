"""CSV export and import of contacts, customers, vendors and bank accounts: preview, row errors, atomicity."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.csv_specs import CONTACT_CSV
from contacts.models import Contact, ContactBusinessRelation
from crm import csv_io
from partners.csv_specs import BANK_ACCOUNT_CSV, CUSTOMER_CSV, VENDOR_CSV
from partners.models import BankAccount, Customer, Territory
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


# --- new rows, plain refusals, update preview (issue 11, item 2) --------------------------------------------------


def with_rows(text, *rows):
    """``text`` (an export) with ``rows`` ({column: value}) added under its header, blank cells elsewhere."""
    lines = text.lstrip("\ufeff").splitlines()
    header = next(csv.reader(lines[:1]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\n")
    writer.writeheader()
    out.write("\n".join(lines[1:]) + ("\n" if len(lines) > 1 else ""))
    writer.writerows(rows)
    return out.getvalue()


def test_exported_contacts_with_new_rows_of_blank_no_import_with_the_next_contact_numbers(sync_on):
    company = factories.ContactFactory(no="CT000001", name="Fabrikam")
    text = with_rows(csv_io.export_text(CONTACT_CSV),
                     {"name": "Northwind Traders", "city": "Oslo"},
                     {"type": "person", "company": "CT000001", "first_name": "Jo", "surname": "Bloggs"})
    preview = csv_io.preview(CONTACT_CSV, text)
    assert [(r.action, r.takes_next_number, r.errors) for r in preview.rows] == [
        ("update", False, []), ("create", True, []), ("create", True, [])]
    _, saved = csv_io.run_import(CONTACT_CSV, text)
    assert saved == 3
    northwind = Contact.objects.get(name="Northwind Traders")
    person = Contact.objects.get(surname="Bloggs")
    assert (northwind.no, northwind.type, northwind.city) == ("CT000002", "company", "Oslo")
    assert (person.no, person.company, person.name) == ("CT000003", company, "Jo Bloggs")


@pytest.mark.parametrize("spec, factory, number", [
    (CUSTOMER_CSV, factories.CustomerFactory, "C00001"),
    (VENDOR_CSV, factories.VendorFactory, "V00001"),
    (BANK_ACCOUNT_CSV, factories.BankAccountFactory, "B0001"),
])
def test_exported_partners_with_a_new_row_of_blank_no_import_with_the_next_number_and_get_their_contact(
        sync_on, numbered_partners, spec, factory, number):
    factory(no="OLD1", name="Old Partner")
    text = with_rows(csv_io.export_text(spec), {"name": "Brand New Ltd", "city": "Leeds"})
    preview = csv_io.preview(spec, text)
    assert [(r.action, r.takes_next_number, r.errors) for r in preview.rows] == [
        ("update", False, []), ("create", True, [])]
    csv_io.run_import(spec, text)
    partner = spec.model.objects.get(name="Brand New Ltd")
    assert partner.no == number
    link = ContactBusinessRelation.objects.get(**{partner.kind: partner})  # Marketing Setup: a contact per partner
    assert (link.contact.name, link.contact.city) == ("Brand New Ltd", "Leeds")
    assert link.contact.no.startswith("CT")


def test_a_new_customer_without_a_business_relation_code_gets_no_contact(numbered_partners):
    factories.marketing_setup(customers=None)
    csv_io.run_import(CUSTOMER_CSV, with_rows(csv_io.export_text(CUSTOMER_CSV), {"name": "Quiet Ltd"}))
    customer = Customer.objects.get(name="Quiet Ltd")
    assert customer.no == "C00001" and not ContactBusinessRelation.objects.filter(customer=customer).exists()


def test_blank_cells_of_a_new_row_take_the_defaults_of_a_new_card(numbered_partners):
    csv_io.run_import(CUSTOMER_CSV, with_rows(csv_io.export_text(CUSTOMER_CSV), {"name": "Defaults Ltd"}))
    customer = Customer.objects.get(name="Defaults Ltd")
    assert (customer.contact_type, customer.credit_limit, customer.privacy_blocked) == ("company", 0, False)


def test_a_blank_required_cell_of_an_existing_row_is_an_error_not_a_default():
    factories.CustomerFactory(no="C1", name="Alpha")
    preview = csv_io.preview(CUSTOMER_CSV, "no,name,contact_type\nC1,Alpha,\n")
    assert preview.rows[0].errors == ["contact_type: This field is required."]


def test_rows_with_a_number_are_saved_first_so_the_series_skips_numbers_typed_in_the_file(sync_on):
    text = "no,name\n,Takes The Next\nCT000001,Typed By Hand\n"
    csv_io.run_import(CONTACT_CSV, text)
    assert dict(Contact.objects.values_list("name", "no")) == {"Typed By Hand": "CT000001",
                                                               "Takes The Next": "CT000002"}


CONSTRAINT_WORDS = re.compile(r"onstraint|_no_set|_valid\b|violat|UNIQUE|IntegrityError", re.IGNORECASE)


def test_no_error_of_the_preview_names_a_database_constraint(sync_on):
    factories.ContactFactory(no="CT9", name="Existing")
    text = ("no,type,name,minor,parental_consent_received,privacy_blocked,company,territory\n"
            ",company,A New One,,,,,\n"  # blank number: fine
            "CT5,person,Minor Person,yes,no,no,,\n"  # a minor without consent must be blocked
            "CT6,company,Twice,,,,,\n"
            "CT6,company,Twice Again,,,,,\n"  # a number typed twice
            "CT7,company,Owned,,,,CT9,\n"  # a company cannot belong to a company
            "CT8,company,Far Away,,,,,NOWHERE\n")  # an unknown territory code
    preview = csv_io.preview(CONTACT_CSV, text)
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == [] and errors[4] == []
    assert errors[3] == ["privacy_blocked: A minor stays privacy blocked until parental consent is received."]
    assert errors[5] == ["no: “CT6” is also on line 4; a number can be imported once."]
    assert errors[6] == ["company: A company contact cannot belong to another company."]
    assert errors[7] == ["territory: no territory with code “NOWHERE”."]
    assert not [e for row in preview.rows for e in row.errors if CONSTRAINT_WORDS.search(e)]


def test_a_violated_constraint_is_explained_in_plain_words_by_its_columns():
    """Any constraint the form checks (here one whose field the model's clean() does not catch) is named by
    its columns, never by its name."""
    factories.CustomerFactory(no="C1", name="Alpha")
    constraint = next(c for c in Customer._meta.constraints if c.name == "customer_blocked_valid")
    form = csv_io._form_class(CUSTOMER_CSV, ["no", "name"])(data={"no": "C1", "name": "A"}, instance=Customer())
    form.is_valid()
    form.add_error(None, ValidationError(constraint.get_violation_error_message()))
    assert csv_io._plain_form_errors(CUSTOMER_CSV, form, {"blocked": "everything"}) == [
        "no: Customer with this No. already exists.", "blocked: “everything” is not allowed here."]


def _after_preview(monkeypatch, action):
    """Run ``action`` between the import's preview and its save: what another user does meanwhile."""
    original = csv_io.preview

    def preview_then_act(*args, **kwargs):
        result = original(*args, **kwargs)
        action()
        return result

    monkeypatch.setattr(csv_io, "preview", preview_then_act)


def test_a_number_taken_meanwhile_is_refused_by_line_and_column_and_nothing_is_written(sync_on, monkeypatch):
    _after_preview(monkeypatch, lambda: Contact.objects.create(no="CT7", name="Someone Else's"))
    with pytest.raises(ValidationError) as refused:
        csv_io.run_import(CONTACT_CSV, "no,name\nCT6,First\nCT7,Second\n,Third\n")
    assert refused.value.messages == [
        "Line 3, column no: “CT7” is already used by another contact. Nothing was imported."]
    assert set(Contact.objects.values_list("name", flat=True)) == {"Someone Else's"}


def test_a_code_deleted_meanwhile_is_refused_by_line_and_column_and_nothing_is_written(numbered_partners, monkeypatch):
    factories.TerritoryFactory(code="NORTH")
    factories.TerritoryFactory(code="SOUTH")
    _after_preview(monkeypatch, lambda: Territory.objects.filter(code="SOUTH").delete())
    with pytest.raises(ValidationError) as refused:
        csv_io.run_import(CUSTOMER_CSV, "no,name,territory\n,North Ltd,NORTH\n,South Ltd,SOUTH\n")
    assert refused.value.messages == [
        "Line 3, column territory: the territory “SOUTH” does not exist (any more). Nothing was imported."]
    assert not Customer.objects.exists()


def test_a_refusal_of_the_number_series_names_the_line_and_writes_nothing(db):
    factories.marketing_setup(contact_nos=None)
    with pytest.raises(ValidationError) as refused:
        csv_io.run_import(CONTACT_CSV, "no,name\nCT1,Has A Number\n,Needs A Number\n")
    assert refused.value.messages[0].startswith("Line 3: Contact Nos. is not set in Marketing Setup")
    assert not Contact.objects.exists()


def test_the_preview_of_an_update_lists_old_and_new_values_of_the_changed_cells_only():
    territory = factories.TerritoryFactory(code="NORTH")
    factories.TerritoryFactory(code="SOUTH")
    factories.CustomerFactory(no="C1", name="Alpha", city="Oslo", territory=territory, credit_limit=1000,
                              privacy_blocked=False)
    factories.CustomerFactory(no="C2", name="Beta", city="Lima")
    text = ("no,name,city,territory,credit_limit,privacy_blocked\n"
            "C1,Alpha,Bergen,SOUTH,1000.00,yes\n"
            "C2,Beta,Lima,,0,no\n")
    first, second = csv_io.preview(CUSTOMER_CSV, text).rows
    assert [(c.column, c.old, c.new) for c in first.changes] == [
        ("city", "Oslo", "Bergen"), ("territory", "NORTH", "SOUTH"), ("privacy_blocked", "no", "yes")]
    assert (second.action, second.changes) == ("update", [])


def test_a_short_row_is_read_as_blank_cells_and_previewed_as_such():
    factories.CustomerFactory(no="C1", name="Alpha", city="Oslo")
    row = csv_io.preview(CUSTOMER_CSV, "no,name,city\nC1,Alpha\n").rows[0]
    assert (row.errors, [(c.column, c.old, c.new) for c in row.changes]) == ([], [("city", "Oslo", "")])


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\",\"x\")", "+47 22 33 44 55", "-1+2", "@SUM(A1)",
                                   "'=already quoted", "''=twice"])
def test_export_writes_formula_looking_cells_behind_a_single_quote_and_the_import_reads_them_back(value):
    factories.CustomerFactory(no="C1", name=value, city="Oslo")
    text = csv_io.export_text(CUSTOMER_CSV)
    row = dict(zip(CUSTOMER_CSV.columns, next(csv.reader(io.StringIO(text.splitlines()[1]))), strict=True))
    assert row["name"] == "'" + value and row["city"] == "Oslo"
    Customer.objects.update(name="changed")
    preview, saved = csv_io.run_import(CUSTOMER_CSV, text)
    assert saved == 1 and not preview.bad_rows
    assert Customer.objects.get().name == value


@pytest.mark.parametrize("value", ["\tTab Ltd.", "\rReturn Ltd."])
def test_export_quotes_cells_starting_with_a_tab_or_a_carriage_return(value):
    factories.CustomerFactory(no="C1", name=value)
    row = next(csv.reader(io.StringIO(csv_io.export_text(CUSTOMER_CSV).lstrip("\ufeff").split("\r\n", 1)[1])))
    assert row[CUSTOMER_CSV.columns.index("name")] == "'" + value


def test_a_leading_quote_before_plain_text_is_kept_on_export_and_import():
    factories.CustomerFactory(no="C1", name="'Tis Bakery")
    text = csv_io.export_text(CUSTOMER_CSV)
    assert "C1,'Tis Bakery," in text
    csv_io.run_import(CUSTOMER_CSV, text)
    assert Customer.objects.get().name == "'Tis Bakery"
