"""Bad input over the API is a 4xx problem body and changes nothing — never a 500."""

import pytest

from contacts.models import Contact
from partners.models import Customer
from tests import factories

HUGE = 10**30


@pytest.mark.parametrize("body,status", [
    ("{not json", 400),
    ('["a", "list"]', 422),
    ('{"name": "Contoso\\u0000"}', 400),
    ('{"name": "Contoso\\ud800"}', 400),  # a lone surrogate: not text any database stores
    ('{"name": 12}', 422),
    ('{"name": "Contoso", "credit_limit": "lots"}', 422),
    ('{"name": "Contoso", "credit_limit": 1e400}', 422),
    (f'{{"name": "Contoso", "territory": {HUGE}}}', 422),
    ('{"name": "Contoso", "salesperson": -1}', 422),
    ('{"name": "Contoso", "unknown_field": 1}', 422),
    ('{"name": "Contoso", "no": "C99"}', 201),  # a number of one's own is allowed, as on the screen
    ('{"name": "' + "x" * 5000 + '"}', 422),
    ('{"name": 1' + "0" * 5000 + "}", 400),
])
def test_malformed_bodies_are_refused_with_a_problem(api_sales, setup, body, status):
    response = api_sales.post("/customers", body)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status
        assert not Customer.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize("path", [f"/contacts/{HUGE}", "/contacts/0", "/contacts/-1", "/contacts/abc",
                                  f"/relations/{HUGE}/drift", "/documents/elsewhere", "/contacts?limit=0",
                                  "/contacts?limit=100000", f"/relations?cursor={HUGE}", "/changes?cursor=a.b.c.d",
                                  "/contacts?type=robot", "/contacts?q=" + "x" * 500])
def test_malformed_paths_and_queries_are_4xx(api_sales, setup, path):
    response = api_sales.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.content)
    assert response.json()["status"] == response.status_code


def test_a_nul_in_a_query_string_is_refused_before_any_query(api_sales, setup):
    assert api_sales.get("/contacts?q=a%00b").status_code == 400


def test_a_patch_with_wrong_types_changes_nothing(api_sales, setup):
    contact = factories.ContactFactory(name="Fabrikam")
    response = api_sales.patch(f"/contacts/{contact.pk}", {"name": ["a"], "privacy_blocked": "perhaps"},
                               **{"If-Match": f'"{contact.version}"'})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"name", "privacy_blocked"}
    assert Contact.objects.get(pk=contact.pk).name == "Fabrikam"


def test_a_person_field_on_a_company_is_named_in_the_refusal(api_sales, setup):
    contact = factories.ContactFactory(name="Fabrikam")
    response = api_sales.patch(f"/contacts/{contact.pk}", {"first_name": "Ann"}, **{"If-Match": f'"{contact.version}"'})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "first_name"


def test_a_partner_number_cannot_be_changed(api_sales, setup):
    customer = factories.CustomerFactory(no="C777")
    response = api_sales.patch(f"/customers/{customer.pk}", {"no": "C778"}, **{"If-Match": f'"{customer.version}"'})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "no"
