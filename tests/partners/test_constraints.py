"""The invariants of DESIGN §3 on the ledger side hold in the database, and setup tables have one row.

Writes go through ``bulk_create`` / ``QuerySet.update`` / ``QuerySet.create`` so that what refuses
them is the database (or, for ``create``, the model's own ``save``), not a form or a service.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crm.models import SingletonModel
from partners.models import BankAccount, Customer, NoSeries, Vendor
from tests.factories import BankAccountFactory, CustomerFactory, NoSeriesFactory, VendorFactory

pytestmark = pytest.mark.django_db

SINGLETONS = sorted((model for model in apps.get_models() if issubclass(model, SingletonModel)),
                    key=lambda model: model._meta.label)


def refused(callable_, *args, **kwargs):
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("model, factory", [
    (Customer, CustomerFactory), (Vendor, VendorFactory), (BankAccount, BankAccountFactory)],
    ids=["customer", "vendor", "bank_account"])
def test_partner_numbers_are_unique_and_never_blank(model, factory):
    factory(no="X0001")
    assert refused(model.objects.bulk_create, [model(no="X0001", name="Again")])
    assert refused(model.objects.bulk_create, [model(no="", name="Nameless")])
    assert not refused(model.objects.bulk_create, [model(no="X0002", name="Next")])


def test_customer_contact_type_and_blocked_take_only_their_values():
    customer = CustomerFactory()
    assert refused(Customer.objects.filter(pk=customer.pk).update, contact_type="robot")
    assert refused(Customer.objects.filter(pk=customer.pk).update, blocked="payment")  # a vendor's value
    assert not refused(Customer.objects.filter(pk=customer.pk).update, blocked="invoice")


def test_vendor_blocked_takes_only_its_values():
    vendor = VendorFactory()
    assert refused(Vendor.objects.filter(pk=vendor.pk).update, blocked="ship")  # a customer's value
    assert not refused(Vendor.objects.filter(pk=vendor.pk).update, blocked="payment")


def test_number_series_codes_are_unique_and_need_a_starting_number_and_a_positive_step():
    NoSeriesFactory(code="CONT")
    assert refused(NoSeries.objects.bulk_create, [NoSeries(code="CONT", starting_no="X1")])
    assert refused(NoSeries.objects.bulk_create, [NoSeries(code="NEW", starting_no="")])
    assert refused(NoSeries.objects.bulk_create, [NoSeries(code="NEW", starting_no="X1", increment_by=0)])


def test_every_setup_table_is_a_singleton():
    assert {model._meta.label for model in SINGLETONS} >= {
        "contacts.MarketingSetup", "contacts.InteractionTemplateSetup", "partners.PartnerSetup"}


@pytest.mark.parametrize("model", SINGLETONS, ids=lambda model: model._meta.label)
def test_a_second_setup_row_is_impossible_even_bypassing_save(model):
    first = model.load()
    assert first.pk == model.load().pk == 1
    assert refused(model.objects.bulk_create, [model(id=2)])
    with pytest.raises(ValidationError, match="exactly one row"):
        model.objects.create(id=2)
    assert model.objects.count() == 1
