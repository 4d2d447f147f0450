"""The matcher: normalization, scoring, blocking and one-to-one resolution (no database)."""

import random

from contacts.matching import (
    DEFAULT_LINK_SCORE,
    MatchKeys,
    find_candidates,
    normalize_name,
    normalize_phone,
    normalize_vat,
    resolve_one_to_one,
    score,
)


def keys(pk, **values):
    return MatchKeys.of(pk, **values)


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


def test_same_vat_and_similar_name_score_above_link_threshold():
    value, reasons = score(keys(1, name="Fabrikam Inc.", vat_registration_no="DE123456789"),
                           keys(2, name="FABRIKAM", vat_registration_no="123456789"))
    assert value == 100
    assert "same VAT registration no." in reasons


def test_same_name_alone_is_only_a_possible_duplicate_not_a_link():
    value, _ = score(keys(1, name="Fabrikam Inc."), keys(2, name="Fabrikam Ltd"))
    assert value == 60 < DEFAULT_LINK_SCORE


def test_typo_in_name_with_reformatted_phone_links():
    value, reasons = score(keys(1, name="Northwind Traders", phone_no="030 1234567", country_code="DE"),
                           keys(2, name="Northwnd Traders GmbH", phone_no="+49 30 123 4567"))
    assert value >= DEFAULT_LINK_SCORE
    assert "same phone no." in reasons


def test_different_vat_numbers_count_against_a_match():
    same_name_other_vat, _ = score(keys(1, name="Contoso", email="a@contoso.com", vat_registration_no="111"),
                                   keys(2, name="Contoso", email="a@contoso.com", vat_registration_no="222"))
    assert same_name_other_vat < DEFAULT_LINK_SCORE


def test_candidates_come_only_from_shared_blocking_keys():
    left = [keys(1, name="Alpha Widgets", email="info@alpha.test")]
    right = [keys(10, name="Totally Different", email="INFO@alpha.test"), keys(11, name="Zeta Works")]
    found = list(find_candidates(left, right))
    assert [c.right.pk for c in found] == [10]
    assert "same e-mail" in found[0].reasons


def test_one_to_one_resolution_keeps_the_best_score_for_each_side():
    a1, a2 = keys(1, name="Alpha", email="x@a.test"), keys(2, name="Alpha Ltd", phone_no="+1 555 0100 100")
    b = keys(10, name="Alpha", email="x@a.test", phone_no="+1 555 0100 100")
    chosen = resolve_one_to_one(find_candidates([a1, a2], [b]), DEFAULT_LINK_SCORE)
    assert [(c.left.pk, c.right.pk) for c in chosen] == [(1, 10)]


def test_a_tie_for_the_best_match_is_left_for_a_person():
    a = keys(1, name="Alpha", email="x@a.test")
    b1, b2 = keys(10, name="Alpha", email="x@a.test"), keys(11, name="Alpha", email="x@a.test")
    assert resolve_one_to_one(find_candidates([a], [b1, b2]), DEFAULT_LINK_SCORE) == []


def test_a_score_floor_answers_weak_pairs_early_and_strong_pairs_exactly():
    rng = random.Random(5)
    words = ["Alpine", "Alpina", "Beacon", "Becon", "Cedar", "Müller", "Muller", "Smith", "Smyth", "Group"]

    def record(pk):
        return MatchKeys.of(pk, name=" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))),
                            vat_registration_no=rng.choice(["", "DE123", "DE999"]),
                            email=rng.choice(["", "a@x.example", "b@x.example"]),
                            phone_no=rng.choice(["", "+49 30 1234567", "+49 30 7654321"]))

    pairs = [(record(i), record(-i)) for i in range(1, 2000)]
    for floor in (1, 40, 60, 80):
        for a, b in pairs:
            full = score(a, b)
            assert score(a, b, at_least=floor) == (full if full[0] >= floor else (0, []))
