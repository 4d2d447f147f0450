"""Recognising the same party twice: the normalization of names, phone numbers, e-mail addresses and
VAT registration numbers that the probabilistic matcher builds on.

The matcher itself: ``records`` (normalized columns), ``blocking`` (candidate pairs), ``model``
(Fellegi–Sunter comparison levels, EM, match probabilities, explanations), ``store`` (the estimated
parameters kept in the database). Used by ``link_contacts`` (partner ↔ contact) and by the duplicate
index (contact ↔ contact). Everything but ``store`` is pure Python/NumPy on plain values.

- Names: case and accents ignored, punctuation dropped, "&" read as "and", trailing legal-form
  suffixes (Inc, Ltd, GmbH, AG, S.A., LLC, Corp, Co, plc, …) and a leading "The" ignored;
  similarity by RapidFuzz's token-sort ratio (word order ignored).
- Phone numbers: E.164 through phonenumberslite, the record's country as default region.
- E-mail: trimmed, lower case. VAT registration numbers: python-stdnum's compact form (letters and
  digits only, upper case) without the leading country prefix.
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat

from crm.validators import vat_prefix_country

# Entries kept by each memo of normalized values (the words of a value, an address's parts, a Soundex code).
# A bulk run normalizes millions of values, most of them once (street + house number); the entries of a
# functools cache are walked by every full garbage collection, so a memo of 200,000 entries made each one of a
# 1,000,000-contact seed cost 0.3 s more than at its start (issue 15). Repeated values (towns, given names,
# post codes) stay cached with far fewer.
CACHE_SIZE = 16_384

# Legal-form words, compared after normalization ("S.A." → "sa", "Co." → "co").
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "ltd", "limited", "gmbh", "mbh", "ag", "sa", "llc", "corp", "corporation", "co",
    "company", "plc", "bv", "nv", "srl", "spa", "kg", "ohg", "ug", "oy", "ab", "as", "pty", "llp", "lp", "sarl",
    "sas", "se", "kft", "sro", "doo", "pvt", "lda", "cv", "kk",
})
_DROP = re.compile(r"[.'’`´]")  # joined without a space: S.A. → SA, O'Neil → ONeil
_SPLIT = re.compile(r"[^0-9a-z]+")
_VAT_CLEAN = re.compile(r"[^0-9A-Z]")
_DIGITS = re.compile(r"\D")


def strip_accents(value: str) -> str:
    if value.isascii():  # most names and numbers: nothing to strip
        return value
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


# Letters with no accent to strip but an ASCII spelling people use in e-mail addresses and web domains.
_ASCII_SPELLINGS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss",
                                  "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"})


def ascii_spelling(value: str) -> str:
    """``value`` as written in ASCII (an e-mail address, a web domain): accents stripped, ø → o, æ → ae,
    ß → ss …; letters with no ASCII spelling (Cyrillic, CJK …) are dropped."""
    if value.isascii():
        return value
    return strip_accents(value.translate(_ASCII_SPELLINGS)).encode("ascii", "ignore").decode()


@lru_cache(maxsize=20_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name that identify the organisation: ``"The Müller & Co. GmbH"`` → ``("muller", "and")``."""
    text = _DROP.sub("", strip_accents(name or "").lower().replace("&", " and "))
    tokens = [t for t in _SPLIT.split(text) if t]
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    while tokens and tokens[-1] == "and":  # "Smith & Co" → "smith and" → "smith"
        tokens.pop()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    return tuple(tokens)


def normalize_name(name: str) -> str:
    return " ".join(name_tokens(name))


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def normalize_vat(vat: str) -> str:
    """python-stdnum's compact form without the country prefix: "DE 123 456 789", "de123456789" and
    "123456789" are the same number; so are "EL094014201" and "GR 094 014 201"."""
    value = _VAT_CLEAN.sub("", strip_accents(vat or "").upper())
    if vat_prefix_country(value[:2]):  # an EU number (value is compact: the prefix is its first two characters)
        try:
            value = eu_vat.compact(value)
        except stdnum_exceptions.ValidationError:
            pass
        return value[2:]
    if len(value) > 2 and value[:2].isalpha() and value[2:3].isdigit():
        value = value[2:]
    return value


@lru_cache(maxsize=20_000)
def normalize_phone(phone: str, country_code: str = "") -> str:
    """E.164 (``+4930123456``) when the number can be read, else its digits; blank when too short to compare."""
    if not phone:
        return ""
    if phone[0] == "+" and "(" not in phone:  # already international: E.164 is "+" and the digits
        digits = _DIGITS.sub("", phone)
        if 8 <= len(digits) <= 15:
            return "+" + digits
    try:
        parsed = phonenumbers.parse(phone, (country_code or "").upper() or None)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = _DIGITS.sub("", phone)
    return digits if len(digits) >= 6 else ""
