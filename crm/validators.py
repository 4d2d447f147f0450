"""Validators for the code fields shared by contacts and partners.

Country and currency codes are checked against ISO 3166 / ISO 4217 (pycountry), language tags
against BCP 47 (langcodes), IBAN and BIC with schwifty: none of these lists is kept by hand.
"""

import langcodes
import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException


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
