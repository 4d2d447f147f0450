"""Duplicate persons, found by the same matcher as companies: per save and by find_duplicates (with a report)."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.duplicates import index as duplicates
from contacts.matching import model, store
from contacts.models import Contact, ContactDuplicate, MatchParameters
from tests import factories

pytestmark = pytest.mark.django_db


def person(first_name, surname, **values):
    contact = factories.ContactFactory(person=True, first_name=first_name, surname=surname,
                                       **{"phone_no": "", "email": "", **values})
    duplicates.index_contact(contact)
    return contact


HOME = {"address": "8 Stanley Street", "post_code": "4223", "city": "Winston Hills"}


def test_a_person_entered_twice_with_swapped_and_misspelt_names_is_a_pair():
    a = person("Michaela", "Neumann", **HOME)
    b = person("Neuman", "Michaela", **{**HOME, "address": "8 Stanley St."})
    pair = ContactDuplicate.objects.get()
    assert (pair.contact, pair.duplicate) == (a, b)
    assert pair.probability > 0.9 and "given name and surname swapped" in pair.reasons
    assert "street agrees +" in pair.reasons


def test_namesakes_at_different_addresses_are_not_a_pair():
    person("Michaela", "Neumann", **HOME)
    person("Michaela", "Neumann", address="3 Wylly Place", post_code="2600", city="Canberra")
    assert not ContactDuplicate.objects.exists()


def test_colleagues_sharing_their_companys_address_and_phone_are_not_a_pair():
    company = factories.ContactFactory(name="Camacho Gardner", phone_no="+1 369 3249428", email="", **HOME)
    person("Jennifer", "Thompson", company=company, phone_no=company.phone_no, **HOME)
    person("Jennifer", "Garcia", company=company, phone_no=company.phone_no, **HOME)
    assert not ContactDuplicate.objects.exists()


def test_one_person_entered_twice_under_one_company_is_a_pair():
    company = factories.ContactFactory(name="Camacho Gardner", phone_no="+1 369 3249428", email="", **HOME)
    a = person("Jennifer", "Thompson", company=company, email="jennifer.thompson@camacho.test", **HOME)
    b = person("Jenny", "Thompson", company=company, email="jennifer.thompson@camacho.test", **HOME)
    pair = ContactDuplicate.objects.get()
    assert (pair.contact, pair.duplicate) == (a, b)
    assert "street" not in pair.reasons and "e-mail agrees" in pair.reasons


def test_moving_a_person_to_another_company_searches_again():
    first = factories.ContactFactory(name="Camacho Gardner", phone_no="+1 369 3249428", email="", **HOME)
    second = factories.ContactFactory(name="Other Firm", phone_no="", email="", city="Elsewhere")
    a = person("Jennifer", "Thompson", company=first, phone_no=first.phone_no, **HOME)
    person("Jennifer", "Thomson", company=second, phone_no=first.phone_no, **HOME)
    assert ContactDuplicate.objects.exists()  # the same name, address and phone at two firms
    a.company = second
    a.save()
    assert not ContactDuplicate.objects.exists()  # now colleagues: what they share is their firm's


def test_a_person_and_a_company_are_never_a_pair():
    person("Anna", "Roth", **HOME)
    factories.ContactFactory(name="Anna Roth", phone_no="", email="", **HOME)
    assert not ContactDuplicate.objects.exists()


def test_find_duplicates_finds_persons_and_companies_and_reports_them(tmp_path):
    a = person("Michaela", "Neumann", **HOME)
    b = person("Michaela", "Neumann", **{**HOME, "post_code": "4232"})
    c = factories.ContactFactory(name="Fabrikam Inc", phone_no="+1 555 0100", email="", **HOME)
    d = factories.ContactFactory(name="FABRIKAM", phone_no="+1 555 0100", email="", **HOME)
    ContactDuplicate.objects.all().delete()
    report = tmp_path / "pairs.csv"
    out = StringIO()
    call_command("find_duplicates", "--no-progress", "--report", str(report), stdout=out)
    assert "2 company(ies), 2 person(s)" in out.getvalue()
    assert "candidate pair(s) from blocking" in out.getvalue()
    rows = list(csv.DictReader(report.open()))
    assert {(r["contact_no_a"], r["contact_no_b"]) for r in rows} == {(a.no, b.no), (c.no, d.no)}
    person_row = next(r for r in rows if r["contact_no_a"] == a.no)
    assert "post code differs by one character" in person_row["explanation"]
    assert float(person_row["match_probability"]) >= 0.6
    assert ContactDuplicate.objects.count() == 2


def test_find_duplicates_keeps_the_parameters_it_estimates_for_the_per_contact_search(monkeypatch):
    monkeypatch.setattr(model, "MIN_PAIRS_TO_ESTIMATE", 100)  # a small set is enough to show it
    rows = [factories.ContactFactory.build(person=True, first_name=f"Given{k % 50}", surname=f"Surname{k}",
                                           post_code=str(1000 + k), email="", phone_no="") for k in range(300)]
    rows += [factories.ContactFactory.build(person=True, first_name=r.first_name, surname=r.surname + "x",
                                            post_code=r.post_code, address=r.address, city=r.city, email="",
                                            phone_no="") for r in rows[:200]]
    for number, row in enumerate(rows):
        row.no = f"CTX{number:05d}"
    Contact.objects.bulk_create(rows)
    call_command("find_duplicates", "--no-progress", stdout=StringIO())
    stored = MatchParameters.objects.get(purpose="duplicates")
    assert stored.pairs >= 200 and set(stored.data["m"]) == set(stored.data["u"]) == set(model.COMPARISONS)
    assert 0 < stored.data["prior"] < 1
    assert store.load("duplicates").source == "stored"  # what the per-contact search scores with
    assert ContactDuplicate.objects.count() >= 190


def test_find_duplicates_refuses_an_unwritable_report(tmp_path):
    with pytest.raises(CommandError, match="Cannot write the report"):
        call_command("find_duplicates", "--no-progress", "--report", str(tmp_path / "no" / "r.csv"),
                     stdout=StringIO())


def test_a_batch_scores_namesakes_as_saving_each_would_not_by_how_rare_the_batch_makes_their_name():
    # 2,000 persons whose pairs share a phone (so that they are candidates and the batch holds over 200 records),
    # and two namesakes at different firms, addresses, phones and mailboxes. Among the batch's records every
    # name occurs once or twice: weighed by that, "Jill Thomas" agreeing looked rare enough to make a pair.
    fillers = [Contact(type="person", first_name=f"Given{i}", surname=f"Surname{i}",
                       phone_no=f"+44 20 7946 {i // 2:04d}") for i in range(2000)]
    namesakes = [Contact(type="person", first_name="Jill", surname="Thomas", email=email, phone_no=phone,
                         address=street, post_code=post_code, city=city)
                 for email, phone, street, post_code, city in (
                     ("jill.thomas@fabrikam.test", "+1 212 555 0101", "3 Wylly Place", "10001", "New York"),
                     ("jill.thomas@contoso.test", "+1 415 555 0199", "9 Kent Road", "94105", "San Francisco"))]
    found = duplicates.find_for_new_contacts([*fillers, *namesakes], dry_run=True)
    assert len(found) > 200  # the fillers' pairs: the batch was scored as a whole
    namesake_keys = {-2001, -2002}  # dry run: the batch's keys are -1, -2 …
    assert not [pair for pair in found if {pair[0], pair[1]} == namesake_keys]
