"""Validators for the code fields shared by contacts and partners.

Country and currency codes are checked against ISO 3166 / ISO 4217 (pycountry), language tags
against BCP 47 (langcodes), IBAN and BIC with schwifty, VAT registration nos. with python-stdnum:
none of these lists or checksums is kept by hand.
"""

import random

import langcodes
import pycountry
import stdnum
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.util import clean as stdnum_clean


def validate_country_code(value):
    # pycountry looks codes up case-insensitively; the stored code must be the upper-case ISO form.
    if value and (len(value) != 2 or not value.isupper() or pycountry.countries.get(alpha_2=value) is None):
        raise ValidationError(
            "“%(value)s” is not an ISO 3166 country code (two capital letters, e.g. DE, US, GB).",
            code="invalid_country",
            params={"value": value},
        )


def validate_currency_code(value):
    if value and (len(value) != 3 or not value.isupper() or pycountry.currencies.get(alpha_3=value) is None):
        raise ValidationError(
            "“%(value)s” is not an ISO 4217 currency code (three capital letters, e.g. EUR, USD).",
            code="invalid_currency",
            params={"value": value},
        )


def validate_language_code(value):
    # langcodes also accepts "en_US"; a BCP 47 tag separates its subtags with hyphens.
    if value and ("_" in value or not langcodes.tag_is_valid(value)):
        raise ValidationError(
            "“%(value)s” is not a language tag (ISO 639 / BCP 47, e.g. en, de-AT).",
            code="invalid_language",
            params={"value": value},
        )


validate_phone_no = RegexValidator(
    r"^[0-9+()./\- ]*$",
    "A phone number may contain only digits, spaces and + ( ) - . /",
    code="invalid_phone",
)


def validate_iban(value):
    if not value:
        return
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError("“%(value)s” is not a valid IBAN: %(reason)s", code="invalid_iban",
                              params={"value": value, "reason": exc}) from exc


def validate_bic(value):
    if not value:
        return
    try:
        BIC(value)
    except SchwiftyException as exc:
        raise ValidationError("“%(value)s” is not a valid SWIFT/BIC code: %(reason)s", code="invalid_bic",
                              params={"value": value, "reason": exc}) from exc


def bank_country_errors(iban: str, bic: str, country_code: str) -> dict[str, str]:
    """Why an IBAN does not belong with the BIC or the bank account's country: {field: message}.

    The IBAN's country (its first two letters) must be the BIC's (its 5th and 6th letters) and, when the
    bank account has a country, that one too. Malformed codes are left to validate_iban / validate_bic.
    """
    try:
        iban_country = IBAN(iban).country_code if iban else ""
        bic_country = BIC(bic).country_code if bic else ""
    except SchwiftyException:
        return {}
    errors = {}
    if iban_country and bic_country and iban_country != bic_country:
        errors["swift_code"] = (f"The IBAN is an account in {_country_name(iban_country)}, but the SWIFT code "
                                f"{bic.replace(' ', '').upper()} is of a bank in {_country_name(bic_country)}: "
                                "check both.")
    if iban_country and country_code and iban_country != country_code.upper():
        errors["country_code"] = (f"The IBAN is an account in {_country_name(iban_country)}, but the bank "
                                  f"account's country is {_country_name(country_code.upper())}: correct the IBAN "
                                  "or the country.")
    return errors


# ---------------------------------------------------------------------------------------------
# VAT registration nos.
# ---------------------------------------------------------------------------------------------

# The VAT prefix of an EU country where it is not the ISO code (Greece: EL; Northern Ireland: XI, in GB).
_VAT_PREFIX = {"GR": "EL"}
_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}

# What a sales person should type, per country (the checks themselves are python-stdnum's).
VAT_FORMATS = {
    "AT": "ATU followed by 8 digits", "BE": "BE followed by 10 digits, starting with 0 or 1",
    "BG": "BG followed by 9 or 10 digits", "CY": "CY followed by 8 digits and a letter",
    "CZ": "CZ followed by 8 to 10 digits", "DE": "DE followed by 9 digits", "DK": "DK followed by 8 digits",
    "EE": "EE followed by 9 digits", "ES": "ES followed by 9 characters (a letter or digit, 7 digits, "
                                           "a letter or digit)",
    "FI": "FI followed by 8 digits", "FR": "FR followed by 2 check characters and the 9-digit SIREN",
    "GB": "GB followed by 9 or 12 digits", "GR": "EL followed by 9 digits", "HR": "HR followed by 11 digits",
    "HU": "HU followed by 8 digits", "IE": "IE followed by 7 digits and 1 or 2 letters",
    "IT": "IT followed by 11 digits", "LT": "LT followed by 9 or 12 digits", "LU": "LU followed by 8 digits",
    "LV": "LV followed by 11 digits", "MT": "MT followed by 8 digits",
    "NL": "NL followed by 9 digits, the letter B and 2 digits", "PL": "PL followed by 10 digits",
    "PT": "PT followed by 9 digits", "RO": "RO followed by 2 to 10 digits",
    "SE": "SE followed by 10 digits and 01", "SI": "SI followed by 8 digits", "SK": "SK followed by 10 digits",
    "CH": "CHE followed by 9 digits and MWST, TVA or IVA", "NO": "9 digits followed by MVA",
}

_VAT_REASONS = {
    stdnum_exceptions.InvalidLength: "it has too many or too few characters",
    stdnum_exceptions.InvalidChecksum: "its check digit does not match (a digit is wrong or two are swapped)",
    stdnum_exceptions.InvalidFormat: "it has characters that do not belong there",
    stdnum_exceptions.InvalidComponent: "a part of it is not valid",
}


def _country_name(country_code: str) -> str:
    country = pycountry.countries.get(alpha_2=country_code)
    return getattr(country, "common_name", None) or country.name if country else country_code


def _is_eu(country_code: str) -> bool:
    return _VAT_PREFIX.get(country_code, country_code).lower() in eu_vat.MEMBER_STATES


def vat_prefix_country(value: str) -> str:
    """The country whose EU VAT prefix ``value`` starts with ("EL…" → GR), or ""."""
    prefix = stdnum_clean(value or "", " -./,").upper()[:2]
    if not (prefix.isalpha() and prefix.lower() in eu_vat.MEMBER_STATES | {"el"}):
        return ""
    return _PREFIX_COUNTRY.get(prefix, prefix)


def _vat_check(country_code: str):
    """The function that validates a VAT no. of ``country_code`` (raising stdnum's errors), or None when
    python-stdnum does not know the country's VAT nos. (they are then accepted as typed)."""
    if _is_eu(country_code):
        prefix = _VAT_PREFIX.get(country_code, country_code)

        def check(value):
            compact = stdnum_clean(value, " -./,").upper()
            return eu_vat.validate(compact if vat_prefix_country(compact) else prefix + compact)

        return check
    module = stdnum.get_cc_module(country_code.lower(), "vat") if len(country_code) == 2 else None
    return module.validate if module is not None else None


def vat_registration_no_error(value: str, country_code: str) -> str | None:
    """Why ``value`` is not a VAT registration no. of ``country_code``, or None.

    Blank is fine. The number is checked against the record's country; an EU number may carry its
    country's prefix ("DE136695976", "EL094014201"), and with no country the prefix says which one.
    A country whose VAT nos. python-stdnum does not know (e.g. the US) accepts what was typed.
    """
    if not value or not value.strip():
        return None
    country_code = (country_code or "").upper()
    prefix_country = vat_prefix_country(value)
    if not country_code:
        country_code = prefix_country
        if not country_code:
            return None
    check = _vat_check(country_code)
    if check is None:
        return None
    expected = VAT_FORMATS.get(country_code)
    expected_text = f" A VAT no. of {_country_name(country_code)} is {expected}." if expected else ""
    if prefix_country and prefix_country != country_code:
        return (f"“{value}” is a VAT registration no. of {_country_name(prefix_country)}, but the country is "
                f"{_country_name(country_code)}: correct the VAT no. or the country.{expected_text}")
    try:
        check(value)
    except stdnum_exceptions.ValidationError as exc:
        reason = next((text for kind, text in _VAT_REASONS.items() if isinstance(exc, kind)), "it is not valid")
        return (f"“{value}” is not a valid VAT registration no. of {_country_name(country_code)}: {reason}."
                f"{expected_text}")
    return None


def validate_vat_registration_no(value: str, country_code: str) -> None:
    if message := vat_registration_no_error(value, country_code):
        raise ValidationError(message, code="invalid_vat_registration_no")


# The shape of a VAT no. per country ("#" a random digit), for example_vat_no; the check digits come
# out right by trying (stdnum validates each candidate).
_VAT_SHAPES = {
    "AT": "ATU########", "BE": "BE0#########", "DE": "DE#########", "DK": "DK########", "FI": "FI########",
    "FR": "FR###########", "GB": "GB#########", "GR": "EL#########", "HU": "HU########",
    "IT": "IT###########", "LU": "LU########", "NL": "NL#########B##", "PL": "PL##########",
    "PT": "PT#########", "SE": "SE##########01", "SI": "SI########",
}


def example_vat_no(country_code: str, rng: random.Random) -> str:
    """A valid (checksum-correct) VAT registration no. of ``country_code`` drawn from ``rng``, for demo
    and test data; "" for a country whose VAT nos. are not checked (e.g. the US). ValueError for a
    checked country this function has no shape for."""
    country_code = country_code.upper()
    if _vat_check(country_code) is None:
        return ""
    shape = _VAT_SHAPES.get(country_code)
    if shape is None:
        raise ValueError(f"No example VAT registration no. for country {country_code}.")
    # Draw the digits, then try the ten values of the last one (most countries' check digit) with stdnum's
    # own quick check; the full validation once, for the number returned. Seeding draws one per company.
    module = eu_vat if _is_eu(country_code) else stdnum.get_cc_module(country_code.lower(), "vat")
    last = shape.rindex("#")
    for _attempt in range(20_000):
        digits = [str(rng.randrange(10)) if char == "#" else char for char in shape]
        for check_digit in "0123456789":
            digits[last] = check_digit
            candidate = "".join(digits)
            if country_code == "FR":  # the two leading check digits follow from the SIREN (stdnum computes them)
                candidate = "FR" + fr_siren.to_tva(candidate[4:])
            if module.is_valid(candidate) and vat_registration_no_error(candidate, country_code) is None:
                return candidate
    raise ValueError(f"No valid VAT registration no. found for country {country_code}.")  # pragma: no cover
