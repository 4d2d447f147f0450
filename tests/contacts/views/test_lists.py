"""The contact list (contacts.views.contacts): search, filters, sorting, pagination, htmx fragments, query bounds.
(The partner lists: tests/partners/test_views.py.)"""

import pytest

from contacts import sync
from tests import factories
from tests.screens import CONTACT_SCREEN_QUERIES, RESULTS


def names(response):
    return response.content.decode()


@pytest.fixture
def contacts(db):
    north = factories.TerritoryFactory(code="NORTH")
    ann = factories.SalespersonFactory(code="ANN")
    fabrikam = factories.ContactFactory(no="CT000001", name="Fabrikam Inc.", city="Seattle", country_code="US",
                                        salesperson=ann, territory=north)
    contoso = factories.ContactFactory(no="CT000002", name="Contoso Ltd.", city="London", country_code="GB",
                                       email="hello@contoso.example")
    jo = factories.ContactFactory(no="CT000003", person=True, first_name="Jo", surname="Walker", company=fabrikam,
                                  company_name="Fabrikam Inc.", city="Seattle", country_code="US")
    press = factories.BusinessRelationFactory(code="PRESS")
    factories.ContactBusinessRelationFactory(contact=contoso, business_relation=press)
    return {"fabrikam": fabrikam, "contoso": contoso, "jo": jo}


def test_contact_list_shows_contacts_with_links_to_their_cards(sales, contacts):
    page = names(sales.get("/contacts/"))
    assert "Fabrikam Inc." in page and "Contoso Ltd." in page
    assert f'href="/contacts/{contacts["fabrikam"].pk}/"' in page


@pytest.mark.parametrize("q, expected, absent", [
    ("fabri", ["CT000001", "CT000003"], ["CT000002"]),  # name and company name
    ("contoso.example", ["CT000002"], ["CT000001"]),  # e-mail
    ("london", ["CT000002"], ["CT000001"]),  # city
    ("CT000003", ["CT000003"], ["CT000001"]),  # number
])
def test_search_finds_contacts_by_number_name_company_email_and_city(sales, contacts, q, expected, absent):
    page = names(sales.get("/contacts/", {"q": q}))
    for no in expected:
        assert no in page
    for no in absent:
        assert no not in page


@pytest.mark.parametrize("params, expected, absent", [
    ({"type": "person"}, ["CT000003"], ["CT000001", "CT000002"]),
    ({"relation": "PRESS"}, ["CT000002"], ["CT000001", "CT000003"]),
    ({"salesperson": "ANN"}, ["CT000001"], ["CT000002"]),
    ({"territory": "NORTH"}, ["CT000001"], ["CT000002"]),
    ({"country": "GB"}, ["CT000002"], ["CT000001", "CT000003"]),
])
def test_filters_narrow_the_contact_list(sales, contacts, params, expected, absent):
    page = names(sales.get("/contacts/", params))
    for no in expected:
        assert no in page
    for no in absent:
        assert no not in page


def test_the_relation_filter_finds_the_persons_that_show_their_companys_relation(sales, contacts, sync_on):
    with sync.suspended():
        customer = factories.CustomerFactory(name="Fabrikam Inc.")
    factories.ContactBusinessRelationFactory(contact=contacts["fabrikam"], link_to_table="customer",
                                             business_relation=sync_on.bus_rel_code_for_customers, customer=customer)
    sync.refresh_summaries([contacts["fabrikam"].pk])
    contacts["jo"].refresh_from_db()
    assert contacts["jo"].contact_business_relation == "customer"  # what the Relation column shows
    page = names(sales.get("/contacts/", {"relation": sync_on.bus_rel_code_for_customers.code}))
    assert "CT000001" in page and "CT000003" in page and "CT000002" not in page


def test_a_search_ignores_case_and_accents_in_the_list(sales, contacts):
    factories.ContactFactory(no="CT000010", name="Łódź Logistyka", city="Łódź")
    factories.ContactFactory(no="CT000011", name="Müller GmbH", city="München")
    assert "CT000010" in names(sales.get("/contacts/", {"q": "lodz"}))
    page = names(sales.get("/contacts/", {"q": "MÜLLER"}, headers={"HX-Request": "true"}))
    assert "CT000011" in page and "CT000010" not in page


def test_an_invalid_filter_value_is_ignored_with_a_note_not_an_error(sales, contacts):
    response = sales.get("/contacts/", {"salesperson": "NOBODY", "type": "robot", "page": "x", "sort": "password"})
    assert response.status_code == 200
    assert "Some filters were ignored" in names(response)
    assert "CT000001" in names(response)


def test_sorting_by_name_descending_reverses_the_order(sales, contacts):
    page = names(sales.get("/contacts/", {"sort": "-name"}))
    assert page.index("Jo Walker") < page.index("Fabrikam Inc.") < page.index("Contoso Ltd.")
    page = names(sales.get("/contacts/", {"sort": "name"}))
    assert page.index("Contoso Ltd.") < page.index("Fabrikam Inc.") < page.index("Jo Walker")


def test_pagination_keeps_search_and_filters_in_its_links(sales, db):
    for i in range(30):
        factories.ContactFactory(no=f"CT1{i:05d}", name=f"Acme {i:02d}", country_code="DE")
    page = names(sales.get("/contacts/", {"q": "acme", "country": "DE", "sort": "name"}))
    assert "Acme 24" in page and "Acme 25" not in page
    assert 'href="?q=acme&amp;country=DE&amp;sort=name&amp;page=2"' in page
    page2 = names(sales.get("/contacts/", {"q": "acme", "country": "DE", "sort": "name", "page": 2}))
    assert "Acme 25" in page2 and "Acme 29" in page2 and "Acme 24" not in page2
    assert "Next" in page2 and 'rel="next"' not in page2


def test_htmx_search_returns_only_the_results_region(sales, contacts):
    response = sales.get("/contacts/", {"q": "fabri"}, headers=RESULTS)
    content = names(response)
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content and "Fabrikam Inc." in content and "Contoso" not in content


def test_contact_list_stays_within_the_query_bound_and_does_not_grow_with_rows(sales, contacts, queries):
    first = queries(sales, "/contacts/", CONTACT_SCREEN_QUERIES)
    for _ in range(20):
        factories.ContactFactory(salesperson=factories.SalespersonFactory())
    assert queries(sales, "/contacts/", CONTACT_SCREEN_QUERIES) == first
    assert queries(sales, "/contacts/?q=a&type=company&country=US&sort=-city", CONTACT_SCREEN_QUERIES) == first
    queries(sales, "/contacts/?relation=PRESS", CONTACT_SCREEN_QUERIES)
    # the htmx region is only the rows: none of the filters' choices are looked up
    assert queries(sales, "/contacts/?q=a", CONTACT_SCREEN_QUERIES, headers=RESULTS) < first


def test_the_list_varies_on_the_htmx_header_so_caches_never_serve_a_fragment_as_a_page(sales, contacts):
    assert "HX-Request" in sales.get("/contacts/")["Vary"]
    assert "HX-Request" in sales.get("/contacts/", headers=RESULTS)["Vary"]
