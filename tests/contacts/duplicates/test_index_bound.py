"""A save reads a bounded number of duplicate candidates per key (contacts.duplicates.index.CANDIDATES_PER_KEY):
a value shared by very many contacts costs a save no more than one shared by a few."""

import pytest

from contacts.duplicates import index
from contacts.models import DuplicateSearchString
from tests import factories

pytestmark = pytest.mark.django_db


def test_candidates_read_per_key_value_are_bounded_lowest_contacts_first(monkeypatch):
    monkeypatch.setattr(index, "CANDIDATES_PER_KEY", 3)
    contacts = [factories.ContactFactory(name=f"Shared {i}") for i in range(6)]
    other = factories.ContactFactory(name="Other")
    DuplicateSearchString.objects.all().delete()  # whatever the saves indexed: these rows only
    DuplicateSearchString.objects.bulk_create(
        [DuplicateSearchString(contact=c, name="switchboard", phone="+441130000000") for c in contacts]
        + [DuplicateSearchString(contact=other, name="other")])
    rows = index._index_rows_with({"name": {"switchboard", "other"}, "phone": {"+441130000000"}})
    by_name = sorted(row[0] for row in rows if row[1] == "switchboard")
    first_three = sorted(c.pk for c in contacts)[:3]
    assert by_name == sorted(first_three * 2)  # three through the name, the same three through the phone
    assert any(row[1] == "other" for row in rows)
