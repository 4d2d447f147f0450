"""Login throttle (crm.login_throttle): 5 failed logins for a user name from one address within 15 minutes pause that
user name's logins from that address for 15 minutes, with a plain message, even with the right password."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from crm.login_throttle.models import LoginFailure
from crm.login_throttle.throttle import WINDOW
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PAUSED = "Too many failed logins for this user name"


def _log_in(client, password, username="sally", path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def _fail(client, times, **kwargs):
    for _ in range(times):
        response = _log_in(client, "wrong", **kwargs)
        assert response.status_code == 200 and PAUSED not in response.content.decode()


def test_five_failed_logins_pause_the_user_name_even_with_the_right_password(client, sales_user):
    _fail(client, 5)
    response = _log_in(client, PASSWORD)
    assert response.status_code == 200 and PAUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.count() == 5  # a refusal while paused does not extend the pause


def test_four_failed_logins_still_let_the_right_password_in_and_it_clears_the_count(client, sales_user):
    _fail(client, 4)
    assert _log_in(client, PASSWORD).status_code == 302
    assert not LoginFailure.objects.exists()


def test_the_pause_ends_15_minutes_after_the_last_failure(client, sales_user):
    _fail(client, 5)
    LoginFailure.objects.update(at=LoginFailure.objects.latest("at").at - WINDOW - timedelta(seconds=1))
    assert _log_in(client, PASSWORD).status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_pause(client, sales_user):
    _fail(client, 5)
    oldest = LoginFailure.objects.earliest("at")
    LoginFailure.objects.filter(pk=oldest.pk).update(at=oldest.at - WINDOW)
    assert _log_in(client, PASSWORD).status_code == 302


def test_the_pause_is_per_user_name_and_address(client, sales_user, purchasing_user):
    _fail(client, 5, username="Sally")  # a user name's case does not dodge the count
    assert PAUSED in _log_in(client, PASSWORD).content.decode()
    assert _log_in(client, PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302
    client.logout()
    assert _log_in(client, PASSWORD, username="percy").status_code == 302


def test_the_admin_login_is_throttled_too(client, roles):
    boss = factories.UserFactory(username="boss", is_staff=True)
    boss.groups.add(Group.objects.get(name="Administrators"))
    _fail(client, 5, username="boss", path="/admin/login/")
    response = _log_in(client, PASSWORD, username="boss", path="/admin/login/")
    assert response.status_code == 200 and PAUSED in response.content.decode()
