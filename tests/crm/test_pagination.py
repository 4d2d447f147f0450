"""crm.pagination: pages without COUNT(*); a deep page finds its keys first, then its rows, with the same result."""

import pytest

from contacts import selectors
from contacts.models import Contact
from crm import pagination
from crm.pagination import paginate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts():
    return [factories.ContactFactory(name=f"Contact {i:02d}") for i in range(12)]


def test_a_page_holds_its_rows_and_knows_whether_another_follows(contacts):
    page = paginate(Contact.objects.order_by("no"), "2", per_page=5)
    assert [c.no for c in page] == sorted(c.no for c in contacts)[5:10]
    assert page.has_next and page.has_previous and page.number == 2
    assert not paginate(Contact.objects.order_by("no"), "3", per_page=5).has_next


@pytest.mark.parametrize("param", ["x", "-4", "0", "", None])
def test_an_invalid_page_number_means_the_first_page(contacts, param):
    assert paginate(Contact.objects.order_by("no"), param, per_page=5).number == 1


def test_a_deep_page_reads_its_keys_then_its_rows_and_shows_the_same_rows(contacts, admin_user, monkeypatch,
                                                                        django_assert_num_queries):
    _, ordered = selectors.contact_list(filters={}, user=admin_user, sort="-name")
    direct = [c.pk for c in paginate(ordered, "2", per_page=4)]
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 0)
    with django_assert_num_queries(2):
        page = paginate(ordered, "2", per_page=4)
        names = [c.salesperson for c in page]  # the list's join came with the rows: no query per row
    assert [c.pk for c in page] == direct and len(names) == 4
    assert page.has_next
