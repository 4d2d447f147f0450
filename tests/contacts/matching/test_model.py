"""The Fellegi–Sunter model: m/u by EM on unlabelled data, missing values neutral, term frequencies,
explanations that add up, blocking that catches what name words miss."""

import random

import numpy as np
import pytest
from faker import Faker

from contacts.matching import model
from contacts.matching.blocking import candidate_pairs
from contacts.matching.records import Records

from .helpers import compared, customer, person, scored

def typo(rng, word):
    if len(word) < 3:
        return word
    k = rng.randrange(1, len(word) - 1)
    return word[:k] + word[k + 1] + word[k] + word[k + 2:]


def generated(n=1500, seed=3):
    """``n`` people as customers and a copy of each as a contact with typos, missing and swapped parts
    (names, streets and towns from Faker, seeded)."""
    rng = random.Random(seed)
    fake = Faker("en_AU")
    fake.seed_instance(seed)
    left, right = [], []
    for k in range(n):
        given, surname = fake.first_name().lower(), fake.last_name().lower()
        values = {"address": f"{rng.randint(1, 200)} {fake.street_name()}", "city": fake.city(),
                  "post_code": str(rng.randint(2000, 7999))}
        left.append(customer(k, f"{given} {surname}", **values))
        g, s = (typo(rng, given) if rng.random() < 0.2 else given), (typo(rng, surname) if rng.random() < 0.2
                                                                     else surname)
        if rng.random() < 0.05:
            g, s = s, g
        copy = dict(values)
        if rng.random() < 0.1:
            copy["city"] = ""
        if rng.random() < 0.1:
            copy["post_code"] = copy["post_code"][:3] + str((int(copy["post_code"][3]) + 1) % 10)
        right.append(person(k, g, s, **copy))
    return Records.from_rows(left), Records.from_rows(right)


def test_em_estimates_sensible_m_and_u_from_unlabelled_pairs():
    left, right = generated()
    result = model.match(left, right)
    params = result.params
    assert params.source == "estimated" and params.iterations > 1
    top = {c: len(params.m[c]) - 1 for c in ("surname", "post_code", "city", "address")}
    for c, level in top.items():  # agreement is far likelier among matches than among other candidates
        assert params.m[c][level] > 0.6, c
        assert params.weights(c)[level] > 0, c
        assert params.weights(c)[0] < -2, c  # and disagreement far likelier among non-matches
    assert params.m["post_code"][1] > params.u["post_code"][1]  # a one-digit post code slip marks a match
    assert 0.5 < params.prior * len(result.pairs) / len(left) < 1.2  # about one match per customer
    truth = result.pairs.i == result.pairs.j
    assert result.probability[truth].min() > 0.9
    assert np.sort(result.probability[~truth])[-3:].max() < 0.5


def test_a_missing_value_is_neutral():
    with_city = scored(customer(name="anna roth", city="berlin"), person(given="anna", surname="roth"))
    without = scored(customer(name="anna roth"), person(given="anna", surname="roth"))
    assert with_city.contributions["city"][0] == 0.0
    assert with_city.weight[0] == without.weight[0]
    differs = scored(customer(name="anna roth", city="berlin"), person(given="anna", surname="roth", city="bonn"))
    assert differs.weight[0] < without.weight[0]


def test_term_frequency_adjustment_weighs_a_common_surname_less_than_a_rare_one():
    rows = [customer(k, f"x{k} smith") for k in range(150)] + [customer(150 + k, f"y{k} z{k}") for k in range(2000)]
    rows += [customer(9000, "anna szymanowski")]
    left = Records.from_rows(rows)
    right = Records.from_rows([person(1, "anna", "smith"), person(2, "anna", "szymanowski")])
    pairs = model.Pairs(left, right, np.array([0, len(rows) - 1]), np.array([0, 1]))
    result = model.score(pairs, model.Parameters.defaults())
    smith, szymanowski = result.contributions["surname"]
    assert smith < model.Parameters.defaults().weights("surname")[-1] < szymanowski


def test_the_explanation_lists_each_fields_contribution_and_adds_up():
    result = scored(customer(name="michaela neumann", address="8 stanley street", post_code="4223",
                             vat_registration_no="5304218"),
                    person(given="michaela", surname="neuman", address="8 stanley st", post_code="4223",
                           vat_registration_no="5304219"))
    text = model.explain(result, 0)
    assert "post code agrees +" in text and "surname similar +" in text
    assert "VAT registration no. differs by one digit +" in text
    total = result.prior_weight + sum(c[0] for c in result.contributions.values())
    assert total == pytest.approx(result.weight[0])
    assert result.probability[0] == pytest.approx(model.probability_of(result.weight[0]))


def test_an_address_alone_does_not_outweigh_two_different_names():
    result = scored(customer(name="Fabrikam", address="1 Harbour Road", address_2="Floor 3", post_code="98101",
                             city="Seattle", county="WA"),
                    customer(pk=2, name="Northwind", address="1 Harbour Road", address_2="Floor 3",
                             post_code="98101", city="Seattle", county="WA"))
    location = sum(result.contributions[c][0] for c in model.LOCATION)
    assert location == pytest.approx(model.LOCATION_CAP)
    assert result.probability[0] < 0.5


def test_blocking_catches_swapped_names_a_new_name_at_the_same_address_and_a_vat_typo():
    left = Records.from_rows([
        customer(1, "neumann michaela", post_code="4223", address="8 stanley street"),
        customer(2, "brianna thorpe", post_code="4660", address="54 weipa place"),
        customer(3, "zz top", vat_registration_no="5304218"),
    ])
    right = Records.from_rows([
        person(11, "michaela", "neumann", post_code="9999", address="1 other road"),
        person(12, "benjamin", "goode", post_code="4660", address="54 weipa place"),
        person(13, "aa bottom", "", vat_registration_no="5304278"),
    ])
    i, j, by_rule = candidate_pairs(left, right)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) >= {(0, 0), (1, 1), (2, 2)}
    assert by_rule["name sounds"] >= 1 and by_rule["post code + street"] >= 1
    assert by_rule["VAT no. less one character"] >= 1


def test_duplicate_blocking_pairs_each_two_records_once():
    records = Records.from_rows([person(1, "anna", "roth", post_code="1"), person(2, "roth", "anna", post_code="1"),
                                 person(3, "anna", "roth", post_code="1")])
    i, j, _ = candidate_pairs(records)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]


def test_comparing_a_pair_of_one_record_with_itself_agrees_everywhere_it_knows():
    levels, _, _ = compared(person(given="anna", surname="roth", city="köln"), None, dedupe=True)
    assert levels["given"] == len(model.COMPARISONS["given"][1]) - 1
    assert levels["city"] == len(model.COMPARISONS["city"][1]) - 1
