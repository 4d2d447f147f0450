"""Fixtures and helpers of the screen tests: a signed-in client per role, htmx headers, query bounds."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from crm.roles import create_roles
from tests import factories

HX = {"HX-Request": "true"}
RESULTS = {**HX, "HX-Target": "results"}  # the list screens' search, sort and page links swap #results

# DESIGN §4: a screen takes a bounded number of queries, whatever the number of rows behind it.
CONTACT_SCREEN_QUERIES = 30
PARTNER_SCREEN_QUERIES = 40


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


@pytest.fixture
def queries(django_assert_max_num_queries):
    """``queries(client, url, bound, **get_kwargs)``: GET ``url`` within ``bound`` queries (200 expected);
    returns how many it took, so a test can also show the count does not grow with the rows."""
    def count(client, url, bound, **kwargs):
        with django_assert_max_num_queries(bound) as captured:
            response = client.get(url, **kwargs)
        assert response.status_code == 200, response.content[:2000]
        return len(captured)
    return count


def form_data(form):
    """The values a browser would post for an unbound form (as rendered), ready to be modified."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.widget.input_type == "checkbox":
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data
