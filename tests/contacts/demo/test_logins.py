"""The demo logins that ``manage.py seed_demo`` makes sure of, printed with the app's address."""

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model

from crm.roles import create_roles


def test_the_demo_login_is_a_superuser_printed_with_the_address(seeded):
    user = get_user_model().objects.get(username="demo")
    assert user.is_superuser and user.is_staff and user.check_password("demo")
    assert "http://127.0.0.1:8000/" in seeded and "http://127.0.0.1:8000/admin/" in seeded
    assert "demo / demo / superuser" in seeded


def test_the_demo_login_is_made_once_and_a_changed_password_is_kept(run_seed_demo, seeded):
    user = get_user_model().objects.get(username="demo")
    user.set_password("my own secret")
    user.save()
    out = run_seed_demo(if_empty=True)
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert get_user_model().objects.get(username="demo").check_password("my own secret")
    assert "my own secret" not in out and "changed since" in out


def test_one_demo_user_per_role_group_when_the_groups_exist(run_seed_demo):
    create_roles(django_apps)
    out = run_seed_demo()
    users = get_user_model().objects
    assert list(users.get(username="sales").groups.values_list("name", flat=True)) == ["Sales"]
    assert list(users.get(username="purchasing").groups.values_list("name", flat=True)) == ["Purchasing"]
    assert list(users.get(username="finance").groups.values_list("name", flat=True)) == ["Finance"]
    assert not users.get(username="sales").is_superuser
    assert users.get(username="sales").salesperson.code.startswith("SP")
    assert "sales / demo / Sales" in out
    administrator = users.get(username="administrator")
    assert administrator.is_staff and not administrator.is_superuser
    assert administrator.groups.filter(name="Administrators").exists()
    assert users.get(username="sales").has_perm("partners.add_customer")
    assert not users.get(username="sales").has_perm("partners.add_vendor")


def test_no_role_users_without_the_role_groups(seeded):
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["demo"]
