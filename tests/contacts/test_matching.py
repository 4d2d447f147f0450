"""The matcher's normalization of names, phone numbers and VAT nos. (no database; the model's own tests are
in tests/contacts/matching/)."""

from contacts.matching import normalize_name, normalize_phone, normalize_vat


def test_names_ignore_case_accents_punctuation_and_legal_suffixes():
    assert normalize_name("Müller & Söhne GmbH") == normalize_name("MULLER AND SOHNE")
    assert normalize_name("Acme, Inc.") == normalize_name("ACME Corp") == "acme"
    assert normalize_name("Société Générale S.A.") == "societe generale"
    assert normalize_name("The Fabrikam Co., Ltd.") == "fabrikam"
    assert normalize_name("Contoso plc") == normalize_name("contoso LLC")


def test_a_legal_word_alone_is_kept_as_the_name():
    assert normalize_name("Company") == "company"


def test_phone_numbers_are_compared_in_e164_using_the_country_as_region():
    assert normalize_phone("030 1234567", "DE") == normalize_phone("+49 30 1234567", "") == "+49301234567"
    assert normalize_phone("(555) 010-4477", "US") == normalize_phone("+1 555 010 4477", "GB")
    assert normalize_phone("12", "US") == ""


def test_vat_numbers_ignore_spacing_and_country_prefix():
    assert normalize_vat("de 123 456 789") == normalize_vat("123456789") == "123456789"
