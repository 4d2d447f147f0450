import pytest
from django.contrib.auth.models import Group

from tests import factories

pytestmark = pytest.mark.django_db


def test_every_page_sends_anonymous_visitors_to_the_login(client):
    response = client.get("/contacts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/contacts/")


def test_login_page_logs_in_and_returns_to_the_page_asked_for(client, sales_user):
    page = client.get("/accounts/login/?next=/contacts/")
    assert b"Log in" in page.content
    response = client.post("/accounts/login/", {"username": "sally", "password": "correct horse battery staple",
                                                "next": "/contacts/"})
    assert response.status_code == 302 and response["Location"] == "/contacts/"


def test_a_wrong_password_is_refused_with_a_message(client, sales_user):
    response = client.post("/accounts/login/", {"username": "sally", "password": "nope"})
    assert response.status_code == 200
    assert b"enter a correct username and password" in response.content


def test_logout_is_a_post_and_ends_the_session(sales):
    response = sales.post("/accounts/logout/")
    assert response.status_code == 302
    assert sales.get("/contacts/").status_code == 302


def test_roles_exist_with_their_permissions(roles):
    sales = Group.objects.get(name="Sales")
    codenames = set(sales.permissions.values_list("codename", flat=True))
    assert {"view_contact", "change_contact", "add_customer", "change_customer"} <= codenames
    assert "view_vendor" not in codenames and "view_bankaccount" not in codenames
    assert "change_vendor" in set(Group.objects.get(name="Purchasing").permissions.values_list("codename", flat=True))
    assert "change_bankaccount" in set(Group.objects.get(name="Finance").permissions.values_list("codename",
                                                                                                    flat=True))
    assert Group.objects.get(name="Administrators").permissions.filter(codename="change_marketingsetup").exists()


@pytest.mark.parametrize("url", ["/contacts/", "/customers/", "/vendors/", "/bank-accounts/", "/contacts/new/"])
def test_a_user_without_a_role_gets_the_friendly_403_page(client, nobody, url):
    client.force_login(nobody)
    response = client.get(url)
    assert response.status_code == 403
    assert b"You are not allowed to do that" in response.content


def test_sales_may_not_open_vendors_or_bank_accounts(sales):
    assert sales.get("/vendors/").status_code == 403
    assert sales.get("/bank-accounts/").status_code == 403
    assert sales.get("/customers/").status_code == 200


def test_navigation_shows_only_the_lists_of_the_users_role(purchasing):
    page = purchasing.get("/contacts/").content.decode()
    assert 'href="/vendors/"' in page and 'href="/contacts/"' in page
    assert 'href="/customers/"' not in page and 'href="/bank-accounts/"' not in page


def test_unknown_record_shows_the_friendly_404_page(sales):
    response = sales.get("/contacts/999999/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_start_page_opens_the_first_list_of_the_role(finance):
    assert finance.get("/")["Location"] == "/contacts/"


def test_administrators_group_reaches_everything(client, roles):
    admin = factories.UserFactory(username="boss", is_staff=True)
    admin.groups.add(Group.objects.get(name="Administrators"))
    client.force_login(admin)
    for url in ["/contacts/", "/customers/", "/vendors/", "/bank-accounts/", "/admin/"]:
        assert client.get(url).status_code == 200, url
