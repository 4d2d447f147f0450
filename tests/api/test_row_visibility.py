"""Over the API a role sees the same contacts as on the screens (contacts.selectors.visible_contacts): Finance the
contacts of banks and their persons — in lists, items, relations, duplicates, merges and the change feed."""

import pytest

from contacts.models import ContactBusinessRelation, ContactDuplicate
from tests.api.conftest import ApiClient, key_for
from tests.contacts.views.test_row_visibility import BANKS, EVERY, world  # noqa: F401  (fixture)


@pytest.fixture
def finance_api(roles):
    return ApiClient(key_for("Finance", "fiona")[1])


@pytest.fixture
def sales_api(roles):
    return ApiClient(key_for("Sales", "sally")[1])


def _nos(response):
    assert response.status_code == 200, response.content
    return {item["no"] for item in response.json()["items"]}


def test_finance_lists_only_the_contacts_of_banks_and_sales_every_contact(finance_api, sales_api, world):
    assert _nos(finance_api.get("/contacts?limit=100")) == BANKS
    assert _nos(sales_api.get("/contacts?limit=100")) == EVERY


def test_finance_gets_404_for_any_other_contact_its_history_and_duplicates(finance_api, world):
    other = world["customer"].pk
    for path in (f"/contacts/{other}", f"/contacts/{other}/history", f"/contacts/{other}/duplicates"):
        assert finance_api.get(path).status_code == 404, path
    assert finance_api.get(f"/contacts/{world['bank'].pk}").status_code == 200


def test_finance_sees_only_the_relations_of_contacts_it_sees(finance_api, world):
    response = finance_api.get("/relations?limit=100")
    assert response.status_code == 200
    assert {item["contact_no"] for item in response.json()["items"]} == {"CT000001"}
    hidden = ContactBusinessRelation.objects.get(contact=world["customer"])
    assert finance_api.get(f"/relations/{hidden.pk}").status_code == 404
    assert finance_api.get(f"/relations/{hidden.pk}/drift").status_code == 404


def test_finance_cannot_name_a_hidden_contact_as_a_persons_company(finance_api, world):
    response = finance_api.post("/contacts", {"type": "person", "first_name": "Ida", "surname": "Inkster",
                                              "company": world["customer"].pk})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "company"


def test_duplicates_of_a_contact_leave_out_contacts_the_caller_does_not_see(finance_api, sales_api, world):
    ContactDuplicate.objects.create(contact=world["bank"], duplicate=world["prospect"], score=90)
    assert finance_api.get(f"/contacts/{world['bank'].pk}/duplicates").json() == []
    assert [d["contact_no"] for d in sales_api.get(f"/contacts/{world['bank'].pk}/duplicates").json()] == ["CT000006"]


def test_the_change_feed_shows_finance_only_the_contacts_it_sees(finance_api, sales_api, world):
    def contact_nos(client):
        items = client.get("/changes?limit=1000").json()["items"]
        return {item["no"] for item in items if item["resource"] == "contact"}

    assert contact_nos(finance_api) == BANKS
    assert contact_nos(sales_api) == EVERY
