"""Code fields are validated against the real lists (ISO 3166 / 4217, BCP 47, IBAN/BIC rules) by full_clean."""

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Contact, MarketingSetup
from partners.models import BankAccount, Customer, CustomerTemplate, SalespersonPurchaser, Vendor, VendorTemplate
from tests.factories import BankAccountFactory, ContactFactory, CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict:
    try:
        instance.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.mark.parametrize("value", ["DE00370400440532013000", "DE8937040044053201300", "XX89370400440532013000",
                                   "not an iban", "GB82WEST1234569876543"])
def test_a_bad_iban_is_refused_with_the_reason(value):
    account = BankAccountFactory.build(iban=value)
    assert "is not a valid IBAN" in errors_of(account)["iban"][0]


@pytest.mark.parametrize("value", ["DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"])
def test_a_valid_iban_passes_with_or_without_spaces(value):
    assert "iban" not in errors_of(BankAccountFactory.build(iban=value))


def test_iban_and_bic_are_stored_compact_and_upper_case():
    account = BankAccountFactory(iban="de89 3704 0044 0532 0130 00", swift_code="coba de ff xxx")
    account.refresh_from_db()
    assert (account.iban, account.swift_code) == ("DE89370400440532013000", "COBADEFFXXX")


@pytest.mark.parametrize("value", ["COBADEF", "COBAXXFFXXX", "12345678", "COBADEFFXXXX"])
def test_a_bad_swift_code_is_refused(value):
    assert "is not a valid SWIFT/BIC code" in errors_of(BankAccountFactory.build(swift_code=value))["swift_code"][0]


@pytest.mark.parametrize("value", ["COBADEFF", "COBADEFFXXX", "DEUTDEBBXXX"])
def test_a_valid_swift_code_passes(value):
    assert "swift_code" not in errors_of(BankAccountFactory.build(swift_code=value))


@pytest.mark.parametrize("factory", [ContactFactory, CustomerFactory, VendorFactory, BankAccountFactory])
@pytest.mark.parametrize("field, value, message", [
    ("country_code", "XX", "is not an ISO 3166 country code"),
    ("country_code", "de", "is not an ISO 3166 country code"),
    ("country_code", "D", "is not an ISO 3166 country code"),
    ("currency_code", "EUX", "is not an ISO 4217 currency code"),
    ("currency_code", "eur", "is not an ISO 4217 currency code"),
    ("currency_code", "E", "is not an ISO 4217 currency code"),
    ("language_code", "english", "is not a language tag"),
    ("language_code", "en_US", "is not a language tag"),
    ("language_code", "zz-ZZ-9", "is not a language tag"),
    ("email", "not-an-email", "valid email"),
    ("email", "a@b", "valid email"),
    ("phone_no", "call me maybe", "phone number may contain only"),
    ("mobile_phone_no", "+49 (0)30 12-34 x5", "phone number may contain only"),
])
def test_bad_codes_are_refused_on_every_party(factory, field, value, message):
    instance = factory.build(**{field: value})
    assert message in " ".join(errors_of(instance)[field])


@pytest.mark.parametrize("factory", [ContactFactory, CustomerFactory, VendorFactory, BankAccountFactory])
def test_good_codes_pass_on_every_party(factory):
    instance = factory.build(country_code="DE", currency_code="EUR", language_code="de-AT", email="info@example.de",
                             phone_no="+49 (30) 123-456/7")
    assert errors_of(instance) == {}


@pytest.mark.parametrize("model", [CustomerTemplate, VendorTemplate])
def test_templates_validate_their_country_and_currency(model):
    errors = errors_of(model(code="T1", country_code="ZZ", currency_code="XYZ"))
    assert set(errors) == {"country_code", "currency_code"}
    assert errors_of(model(code="T2", country_code="FR", currency_code="EUR")) == {}


def test_marketing_setup_validates_its_default_country_and_language():
    setup = MarketingSetup.load()
    setup.default_country_code, setup.default_language_code = "Germany", "german!"
    assert set(errors_of(setup)) == {"default_country_code", "default_language_code"}


def test_salesperson_email_is_validated():
    assert "email" in errors_of(SalespersonPurchaser(code="SP", email="nope"))


@pytest.mark.parametrize("model", [Contact, Customer, Vendor, BankAccount])
def test_blank_codes_are_allowed(model):
    instance = model(no="X1", name="Blank codes")
    assert errors_of(instance) == {}
