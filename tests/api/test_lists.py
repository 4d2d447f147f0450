"""Lists: the screens' filters, sorting, keyset pagination stable under inserts, sparse fields; the change feed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts import services, sync
from contacts.models import Contact
from tests import factories


def test_contact_filters_are_the_contact_lists(api_sales, setup):
    oslo = factories.ContactFactory(name="Nordic AS", country_code="NO")
    factories.ContactFactory(name="Contoso", country_code="US")
    person = factories.ContactFactory(person=True, company=oslo, country_code="NO")
    services.create_partner_from_contact(oslo, "customer")

    def names(query):
        response = api_sales.get(f"/contacts?{query}")
        assert response.status_code == 200, response.content
        return sorted(c["name"] for c in response.json()["items"])

    assert names("country=NO") == sorted(["Nordic AS", person.name])
    assert names("type=company&country=NO") == ["Nordic AS"]
    assert names("relation=CUST") == sorted(["Nordic AS", person.name])  # a person shows its company's relations
    assert names("q=contoso") == ["Contoso"]
    assert api_sales.get("/contacts?relation=NOPE").status_code == 422
    assert api_sales.get("/contacts?updated_since=yesterday").status_code == 422
    later = timezone.now().isoformat()
    assert names(f"updated_since={later.replace('+', '%2B')}") == []


def test_cursor_pages_stay_stable_while_rows_are_inserted(api_sales, setup):
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]:
        factories.ContactFactory(name=name)
    page = api_sales.get("/contacts?sort=name&limit=2").json()
    seen = [c["name"] for c in page["items"]]
    factories.ContactFactory(name="Able")  # sorts before the cursor: not seen, nothing repeated
    factories.ContactFactory(name="Foxtrot")  # after it: seen on a later page
    while page["next_cursor"]:
        page = api_sales.get(f"/contacts?sort=name&limit=2&cursor={page['next_cursor']}").json()
        seen += [c["name"] for c in page["items"]]
    assert seen == ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]


def test_descending_sort_and_a_bad_cursor(api_sales, setup):
    for name in ["Alpha", "Bravo", "Charlie"]:
        factories.ContactFactory(name=name)
    first = api_sales.get("/contacts?sort=-name&limit=2").json()
    second = api_sales.get(f"/contacts?sort=-name&limit=2&cursor={first['next_cursor']}").json()
    assert [c["name"] for c in first["items"] + second["items"]] == ["Charlie", "Bravo", "Alpha"]
    assert api_sales.get("/contacts?cursor=garbage").status_code == 400
    assert api_sales.get("/contacts?sort=password").status_code == 422


def test_sparse_fields(api_sales, setup):
    factories.ContactFactory(name="Alpha")
    item = api_sales.get("/contacts?fields=no,name").json()["items"][0]
    assert set(item) == {"id", "no", "name"}
    refused = api_sales.get("/contacts?fields=no,secret")
    assert refused.status_code == 422 and refused.json()["errors"][0]["message"] == "secret"


def test_partner_filters(api_sales, setup):
    factories.CustomerFactory(name="Nordic", country_code="NO")
    factories.CustomerFactory(name="Contoso", country_code="US")
    items = api_sales.get("/customers?country=no&fields=name").json()["items"]
    assert [c["name"] for c in items] == ["Nordic"]


def _feed(client, cursor=""):
    response = client.get(f"/changes?cursor={cursor}" if cursor else "/changes")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_change_feed_has_creates_updates_links_and_tombstones_in_order(api_admin, setup):
    start = _feed(api_admin)["next_cursor"]
    made = api_admin.post("/customers", {"name": "Contoso"}).json()
    contact = Contact.objects.get(name="Contoso")
    api_admin.patch(f"/customers/{made['id']}", {"city": "Oslo"}, **{"If-Match": f'"{made["version"]}"'})
    contact.refresh_from_db()
    api_admin.delete(f"/contacts/{contact.pk}", **{"If-Match": f'"{contact.version}"'})
    feed = _feed(api_admin, start)
    seen = [(c["resource"], c["action"]) for c in feed["items"]]
    assert ("customer", "created") in seen and ("contact", "created") in seen
    assert seen.index(("customer", "created")) < seen.index(("customer", "updated"))
    assert seen.index(("contact", "deleted")) > seen.index(("customer", "updated"))
    tombstone = next(c for c in feed["items"] if c["action"] == "deleted")
    assert (tombstone["id"], tombstone["no"]) == (contact.pk, contact.no)
    assert any(c["event"].startswith("Linked with contact") for c in feed["items"] if c["resource"] == "customer")
    assert _feed(api_admin, feed["next_cursor"])["items"] == []


def test_the_change_feed_pages_without_gaps_or_repeats(api_admin, setup):
    for i in range(7):
        factories.ContactFactory(name=f"C{i}")
    seen, cursor = [], ""
    while True:
        response = api_admin.get(f"/changes?limit=3&cursor={cursor}" if cursor else "/changes?limit=3").json()
        if not response["items"]:
            break
        seen += [(c["resource"], c["id"], c["action"]) for c in response["items"]]
        cursor = response["next_cursor"]
    created = [s for s in seen if s[0] == "contact" and s[2] == "created"]
    assert len(created) == 7 and len(set(seen)) == len(seen)


def test_a_bulk_create_appears_in_the_change_feed(api_admin, setup):
    with sync.suspended():
        customers = [factories.CustomerFactory(name=f"Bulk {i}") for i in range(3)]
    start = _feed(api_admin)["next_cursor"]
    call_command("create_contacts_from", "customers", "--no-progress", stdout=StringIO(), stderr=StringIO())
    items = _feed(api_admin, start)["items"]
    created = {c["no"] for c in items if c["resource"] == "contact" and c["action"] == "created"}
    assert len(created) == 3
    linked = {c["no"] for c in items if c["resource"] == "customer" and c["event"]}
    assert linked == {c.no for c in customers}


def test_the_change_feed_shows_only_what_the_role_may_view(api_sales, setup):
    with sync.suspended():
        factories.VendorFactory()
        factories.CustomerFactory()
    resources = {c["resource"] for c in _feed(api_sales)["items"]}
    assert resources == {"customer"}
    assert api_sales.get("/changes?cursor=1.2").status_code == 400


@pytest.mark.parametrize("path,factory", [("/contacts", factories.ContactFactory),
                                          ("/customers", factories.CustomerFactory),
                                          ("/relations", None), ("/changes", factories.ContactFactory)])
def test_a_list_takes_the_same_number_of_queries_whatever_its_rows(api_admin, setup, django_assert_max_num_queries,
                                                                    path, factory):
    def make(count):
        for _ in range(count):
            contact = factories.ContactFactory() if factory is None else factory()
            if factory is None:
                services.create_partner_from_contact(contact, "customer")

    def counted():
        with django_assert_max_num_queries(50) as captured:
            assert api_admin.get(path).status_code == 200
        return len(captured)

    make(2)
    api_admin.get(path)  # the key's first use of the minute also records when it was last used
    few = counted()
    make(10)
    assert counted() == few
