"""Company Information: our own name, address, VAT registration no. and bank, a one-row setup in the admin."""

import pytest
from django.urls import reverse

from documents.models import CompanyInformation

pytestmark = pytest.mark.django_db

CHANGE = reverse("admin:documents_companyinformation_change", args=[1])
FORM = {"name": "Ελληνική Εταιρεία Α.Ε.", "address": "Οδός Ερμού 25", "address_2": "", "post_code": "105 63",
        "city": "Αθήνα", "country_code": "GR", "phone_no": "+30 210 000 0000", "email": "info@eteria.example",
        "home_page": "eteria.example", "vat_registration_no": "el094014201", "local_currency_code": "EUR",
        "bank_name": "Alpha Bank", "iban": "GR16 0110 1250 0000 0001 2300 695", "swift_code": "crbagraa"}


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def setup_page(admin_client):
    """The setup page as an administrator reaches it: from the admin's list, which makes the one row."""
    admin_client.get(reverse("admin:documents_companyinformation_changelist"))
    return admin_client


def test_company_information_opens_in_the_admin_straight_on_its_one_row(admin_client):
    response = admin_client.get(reverse("admin:documents_companyinformation_changelist"))
    assert response["Location"] == CHANGE
    page = admin_client.get(CHANGE).content.decode()
    for label in ("VAT registration no.", "Local currency", "IBAN", "SWIFT code", "Home page"):
        assert label in page
    assert CompanyInformation.objects.count() == 1


def test_saving_company_information_in_the_admin_stores_it_normalized(setup_page):
    response = setup_page.post(CHANGE, FORM)
    assert response.status_code == 302, response.content.decode()
    company = CompanyInformation.objects.get()
    assert (company.name, company.city, company.country_code) == ("Ελληνική Εταιρεία Α.Ε.", "Αθήνα", "GR")
    assert (company.vat_registration_no, company.iban, company.swift_code) == (
        "EL094014201", "GR1601101250000000012300695", "CRBAGRAA")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("iban", "GR16 0110 1250 0000 0001 2300 696", "is not a valid IBAN"),
    ("swift_code", "NOTABIC", "is not a valid SWIFT/BIC code"),
    ("country_code", "XX", "is not an ISO 3166 country code"),
    ("local_currency_code", "EURO", "Ensure this value has at most 3 characters"),
    ("local_currency_code", "ABC", "is not an ISO 4217 currency code"),
])
def test_the_admin_refuses_an_invalid_bank_country_or_currency_next_to_its_field(setup_page, field, value,
                                                                                  message):
    response = setup_page.post(CHANGE, {**FORM, field: value})
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not CompanyInformation.objects.filter(name=FORM["name"]).exists()


def test_reading_company_information_before_it_is_set_up_writes_nothing():
    company = CompanyInformation.current()
    assert (company.name, company.address_lines, company.contact_lines, company.bank_line) == ("", [], [], "")
    assert not CompanyInformation.objects.exists()


def test_the_printed_lines_of_company_information_leave_out_what_is_blank():
    company = CompanyInformation(name="Cronus AG", address="Hauptstraße 1", post_code="10115", city="Berlin",
                                 country_code="DE", email="info@cronus.example", vat_registration_no="DE123456789",
                                 iban="DE89370400440532013000")
    assert company.address_lines == ["Cronus AG", "Hauptstraße 1", "10115 Berlin", "DE"]
    assert company.contact_lines == ["E-mail info@cronus.example", "VAT reg. no. DE123456789"]
    assert company.bank_line == "IBAN DE89370400440532013000"
