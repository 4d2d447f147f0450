"""ETag, If-Match (428 / 412 with the current representation), If-None-Match (304) and Idempotency-Key."""

import json

import pytest

from api.models import IdempotentRequest
from contacts.models import Contact
from partners.models import Customer
from tests import factories


def test_every_item_has_an_etag_from_its_version_and_if_none_match_gives_304(api_sales, setup):
    contact = factories.ContactFactory()
    first = api_sales.get(f"/contacts/{contact.pk}")
    assert first["ETag"] == f'"{contact.version}"'
    cached = api_sales.get(f"/contacts/{contact.pk}", **{"If-None-Match": first["ETag"]})
    assert cached.status_code == 304 and cached.content == b""
    contact.phone_no = "+1 555 1234567"
    contact.save()
    fresh = api_sales.get(f"/contacts/{contact.pk}", **{"If-None-Match": first["ETag"]})
    assert fresh.status_code == 200 and fresh["ETag"] == f'"{contact.version}"'


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_changes_without_if_match_are_428_and_change_nothing(api_sales, setup, method):
    customer = factories.CustomerFactory(name="Contoso")
    path = f"/customers/{customer.pk}"
    response = api_sales.patch(path, {"name": "Other"}) if method == "patch" else api_sales.delete(path)
    assert response.status_code == 428
    assert response.json()["errors"][0]["field"] == "If-Match"
    assert Customer.objects.get(pk=customer.pk).name == "Contoso"


def test_a_stale_patch_is_412_with_the_current_representation_and_changes_nothing(api_sales, setup):
    customer = factories.CustomerFactory(name="Contoso")
    read = api_sales.get(f"/customers/{customer.pk}")
    someone = api_sales.patch(f"/customers/{customer.pk}", {"city": "Oslo"}, **{"If-Match": read["ETag"]})
    assert someone.status_code == 200
    late = api_sales.patch(f"/customers/{customer.pk}", {"name": "Contoso 2"}, **{"If-Match": read["ETag"]})
    assert late.status_code == 412
    body = late.json()
    assert body["current"]["city"] == "Oslo" and body["current"]["version"] == someone.json()["version"]
    assert late["ETag"] == someone["ETag"]
    assert Customer.objects.get(pk=customer.pk).name == "Contoso"


def test_a_stale_delete_is_412_and_deletes_nothing(api_sales, setup):
    contact = factories.ContactFactory()
    etag = api_sales.get(f"/contacts/{contact.pk}")["ETag"]
    contact.save()  # someone else's save: version + 1
    response = api_sales.delete(f"/contacts/{contact.pk}", **{"If-Match": etag})
    assert response.status_code == 412 and response.json()["current"]["id"] == contact.pk
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("header", ['"abc"', "*", '"1", "2"', 'W/"x"'])
def test_an_if_match_that_names_no_version_is_412(api_sales, setup, header):
    contact = factories.ContactFactory()
    assert api_sales.patch(f"/contacts/{contact.pk}", {"city": "X"}, **{"If-Match": header}).status_code == 412


def test_a_retried_create_with_the_same_idempotency_key_creates_once_and_answers_the_same(api_sales, setup):
    body = {"name": "Contoso", "city": "Oslo"}
    first = api_sales.post("/customers", body, **{"Idempotency-Key": "order-77"})
    again = api_sales.post("/customers", body, **{"Idempotency-Key": "order-77"})
    assert first.status_code == again.status_code == 201
    assert json.loads(first.content) == json.loads(again.content)
    assert again["Idempotent-Replayed"] == "true" and again["Location"] == first["Location"]
    assert Customer.objects.count() == 1 and Contact.objects.count() == 1
    other = api_sales.post("/customers", {**body, "name": "Northwind"}, **{"Idempotency-Key": "order-77"})
    assert other.status_code == 422 and other.json()["errors"][0]["rule"] == "reused"
    assert Customer.objects.count() == 1
    assert api_sales.post("/customers", body, **{"Idempotency-Key": "order-78"}).status_code == 201
    assert Customer.objects.count() == 2


def test_a_refused_create_is_not_stored_so_a_corrected_retry_goes_through(api_sales, setup):
    refused = api_sales.post("/contacts", {"name": ""}, **{"Idempotency-Key": "k1"})
    assert refused.status_code == 422 and not IdempotentRequest.objects.exists()


def test_idempotency_keys_are_per_user(api_sales, api_admin, setup):
    body = {"name": "Contoso"}
    assert api_sales.post("/customers", body, **{"Idempotency-Key": "same"}).status_code == 201
    assert api_admin.post("/customers", body, **{"Idempotency-Key": "same"}).status_code == 201
    assert Customer.objects.count() == 2


def test_a_retried_merge_with_its_idempotency_key_answers_the_merge_again(api_admin, setup):
    survivor = factories.ContactFactory(name="Fabrikam")
    other = factories.ContactFactory(name="Fabrikam Inc")
    body = {"other": other.pk, "dry_run": False}
    first = api_admin.post(f"/contacts/{survivor.pk}/merge", body, **{"Idempotency-Key": "merge-1"})
    again = api_admin.post(f"/contacts/{survivor.pk}/merge", body, **{"Idempotency-Key": "merge-1"})
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == json.loads(again.content)
    assert not Contact.objects.filter(pk=other.pk).exists()
    without_key = api_admin.post(f"/contacts/{survivor.pk}/merge", body)
    assert without_key.status_code == 422 and without_key.json()["errors"][0]["field"] == "other"
