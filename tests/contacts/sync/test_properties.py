"""Properties of the engine: any sequence of edits keeps linked pairs equal; concurrent saves serialize."""

import random
import threading

import pytest
from django.db import close_old_connections, connection

from contacts import services, sync
from contacts.models import Contact
from partners.models import BankAccount, ContactType, Customer, Vendor
from tests.factories import (
    BankAccountFactory,
    ContactFactory,
    CustomerFactory,
    SalespersonFactory,
    TerritoryFactory,
    VendorFactory,
    marketing_setup,
)

POOLS = {
    "name": ["Fabrikam Inc.", "Fabrikam Ltd", "Contoso", "Northwind Traders"],
    "name_2": ["", "Sales dept."],
    "address": ["1 Main St", "2 High St", ""],
    "address_2": ["", "Suite 5"],
    "city": ["Seattle", "Berlin", "Paris", ""],
    "post_code": ["98052", "10115", ""],
    "county": ["", "WA"],
    "country_code": ["US", "DE", "FR", ""],
    "phone_no": ["+1 555 0100", "+49 30 1234", ""],
    "mobile_phone_no": ["", "+1 555 0199"],
    "fax_no": ["", "+1 555 0101"],
    "email": ["info@fabrikam.example", "sales@contoso.example", ""],
    "home_page": ["", "fabrikam.example"],
    "language_code": ["en", "de", ""],
    "currency_code": ["USD", "EUR", ""],
    "vat_registration_no": ["", "DE123456789", "US99"],
    "payment_terms_code": ["14D", "30D"],
    "job_title": ["", "Buyer"],
}


def linked_setup():
    marketing_setup()
    contact = ContactFactory(name="Fabrikam Inc.")
    with sync.suspended():
        partners = [CustomerFactory(), VendorFactory(), BankAccountFactory()]
    for partner in partners:
        services.link_contact(contact, partner)
    return contact, *partners


def assert_agree():
    drift = sync.find_drift()
    assert drift == [], [str(d) for d in drift]


@pytest.mark.django_db
def test_a_random_sequence_of_edits_keeps_every_linked_pair_equal():
    rng = random.Random(20261124)
    contact, customer, vendor, bank = linked_setup()
    person = Contact.objects.create(type=ContactType.PERSON, name="Jo Bloggs", company=contact, no="P0001")
    territories = [None, TerritoryFactory(code="N"), TerritoryFactory(code="S")]
    salespeople = [None, SalespersonFactory(code="A"), SalespersonFactory(code="B")]
    models = [Contact, Customer, Vendor, BankAccount]
    ids = {Contact: contact.pk, Customer: customer.pk, Vendor: vendor.pk, BankAccount: bank.pk}
    stale = {}
    for step in range(300):
        model = rng.choice(models)
        if rng.random() < 0.2 and model in stale:
            obj = stale[model]  # an instance read earlier: its other fields may be out of date
        else:
            obj = model.objects.get(pk=ids[model])
            stale[model] = obj
        names = [f for f in POOLS if hasattr(obj, f)]
        for field in rng.sample(names, rng.randint(1, 3)):
            setattr(obj, field, rng.choice(POOLS[field]))
        if rng.random() < 0.3:
            obj.territory = rng.choice(territories)
        if rng.random() < 0.3 and model in (Contact, Customer):
            obj.salesperson = rng.choice(salespeople)
        if rng.random() < 0.1 and model is Vendor:
            obj.purchaser = rng.choice(salespeople)
        if rng.random() < 0.1 and model is Customer:
            obj.contact_type = rng.choice([ContactType.COMPANY, ContactType.PERSON])
        obj.save()
        assert_agree()
    person.refresh_from_db()
    assert person.company_name == Contact.objects.get(pk=contact.pk).name


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_a_linked_pair_never_leave_it_disagreeing(on_postgres):
    contact, customer, vendor, bank = linked_setup()
    errors = []
    rounds = 15

    def run(model, pk, values, barrier):
        try:
            for i in range(rounds):
                barrier.wait(timeout=30)
                obj = model.objects.get(pk=pk)
                obj.phone_no = values[i % len(values)]
                obj.city = f"{model.__name__} {i}"
                obj.save()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            close_old_connections()
            connection.close()

    barrier = threading.Barrier(3)
    threads = [
        threading.Thread(target=run, args=(Contact, contact.pk, ["+1 555 0001", "+1 555 0002"], barrier)),
        threading.Thread(target=run, args=(Customer, customer.pk, ["+1 555 0003", "+1 555 0004"], barrier)),
        threading.Thread(target=run, args=(Vendor, vendor.pk, ["+1 555 0005"], barrier)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert_agree()
    contact.refresh_from_db()
    assert contact.city.endswith(str(rounds - 1))
