"""API access: keys (hashed, scoped, expiring, revocable), session auth with CSRF, role permissions as on the
screens, and the rate limit."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey, Scope, hash_secret
from partners.models import Customer
from tests import factories
from tests.api.conftest import ApiClient, key_for


def test_a_key_is_stored_hashed_and_identified_by_its_prefix(roles):
    key, secret = key_for("Sales", "sally")
    assert secret not in (key.hashed_key, key.prefix) and key.hashed_key == hash_secret(secret)
    assert secret.startswith(f"crm_{key.prefix}_")
    assert ApiKey.find(secret) == key
    assert ApiKey.find(secret[:-1] + ("x" if secret[-1] != "x" else "y")) is None


def test_a_key_authenticates_without_cookie_or_csrf_token(roles, setup):
    client = ApiClient(key_for("Sales", "sally")[1], Client(enforce_csrf_checks=True))
    response = client.post("/customers", {"name": "Contoso"})
    assert response.status_code == 201, response.content
    assert Customer.objects.get().name == "Contoso"


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer crm_12345678_wrong", "Basic abc"])
def test_a_missing_or_wrong_key_is_401_with_a_problem_body(db, header):
    client = Client()
    response = client.get("/api/v1/contacts", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Authentication required" and "Bearer" in body["detail"]


def test_revoked_and_expired_keys_and_inactive_users_are_refused(roles):
    key, secret = key_for("Sales", "sally")
    client = ApiClient(secret)
    assert client.get("/contacts").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(revoked=True)
    assert client.get("/contacts").status_code == 401
    ApiKey.objects.filter(pk=key.pk).update(revoked=False, expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/contacts").status_code == 401
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.get("/contacts").status_code == 200
    key.user.is_active = False
    key.user.save()
    assert client.get("/contacts").status_code == 401


def test_a_read_key_reads_but_does_not_write(api_reader, setup):
    assert api_reader.get("/customers").status_code == 200
    response = api_reader.post("/customers", {"name": "Contoso"})
    assert response.status_code == 403 and "read" in response.json()["detail"]
    assert not Customer.objects.exists()


def test_a_session_reads_and_writes_with_the_csrf_token_only(sales_user, setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_user)
    assert client.get("/api/v1/contacts").status_code == 200
    refused = client.post("/api/v1/customers", '{"name": "Contoso"}', content_type="application/json")
    assert refused.status_code == 403 and not Customer.objects.exists()
    client.get(reverse("contacts:create"))  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    made = client.post("/api/v1/customers", '{"name": "Contoso"}', content_type="application/json",
                       headers={"X-CSRFToken": token})
    assert made.status_code == 201, made.content


# The screens' roles (crm/roles.py): what each may do is what each may do over the API.
ROLE_CASES = [
    ("api_sales", "get", "/customers", 200), ("api_sales", "get", "/vendors", 403),
    ("api_sales", "get", "/bank-accounts", 403), ("api_purchasing", "get", "/vendors", 200),
    ("api_purchasing", "get", "/customers", 403), ("api_finance", "get", "/bank-accounts", 200),
    ("api_finance", "get", "/customers", 403), ("api_admin", "get", "/bank-accounts", 200),
    ("api_sales", "post", "/vendors", 403), ("api_purchasing", "post", "/customers", 403),
    ("api_finance", "post", "/bank-accounts", 201), ("api_admin", "post", "/vendors", 201),
]


@pytest.mark.parametrize("client_name,method,path,status", ROLE_CASES)
def test_roles_allow_over_the_api_what_they_allow_on_the_screens(request, setup, client_name, method, path, status):
    client = request.getfixturevalue(client_name)
    response = client.get(path) if method == "get" else client.post(path, {"name": "Northwind"})
    assert response.status_code == status, response.content


def test_finance_may_not_delete_a_contact_and_a_user_without_role_sees_nothing(api_finance, roles, setup):
    contact = factories.ContactFactory()
    response = api_finance.delete(f"/contacts/{contact.pk}", **{"If-Match": '"1"'})
    assert response.status_code == 403 and response.json()["errors"][0]["message"] == "contacts.delete_contact"
    nobody = ApiClient(key_for(None, "nobody")[1])
    assert nobody.get("/contacts").status_code == 403
    assert nobody.get(f"/contacts/{contact.pk}").status_code == 403


@override_settings(API_RATE_LIMIT="3/m")
def test_past_the_rate_limit_the_key_gets_429_with_retry_after(roles):
    client = ApiClient(key_for("Sales", "sally")[1])
    assert [client.get("/contacts").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/contacts")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["status"] == 429
    other = ApiClient(key_for("Sales", "sam")[1])  # counted per key: another key is not held back
    assert other.get("/contacts").status_code == 200


def test_create_api_key_prints_the_key_once_and_stores_its_hash(roles):
    user = factories.UserFactory(username="integration")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "integration", "--scope", "read-write", "--expires", "30d", stdout=out,
                 stderr=err)
    secret = out.getvalue().strip()
    key = ApiKey.objects.get(user=user)
    assert key.scope == Scope.READ_WRITE and key.expires_at > timezone.now() + timedelta(days=29)
    assert key.hashed_key == hash_secret(secret) and secret not in err.getvalue()
    assert ApiKey.find(secret) == key


@pytest.mark.parametrize("args,message", [
    (["ghost"], "There is no user"),
    (["integration", "--expires", "2001-01-01"], "in the past"),
    (["integration", "--expires", "soon"], "give a date"),
])
def test_create_api_key_refuses_bad_arguments_and_creates_nothing(db, args, message):
    factories.UserFactory(username="integration")
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiKey.objects.exists()


def test_the_admin_shows_a_new_key_once_and_revokes_keys(admin_client, db):
    user = factories.UserFactory(username="integration")
    response = admin_client.post("/admin/api/apikey/add/", {"user": user.pk, "name": "shop", "scope": "read",
                                                             "expires_at_0": "", "expires_at_1": ""}, follow=True)
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for m in shown for word in m.split() if word.startswith("crm_"))
    assert ApiKey.find(secret) == key and key.hashed_key != secret
    admin_client.get(f"/admin/api/apikey/{key.pk}/change/")
    admin_client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert ApiKey.find(secret) is None
