"""A save reads a bounded number of duplicate candidates per key (contacts.duplicates.index.CANDIDATES_PER_KEY,
CANDIDATES_PER_SOUND, CANDIDATES_PER_NAME): a value shared by very many contacts costs a save no more than one shared by a few,
and finds nothing on its own."""

import pytest

from contacts.duplicates import index
from contacts.models import DuplicateSearchString
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_key_value_shared_by_more_contacts_than_the_bound_yields_no_candidates(monkeypatch):
    monkeypatch.setattr(index, "CANDIDATES_PER_KEY", 3)
    monkeypatch.setattr(index, "CANDIDATES_PER_NAME", 3)
    crowd = [factories.ContactFactory(name=f"Shared {i}") for i in range(4)]
    few = [factories.ContactFactory(name=f"Few {i}") for i in range(3)]
    DuplicateSearchString.objects.all().delete()  # whatever the saves indexed: these rows only
    DuplicateSearchString.objects.bulk_create(
        [DuplicateSearchString(contact=c, name="switchboard", phone="+441130000000") for c in crowd]
        + [DuplicateSearchString(contact=c, name="fabrikam", phone=f"+44113000000{i}") for i, c in enumerate(few)])
    rows = index._index_rows_with({"name": {"switchboard", "fabrikam"}, "phone": {"+441130000000"}})
    assert sorted(row[0] for row in rows) == sorted(c.pk for c in few)  # four share "switchboard": too common


def test_a_name_sound_has_a_bound_of_its_own(monkeypatch):
    monkeypatch.setattr(index, "CANDIDATES_PER_SOUND", 2)
    contacts = [factories.ContactFactory(name=f"Sound {i}") for i in range(3)]
    DuplicateSearchString.objects.all().delete()
    DuplicateSearchString.objects.bulk_create(
        [DuplicateSearchString(contact=c, name=f"n{i}", name_sound="f165|i520") for i, c in enumerate(contacts)])
    assert index._index_rows_with({"name_sound": {"f165|i520"}}) == []
    assert len(index._index_rows_with({"name": {"n0", "n1", "n2"}})) == 3


def test_a_name_has_a_bound_of_its_own(monkeypatch):
    monkeypatch.setattr(index, "CANDIDATES_PER_NAME", 2)
    contacts = [factories.ContactFactory(name=f"Name {i}") for i in range(3)]
    DuplicateSearchString.objects.all().delete()
    DuplicateSearchString.objects.bulk_create(
        [DuplicateSearchString(contact=c, name="jill thomas", email=f"jill{i}@example.com")
         for i, c in enumerate(contacts)])
    assert index._index_rows_with({"name": {"jill thomas"}}) == []  # three namesakes: too common on its own
    assert len(index._index_rows_with({"email": {"jill0@example.com", "jill1@example.com"}})) == 2
