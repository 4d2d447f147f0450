"""Fixtures of the API tests: a key per role and a client that sends it."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from api.models import ApiKey, Scope
from tests import factories


class ApiClient:
    """A test client that speaks JSON and sends ``Authorization: Bearer <key>``."""

    def __init__(self, secret=None, client=None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _call(self, method, path, body=None, **headers):
        kwargs = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path, **headers):
        return self._call("get", path, **headers)

    def post(self, path, body=None, **headers):
        return self._call("post", path, {} if body is None else body, **headers)

    def patch(self, path, body, **headers):
        return self._call("patch", path, body, **headers)

    def delete(self, path, **headers):
        return self._call("delete", path, **headers)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def key_for(role, username, scope=Scope.READ_WRITE):
    user = factories.UserFactory(username=username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return ApiKey.issue(user, scope=scope)


@pytest.fixture
def api_sales(roles):
    return ApiClient(key_for("Sales", "sally")[1])


@pytest.fixture
def api_purchasing(roles):
    return ApiClient(key_for("Purchasing", "percy")[1])


@pytest.fixture
def api_finance(roles):
    return ApiClient(key_for("Finance", "fiona")[1])


@pytest.fixture
def api_admin(roles):
    return ApiClient(key_for("Administrators", "ada")[1])


@pytest.fixture
def api_reader(roles):
    return ApiClient(key_for("Sales", "reed", scope=Scope.READ)[1])


@pytest.fixture
def setup(sync_on, numbered_partners):
    return sync_on
