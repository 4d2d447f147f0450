"""Customers' and vendors' VAT registration nos. are checked against their country; a bank account's IBAN
must be of the BIC's country and of the bank account's own country."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import csv_io
from partners.csv_specs import BANK_ACCOUNT_CSV, CUSTOMER_CSV, VENDOR_CSV
from partners.models import BankAccount, Customer, Vendor
from tests import factories
from tests.admin_forms import admin_form_data
from tests.screens import form_data

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict:
    try:
        instance.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.mark.parametrize("factory", [factories.CustomerFactory, factories.VendorFactory])
@pytest.mark.parametrize("country, value", [
    ("DE", "DE 136 695 976"), ("FR", "FR40303265045"), ("GB", "GB980780684"), ("NL", "NL004495445B01"),
    ("PL", "PL5260250274"), ("GR", "EL094014201"), ("US", "12-3456789"), ("DE", ""),
])
def test_a_partner_with_a_valid_vat_no_of_its_country_passes(factory, country, value):
    assert "vat_registration_no" not in errors_of(factory.build(country_code=country, vat_registration_no=value))


@pytest.mark.parametrize("factory", [factories.CustomerFactory, factories.VendorFactory])
@pytest.mark.parametrize("country, value, message", [
    ("DE", "DE12345678", "not a valid VAT registration no. of Germany"),
    ("FR", "FR40303265046", "not a valid VAT registration no. of France"),
    ("GB", "GB980780685", "not a valid VAT registration no. of United Kingdom"),
    ("NL", "NL004495445B0", "not a valid VAT registration no. of Netherlands"),
    ("PL", "PL5260250275", "not a valid VAT registration no. of Poland"),
    ("GR", "EL094014202", "not a valid VAT registration no. of Greece"),
    ("DE", "PL5260250274", "is a VAT registration no. of Poland, but the country is Germany"),
])
def test_a_partner_with_an_invalid_vat_no_is_refused_naming_the_country(factory, country, value, message):
    errors = errors_of(factory.build(country_code=country, vat_registration_no=value))
    assert message in errors["vat_registration_no"][0]


def test_the_vat_no_is_stored_as_typed_in_capitals():
    customer = factories.CustomerFactory(country_code="NL", vat_registration_no="nl 0044.95445.b01")
    customer.full_clean()
    customer.refresh_from_db()
    assert customer.vat_registration_no == "NL 0044.95445.B01"


def test_the_customer_card_refuses_an_invalid_vat_no_and_saves_nothing(sales):
    customer = factories.CustomerFactory(no="C00001", name="Northwind", country_code="DE")
    data = form_data(sales.get(customer.get_absolute_url()).context["form"])
    data["vat_registration_no"] = "DE123456789"
    response = sales.post(customer.get_absolute_url(), data)
    assert response.status_code == 200
    assert "is not a valid VAT registration no. of Germany: its check digit does not match" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).vat_registration_no == ""
    data["vat_registration_no"] = "de136695976"
    assert sales.post(customer.get_absolute_url(), data).status_code == 302
    assert Customer.objects.get(pk=customer.pk).vat_registration_no == "DE136695976"


def test_the_vendor_card_refuses_a_vat_no_of_another_country(purchasing):
    vendor = factories.VendorFactory(no="V00001", name="Fabrikam", country_code="FR")
    data = form_data(purchasing.get(vendor.get_absolute_url()).context["form"])
    data["vat_registration_no"] = "DE136695976"
    response = purchasing.post(vendor.get_absolute_url(), data)
    assert response.status_code == 200 and "but the country is France" in response.content.decode()
    assert Vendor.objects.get(pk=vendor.pk).vat_registration_no == ""


def test_the_admin_refuses_an_invalid_vat_no_on_a_customer_and_a_foreign_bic_on_a_bank_account(admin_client):
    customer = factories.CustomerFactory(no="C00001", country_code="NL")
    url = reverse("admin:partners_customer_change", args=[customer.pk])
    data = admin_form_data(admin_client, url)
    data["vat_registration_no"] = "NL004495445B00"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "not a valid VAT registration no. of Netherlands" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).vat_registration_no == ""
    account = factories.BankAccountFactory(no="B0001")
    url = reverse("admin:partners_bankaccount_change", args=[account.pk])
    data = admin_form_data(admin_client, url)
    data["swift_code"] = "BNPAFRPPXXX"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "is of a bank in France: check both" in response.content.decode()
    assert BankAccount.objects.get(pk=account.pk).swift_code == "COBADEFFXXX"


def test_csv_import_refuses_rows_with_an_invalid_vat_no(numbered_partners):
    text = ("no,name,country_code,vat_registration_no\n"
            "C1,Good GmbH,DE,DE136695976\n"
            "C2,Bad GmbH,DE,DE123456789\n"
            "C3,Greek SA,GR,EL094014201\n"
            "C4,American Inc,US,12-3456789\n")
    preview = csv_io.preview(CUSTOMER_CSV, text)
    assert [row.ok for row in preview.rows] == [True, False, True, True]
    assert "not a valid VAT registration no. of Germany" in " ".join(preview.rows[1].errors)
    vendors = csv_io.preview(VENDOR_CSV, "no,name,country_code,vat_registration_no\nV1,Polska,PL,PL5260250275\n")
    assert not vendors.rows[0].ok
    assert not Customer.objects.exists() and not Vendor.objects.exists()


@pytest.mark.parametrize("iban, swift, country, field, message", [
    ("DE89370400440532013000", "BNPAFRPPXXX", "DE", "swift_code",
     "but the SWIFT code BNPAFRPPXXX is of a bank in France"),
    ("DE89370400440532013000", "COBADEFFXXX", "FR", "country_code", "but the bank account's country is France"),
])
def test_a_bank_account_whose_iban_country_differs_from_the_bic_or_its_country_is_refused(iban, swift, country,
                                                                                          field, message):
    account = factories.BankAccountFactory.build(iban=iban, swift_code=swift, country_code=country)
    assert message in errors_of(account)[field][0]


@pytest.mark.parametrize("country", ["DE", ""])
def test_a_bank_account_whose_iban_bic_and_country_agree_passes(country):
    account = factories.BankAccountFactory.build(iban="DE89370400440532013000", swift_code="COBADEFFXXX",
                                                 country_code=country)
    errors = errors_of(account)
    assert not {"iban", "swift_code", "country_code"} & set(errors)


def test_the_bank_account_card_and_csv_import_refuse_a_foreign_bic(finance, numbered_partners):
    account = factories.BankAccountFactory(no="B0001", country_code="DE")
    data = form_data(finance.get(account.get_absolute_url()).context["form"])
    data["swift_code"] = "BNPAFRPPXXX"
    response = finance.post(account.get_absolute_url(), data)
    assert response.status_code == 200 and "is of a bank in France: check both" in response.content.decode()
    assert BankAccount.objects.get(pk=account.pk).swift_code == "COBADEFFXXX"
    preview = csv_io.preview(BANK_ACCOUNT_CSV, "no,name,country_code,iban,swift_code\n"
                                               "B9,Bank,DE,DE89370400440532013000,BNPAFRPPXXX\n")
    assert not preview.rows[0].ok and "check both" in " ".join(preview.rows[0].errors)
