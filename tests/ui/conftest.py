import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from crm.roles import create_roles
from tests import factories


@pytest.fixture
def roles(db):
    create_roles(apps)


def _user_in(role, username):
    user = factories.UserFactory(username=username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def sales_user(roles):
    return _user_in("Sales", "sally")


@pytest.fixture
def purchasing_user(roles):
    return _user_in("Purchasing", "percy")


@pytest.fixture
def finance_user(roles):
    return _user_in("Finance", "fiona")


@pytest.fixture
def nobody(roles):
    return _user_in(None, "nobody")


@pytest.fixture
def sales(client, sales_user):
    client.force_login(sales_user)
    return client


@pytest.fixture
def purchasing(client, purchasing_user):
    client.force_login(purchasing_user)
    return client


@pytest.fixture
def finance(client, finance_user):
    client.force_login(finance_user)
    return client


HX = {"HX-Request": "true"}
RESULTS = {**HX, "HX-Target": "results"}  # the list screens' search, sort and page links swap #results
