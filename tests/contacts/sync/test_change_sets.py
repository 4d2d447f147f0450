"""contacts.sync: every path ends in finish(ChangeSet), set-based, with one signal per change set."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import services, sync
from contacts.models import Contact, DuplicateSearchString
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def change_sets():
    received = []

    def receiver(sender, change_set, **kwargs):
        received.append(change_set)

    sync.change_set_applied.connect(receiver, sender=sync.ChangeSet, dispatch_uid="test.change_sets")
    yield received
    sync.change_set_applied.disconnect(dispatch_uid="test.change_sets", sender=sync.ChangeSet)


def test_a_contact_save_is_a_change_set_of_one(sync_on, change_sets):
    customer = factories.CustomerFactory(name="Fabrikam")
    contact = Contact.objects.get(business_relations__customer=customer)
    change_sets.clear()
    contact.city = "Bonn"
    contact.save()
    assert len(change_sets) == 1
    assert list(change_sets[0].contacts) == [contact.pk]
    assert change_sets[0].reason == f"Synchronized from contact {contact.no}"


def test_a_single_link_announces_its_link(sync_on, change_sets):
    contact = factories.ContactFactory(name="Fabrikam")
    customer = factories.CustomerFactory(name="Fabrikam")
    Contact.objects.filter(business_relations__customer=customer).delete()
    change_sets.clear()
    services.link_contact(contact, customer)
    assert [cs.links for cs in change_sets] == [[("customer", customer.pk, contact.pk)]]


def test_a_bulk_link_announces_every_link_it_made(sync_on, change_sets):
    pairs = []
    for i in range(3):
        contact = factories.ContactFactory(name=f"Company {i}", vat_registration_no=f"DE12345678{i}")
        customer = factories.CustomerFactory(name=f"Company {i}", vat_registration_no=f"DE12345678{i}")
        Contact.objects.filter(business_relations__customer=customer).delete()
        pairs.append(("customer", customer.pk, contact.pk))
    change_sets.clear()
    call_command("link_contacts", "customers", stdout=StringIO())
    assert sorted(link for cs in change_sets for link in cs.links) == sorted(pairs)


def test_a_save_without_tracked_changes_finishes_nothing(sync_on, change_sets):
    contact = factories.ContactFactory(name="Fabrikam")
    change_sets.clear()
    contact.privacy_blocked = True
    contact.save()
    assert change_sets == []


def test_push_to_partners_costs_the_same_for_ten_and_for_fifty_contacts(sync_on):
    def linked(count):
        customers = [factories.CustomerFactory(name=f"Firm {i}") for i in range(count)]
        contacts = list(Contact.objects.filter(business_relations__customer__in=customers))
        Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(city="Drifted")  # raw: no signals
        return [c.pk for c in contacts]

    def cost(ids):
        with CaptureQueriesContext(connection) as queries:
            changed = sync.push_to_partners(ids, reason="test")
        assert len(changed["customer"]) == len(ids)
        return len(queries.captured_queries)

    assert cost(linked(10)) == cost(linked(50))
    assert sync.find_drift() == []


def test_finish_reindexes_contacts_whose_keys_changed_and_leaves_the_others(sync_on):
    contact = factories.ContactFactory(name="Fabrikam")
    other = factories.ContactFactory(name="Northwind")
    old = Contact.objects.get(pk=contact.pk)
    Contact.objects.filter(pk=contact.pk).update(name="Contoso", company_name="Contoso")
    Contact.objects.filter(pk=other.pk).update(city="Bonn")
    sync.finish(sync.ChangeSet(reason="test", contacts={contact.pk: old,
                                                          other.pk: Contact.objects.get(pk=other.pk)}))
    assert DuplicateSearchString.objects.get(contact=contact).name == "contoso"
    assert DuplicateSearchString.objects.get(contact=other).name == "northwind"
