"""The admin change lists of contacts, customers, vendors and bank accounts link to the existing CSV import."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHANGE_LISTS = [("contacts_contact", "contact"), ("partners_customer", "customer"),
                ("partners_vendor", "vendor"), ("partners_bankaccount", "bank_account")]


@pytest.mark.parametrize("admin_name, kind", CHANGE_LISTS)
def test_admin_change_list_has_an_import_csv_button_leading_to_the_import_page(client, admin_user, admin_name,
                                                                                kind):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:{admin_name}_changelist"))
    import_url = reverse("csv:import", args=[kind])
    assert response.status_code == 200
    assert f'<a href="{import_url}">Import CSV</a>' in response.content.decode()
    page = client.get(import_url)
    assert page.status_code == 200


def test_import_csv_button_is_hidden_from_staff_who_may_not_add_and_change(client):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(viewer)
    response = client.get(reverse("admin:partners_customer_changelist"))
    assert response.status_code == 200
    assert "Import CSV" not in response.content.decode()
