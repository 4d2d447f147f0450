"""A bulk run indexes each batch's new contacts and searches them once the batch committed
(``index.search_new_contacts``): a pair split between two workers' batches is found from either side and
stored once."""

import pytest

from contacts.duplicates import index
from contacts.models import ContactDuplicate, DuplicateSearchString, MarketingSetup
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_pair_indexed_by_two_batches_is_found_from_either_side_and_stored_once():
    first = factories.ContactFactory(name="Fabrikam Inc.", phone_no="+1 555 0100 999", country_code="US")
    second = factories.ContactFactory(name="FABRIKAM LTD", phone_no="(555) 0100-999", country_code="US")
    # as two batches that index without searching leave them (the factory's saves indexed and searched)
    DuplicateSearchString.objects.all().delete()
    ContactDuplicate.objects.all().delete()
    assert index.find_for_new_contacts([first], search=False) == []
    assert index.find_for_new_contacts([second], search=False) == []
    assert not ContactDuplicate.objects.exists()

    found_by_first = index.search_new_contacts([first.pk])
    found_by_second = index.search_new_contacts([second.pk])

    pair = (min(first.pk, second.pk), max(first.pk, second.pk))
    assert [row[:2] for row in found_by_first] == [pair] == [row[:2] for row in found_by_second]
    assert ContactDuplicate.objects.count() == 1


def test_nothing_is_searched_without_autosearch():
    first = factories.ContactFactory(name="Fabrikam Inc.")
    second = factories.ContactFactory(name="Fabrikam Inc.")
    setup = MarketingSetup.load()
    setup.autosearch_for_duplicates = False
    setup.save()
    DuplicateSearchString.objects.all().delete()
    ContactDuplicate.objects.all().delete()
    index.find_for_new_contacts([first, second], search=False)
    assert index.search_new_contacts([first.pk, second.pk]) == []
    assert not ContactDuplicate.objects.exists()
