"""The documents setup and documents in the Django admin."""

from decimal import Decimal

import pytest
from django.urls import reverse

from documents.models import DocumentSetup
from documents.services import document_line_add, purchase_document_from_contact, sales_document_from_contact

pytestmark = pytest.mark.django_db


def test_document_setup_opens_straight_on_its_one_row(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:documents_documentsetup_changelist"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    for label in ("Sales Quote Nos.", "Sales Order Nos.", "Sales Blanket Order Nos.", "Purchase Quote Nos.",
                  "Purchase Order Nos."):
        assert label in page
    assert DocumentSetup.objects.count() == 1


def test_documents_list_and_open_in_the_admin(client, admin_user, document_setup, customer_company, vendor_company):
    client.force_login(admin_user)
    quote = sales_document_from_contact(customer_company[0], "quote")
    document_line_add(quote, description="Chair", unit_price=Decimal("5"))
    order = purchase_document_from_contact(vendor_company[0], "order")
    for model, document in (("salesheader", quote), ("purchaseheader", order)):
        listing = client.get(reverse(f"admin:documents_{model}_changelist"))
        assert listing.status_code == 200 and document.no in listing.content.decode()
        assert client.get(reverse(f"admin:documents_{model}_change", args=[document.pk])).status_code == 200
