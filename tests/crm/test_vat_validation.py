"""VAT registration nos. are checked per country with python-stdnum; IBAN, BIC and country must agree."""

import random

import pytest
from django.core.exceptions import ValidationError

from crm.validators import bank_country_errors, example_vat_no, validate_vat_registration_no, vat_registration_no_error


@pytest.mark.parametrize("value, country", [
    ("DE136695976", "DE"), ("DE 136 695 976", "DE"), ("136695976", "DE"), ("de136695976", "DE"),
    ("FR40303265045", "FR"), ("40 303 265 045", "FR"),
    ("GB980780684", "GB"), ("980 7806 84", "GB"),
    ("NL004495445B01", "NL"), ("004495445B01", "NL"),
    ("PL5260250274", "PL"), ("526-025-02-74", "PL"),
    ("EL094014201", "GR"), ("094014201", "GR"), ("GR094014201", "GR"),
    ("12-3456789", "US"), ("anything at all", "US"),
    ("DE136695976", ""), ("123", ""),
    ("", "DE"), ("   ", "FR"),
])
def test_a_valid_vat_no_or_one_of_a_country_stdnum_does_not_know_is_accepted(value, country):
    assert vat_registration_no_error(value, country) is None
    validate_vat_registration_no(value, country)


@pytest.mark.parametrize("value, country, message", [
    ("DE 12345678", "DE", "“DE 12345678” is not a valid VAT registration no. of Germany: it has too many or too "
                          "few characters. A VAT no. of Germany is DE followed by 9 digits."),
    ("DE123456789", "DE", "of Germany: its check digit does not match"),
    ("FR40303265046", "FR", "of France: its check digit does not match"),
    ("GB980780685", "GB", "of United Kingdom: its check digit does not match"),
    ("NL004495445C01", "NL", "of Netherlands: it has characters that do not belong there. A VAT no. of "
                             "Netherlands is NL followed by 9 digits, the letter B and 2 digits."),
    ("PL5260250275", "PL", "of Poland: its check digit does not match"),
    ("EL094014202", "GR", "of Greece: its check digit does not match"),
    ("EL09401420", "GR", "A VAT no. of Greece is EL followed by 9 digits."),
    ("DE123456789", "", "of Germany: its check digit does not match"),
])
def test_an_invalid_vat_no_is_refused_naming_the_country_and_the_format(value, country, message):
    assert message in vat_registration_no_error(value, country)
    with pytest.raises(ValidationError):
        validate_vat_registration_no(value, country)


def test_an_eu_vat_no_of_another_country_than_the_records_is_refused():
    assert vat_registration_no_error("FR40303265045", "DE") == (
        "“FR40303265045” is a VAT registration no. of France, but the country is Germany: correct the VAT no. or "
        "the country. A VAT no. of Germany is DE followed by 9 digits.")


@pytest.mark.parametrize("country", ["DE", "FR", "GB", "NL", "PL", "GR", "AT", "DK", "BE", "IT", "SE"])
def test_example_vat_no_returns_a_valid_number_for_the_country_repeatably(country):
    first = example_vat_no(country, random.Random(7))
    assert first and vat_registration_no_error(first, country) is None
    assert example_vat_no(country, random.Random(7)) == first
    assert len({example_vat_no(country, random.Random(seed)) for seed in range(5)}) > 1


def test_example_vat_no_is_blank_where_vat_nos_are_not_checked():
    assert example_vat_no("US", random.Random(1)) == ""


def test_a_greek_example_carries_the_el_prefix():
    assert example_vat_no("GR", random.Random(3)).startswith("EL")


@pytest.mark.parametrize("iban, bic, country, errors", [
    ("DE89370400440532013000", "COBADEFFXXX", "DE", {}),
    ("DE89370400440532013000", "COBADEFF", "", {}),
    ("DE89370400440532013000", "", "DE", {}),
    ("", "BNPAFRPPXXX", "DE", {}),
    ("DE89370400440532013000", "bnpa fr pp xxx", "DE", {
        "swift_code": "The IBAN is an account in Germany, but the SWIFT code BNPAFRPPXXX is of a bank in France: "
                      "check both."}),
    ("DE89370400440532013000", "COBADEFFXXX", "FR", {
        "country_code": "The IBAN is an account in Germany, but the bank account's country is France: correct the "
                        "IBAN or the country."}),
    ("not an iban", "BNPAFRPPXXX", "DE", {}),  # left to the IBAN's own check
])
def test_iban_country_must_match_the_bic_and_the_bank_accounts_country(iban, bic, country, errors):
    assert bank_country_errors(iban, bic, country) == errors
