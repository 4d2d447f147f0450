"""The equivalence machinery itself: the same seed builds the same data (numbers included, on SQLite
and PostgreSQL alike), the snapshot sees a change in every section it covers, and its differences
and history findings name the record, the field and both values."""

import pytest

from contacts.models import Contact, ContactBusinessRelation, ContactDuplicate, DuplicateSearchString
from documents.models import SalesHeader
from partners.models import ContactType, Customer
from tests.equivalence import data, harness
from tests.equivalence.snapshot import differences, history_problems

pytestmark = pytest.mark.django_db

# Something of everything data.build can make.
RICH = {"companies": 8, "standalone": 2, "unlinked": {"customer": 2, "vendor": 1, "bank_account": 1},
        "raw": {"customer": 1, "vendor": 1}, "matching": {"customer": 2, "vendor": 1},
        "create_as": {"customer": 2, "vendor": 1, "bank_account": 1}, "automatic": {"customer": 1, "vendor": 1},
        "both": 0.5, "twins": 1, "prospects": 1}


def nothing(world):
    return None


def test_the_same_seed_builds_the_same_snapshot_twice():
    first = harness.run(data.SEEDS[0], nothing, profile=RICH)
    second = harness.run(data.SEEDS[0], nothing, profile=RICH)
    assert differences(first.before, second.before) == []
    assert first.before == first.after  # doing nothing changes nothing


def test_the_data_has_what_the_scenarios_need():
    state = harness.run(data.SEEDS[1], nothing, profile=RICH).before
    contacts = {no: dict(fields) for no, fields in state["contacts"].items()}
    persons = [c for c in contacts.values() if c["type"] == ContactType.PERSON]
    assert any(p["company"] for p in persons) and any(not p["company"] for p in persons)
    inheriting = [p for p in persons if p["company"] and p["phone_no"] == contacts[p["company"]]["phone_no"]]
    own = [p for p in persons if p["company"] and p["phone_no"] != contacts[p["company"]]["phone_no"]]
    assert inheriting and own, "persons keeping the company's phone and persons with their own"
    customers = {no: dict(fields) for no, fields in state["customers"].items()}
    assert any(c["search_name"] == "" for c in customers.values()), "a customer written without save()"
    assert any(c["contact"] for c in customers.values()) and any(c["vat_registration_no"] for c in customers.values())
    linked = {fields_["link_to_table"] for fields_ in map(dict, state["links"].values())}
    assert {"customer", "vendor", "bank_account", ""} <= linked
    assert state["duplicate_index"] and state["duplicate_pairs"] and state["sales_documents"]


def test_a_different_seed_builds_different_data():
    first = harness.run(data.SEEDS[0], nothing, profile=RICH)
    other = harness.run(data.SEEDS[2], nothing, profile=RICH)
    assert differences(first.before, other.before)


def change_every_section(world):
    """One change past every signal in each section of the snapshot."""
    company = world.contact(world.twins[0][0])
    Contact.objects.filter(pk=company.pk).update(company_name="Renamed by SQL")
    Customer.objects.filter(no=sorted(world.linked["customer"])[0]).update(contact="Someone Else")
    ContactBusinessRelation.objects.filter(contact=company).delete()
    DuplicateSearchString.objects.filter(contact=company).update(name="renamed")
    ContactDuplicate.objects.update(score=1)
    SalesHeader.objects.update(customer_template=None)


def test_the_snapshot_sees_a_change_in_every_section():
    outcome = harness.run(data.SEEDS[0], change_every_section, profile=RICH)
    found = differences(outcome.before, outcome.after, labels=("before", "after"))
    sections = {line.split("[", 1)[0] for line in found}
    assert sections == {"contacts", "customers", "links", "duplicate_index", "duplicate_pairs", "sales_documents"}
    survivor = outcome.world.twins[0][0]
    assert any(line.startswith(f"contacts[{survivor}].company_name: before=") and line.endswith(
        "after='Renamed by SQL'") for line in found), found


def test_a_change_without_history_is_a_finding():
    outcome = harness.run(data.SEEDS[0], change_every_section, profile=RICH)
    problems = history_problems(outcome.before, outcome.after, outcome.history, outcome.username)
    survivor = outcome.world.twins[0][0]
    assert f"contacts[{survivor}] changed but got no new history row" in problems


def test_differences_show_the_record_the_field_and_both_values():
    left = {"contacts": {"CT1": (("city", "Berlin"), ("name", "A")), "CT2": (("name", "B"),)}}
    right = {"contacts": {"CT1": (("city", "Berlin"), ("name", "A2")), "CT3": (("name", "C"),)}}
    assert differences(left, right) == [
        "contacts[CT1].name: per row='A' bulk='A2'",
        "contacts[CT2]: only per row: {'name': 'B'}",
        "contacts[CT3]: only bulk: {'name': 'C'}",
    ]
