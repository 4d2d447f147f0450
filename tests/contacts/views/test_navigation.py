"""The main menu lights up one entry: the one that best matches the page (crm/context_processors.py)."""

import pytest

pytestmark = pytest.mark.django_db


def active_entries(response):
    return [item["label"] for item in response.context["navigation"] if item["active"]]


def test_the_duplicates_page_lights_up_duplicates_only(sales):
    assert active_entries(sales.get("/contacts/duplicates/")) == ["Duplicates"]


def test_the_contact_list_lights_up_contacts(sales):
    assert active_entries(sales.get("/contacts/")) == ["Contacts"]
    page = sales.get("/contacts/").content.decode()
    assert page.count('aria-current="page"') == 1
