"""Two people saving the edit screens of one linked contact's records at the same moment (PostgreSQL).

Every path takes its locks in one order — the contact first (a person's company before the person), then
its partners — so simultaneous saves serialize instead of deadlocking; the later one is merged over the
earlier (``crm.concurrency.save_or_merge``) or comes back with the "someone else saved" message.
"""

import threading
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client

from contacts.forms import ContactForm
from contacts.models import Contact
from partners.forms import edit_form_class
from partners.models import ContactType, Customer, Vendor
from tests.contacts.sync.test_properties import linked_setup
from tests.factories import ContactFactory
from tests.screens import form_data

ROUNDS = 10
STALE = "while you were editing"  # every "someone else saved" message says it


def _form(model, pk):
    record = model.objects.get(pk=pk)
    return ContactForm(instance=record) if model is Contact else edit_form_class(model)(instance=record)


def _collide(user, first, second, records):
    """Each of ``first`` and ``second`` — (model, pk, field, value pattern) — is a user with the record's edit
    screen open, changing one field; both press Save at the same moment, ROUNDS times. Returns per side and
    round (saved?, value, status, text, the field's value after the round in each record that must carry the
    side's saved value: ``records`` per side) and the errors raised in the threads."""
    barrier = threading.Barrier(2)
    outcomes = {0: [], 1: []}
    errors = []

    def edit(side, model, pk, name, pattern, records):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        url = model.objects.get(pk=pk).get_absolute_url()
        try:
            for round_ in range(ROUNDS):
                data = form_data(_form(model, pk))  # the screen as both opened it
                value = pattern.format(round_)
                data[name] = value
                barrier.wait(timeout=30)  # both press Save together
                response = client.post(url, data, follow=True)  # a save redirects to the card, with its message
                barrier.wait(timeout=30)  # both finished: nobody saves until both have read the outcome
                stored = [getattr(type(r).objects.get(pk=r.pk), name) for r in records]
                outcomes[side].append((bool(response.redirect_chain), value, response.status_code,
                                       response.content.decode(errors="replace"), stored))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
            barrier.abort()
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=edit, args=(side, *spec, records[side]))
               for side, spec in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes, errors


def _assert_serialized(outcomes, errors, specs, each_writes_the_other=True, same_field=False):
    assert errors == []
    for side in outcomes:
        assert len(outcomes[side]) == ROUNDS
        for saved, value, status, text, stored in outcomes[side]:
            assert status == 200, f"HTTP {status}: {text[:3000]}"
            if saved:  # no lost update: the saved value reached the contact and every linked partner
                assert stored == [value] * len(stored), (specs[side], value, stored)
            else:  # the loser of a true conflict is told "someone else saved", and nothing was written
                assert STALE in text, text[:3000]
                assert value not in stored, (specs[side], value, stored)
        if not same_field:  # different fields merge: every save goes through
            assert all(saved for saved, *_ in outcomes[side]), [o[3][:3000] for o in outcomes[side] if not o[0]]
    if each_writes_the_other:  # each save bumps the other's record: the later one was merged, and told so
        for first, second in zip(outcomes[0], outcomes[1], strict=True):
            assert STALE in first[3] or STALE in second[3]
    call_command("sync_check", stdout=StringIO(), stderr=StringIO())  # raises CommandError on drift


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", "x")


@pytest.mark.django_db(transaction=True)
def test_saving_a_linked_contact_and_its_customer_at_once_serializes_without_deadlock(on_postgres, editor):
    contact, customer, vendor, bank = linked_setup()
    specs = [(Contact, contact.pk, "phone_no", "+1 555 01{:02d}"),
             (Customer, customer.pk, "city", "Contact city {}")]
    outcomes, errors = _collide(editor, *specs, records=[[contact, customer, vendor]] * 2)
    _assert_serialized(outcomes, errors, specs)


@pytest.mark.django_db(transaction=True)
def test_saving_the_customer_and_the_vendor_of_one_contact_at_once_serializes_without_deadlock(
        on_postgres, editor):
    contact, customer, vendor, bank = linked_setup()
    specs = [(Customer, customer.pk, "phone_no", "+1 555 02{:02d}"),
             (Vendor, vendor.pk, "city", "Vendor city {}")]
    outcomes, errors = _collide(editor, *specs, records=[[contact, customer, vendor]] * 2)
    _assert_serialized(outcomes, errors, specs)


@pytest.mark.django_db(transaction=True)
def test_saving_a_company_and_one_of_its_persons_at_once_serializes_without_deadlock(on_postgres, editor):
    company, customer, vendor, bank = linked_setup()
    person = ContactFactory(type=ContactType.PERSON, name="Anna Smith", company=company)
    specs = [(Contact, company.pk, "name", "Fabrikam {} Inc."),
             (Contact, person.pk, "phone_no", "+1 555 03{:02d}")]
    outcomes, errors = _collide(editor, *specs, records=[[company, customer, vendor], [person]])
    # The company's new name reaches the person (its company name); the person's phone stays its own.
    _assert_serialized(outcomes, errors, specs, each_writes_the_other=False)
    person.refresh_from_db()
    assert person.company_name == Contact.objects.get(pk=company.pk).name


@pytest.mark.django_db(transaction=True)
def test_a_true_conflict_between_a_contact_and_its_customer_saved_at_once_asks_the_later_one(on_postgres, editor):
    contact, customer, vendor, bank = linked_setup()
    specs = [(Contact, contact.pk, "phone_no", "+1 555 04{:02d}"),
             (Customer, customer.pk, "phone_no", "+1 555 05{:02d}")]
    outcomes, errors = _collide(editor, *specs, records=[[contact, customer, vendor]] * 2)
    _assert_serialized(outcomes, errors, specs, same_field=True)
    for first, second in zip(outcomes[0], outcomes[1], strict=True):  # exactly one saved; the other was asked
        assert first[0] != second[0]
