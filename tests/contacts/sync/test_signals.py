"""The receivers: connected once, stand back for raw loading and for the engine's own writes."""

import pytest
from django.db.models.signals import post_save

from contacts import services, signals, sync
from partners.models import Customer, Vendor
from tests.factories import ContactFactory, CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_connecting_again_does_not_double_the_receivers(sync_on):
    signals.connect()
    CustomerFactory()
    from contacts.models import Contact

    assert Contact.objects.count() == 1


def test_synchronized_writes_send_no_partner_signals(sync_on):
    contact = ContactFactory()
    with sync.suspended():
        customer, vendor = CustomerFactory(), VendorFactory()
    services.link_contact(contact, customer)
    services.link_contact(contact, vendor)
    seen = []

    def spy(sender, instance, **kwargs):
        seen.append(sender)

    post_save.connect(spy, sender=Customer, dispatch_uid="test-spy-customer")
    post_save.connect(spy, sender=Vendor, dispatch_uid="test-spy-vendor")
    try:
        contact.refresh_from_db()
        contact.phone_no = "+1 555 0456"
        contact.save()
    finally:
        post_save.disconnect(sender=Customer, dispatch_uid="test-spy-customer")
        post_save.disconnect(sender=Vendor, dispatch_uid="test-spy-vendor")
    assert seen == []
    customer.refresh_from_db()
    assert customer.phone_no == "+1 555 0456"
    assert customer.history.count() == 4  # created, linked (its values), "Linked with contact …", this change — no echo


def test_inside_suspended_a_new_partner_gets_no_contact(sync_on):
    from contacts.models import Contact

    with sync.suspended():
        CustomerFactory()
    assert not Contact.objects.exists()
    assert not sync.is_suspended()
