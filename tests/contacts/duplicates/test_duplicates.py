"""Duplicate contacts (companies and persons): the index, detection, "not a duplicate", find_duplicates, merging,
the page."""

from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts import sync
from contacts.duplicates import index as duplicates
from contacts.duplicates.merge import merge_contacts
from contacts.models import Contact, ContactBusinessRelation, ContactDuplicate, DuplicateSearchString, MarketingSetup
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


def company(**values):
    """A company contact with only the given fields (the factory's random address, phone and e-mail blanked:
    unknown to the matcher rather than different)."""
    blank = dict.fromkeys(("address", "city", "post_code", "phone_no", "email"), "")
    contact = factories.ContactFactory(**{**blank, **values})
    duplicates.index_contact(contact)
    return contact


def test_contacts_with_the_same_normalized_name_and_phone_are_a_pair():
    a = company(name="Müller GmbH", phone_no="030 1234567", country_code="DE")
    b = company(name="MULLER AG", phone_no="+49 30 1234567", country_code="DE")
    pair = ContactDuplicate.objects.get()
    assert (pair.contact, pair.duplicate) == (a, b)
    assert pair.probability > 0.99 and pair.score == round(pair.probability * 100)
    assert "phone no. agrees +" in pair.reasons and "name agrees +" in pair.reasons


def test_different_contacts_are_not_a_pair():
    company(name="Alpha", email="a@a.test")
    company(name="Omega", email="o@o.test")
    assert not ContactDuplicate.objects.exists()


def test_search_hit_pct_is_the_threshold():
    setup = MarketingSetup.load()
    setup.search_hit_pct = 90
    setup.save()
    company(name="Fabrikam Inc")
    company(name="Fabrikam Ltd")
    assert not ContactDuplicate.objects.exists()  # the name alone: p ≈ 0.86 with the default m/u
    setup.search_hit_pct = 80
    setup.save()
    company(name="Fabrikam Corp")
    assert ContactDuplicate.objects.count() == 2
    assert {p.score for p in ContactDuplicate.objects.all()} == {86}


def test_a_pair_marked_not_a_duplicate_stays_marked_when_reindexed_and_rebuilt():
    a = company(name="Fabrikam Inc")
    company(name="Fabrikam Ltd")
    duplicates.mark_separate(ContactDuplicate.objects.get())
    a.city = "Elsewhere"
    a.name = "Fabrikam Incorporated"
    duplicates.index_contact(a)
    call_command("find_duplicates", "--no-progress", stdout=StringIO())
    pair = ContactDuplicate.objects.get()
    assert pair.separate
    assert list(duplicates.open_pairs()) == []


def test_a_contact_that_becomes_a_person_is_no_longer_paired_with_a_company():
    a = company(name="Fabrikam")
    company(name="Fabrikam")
    assert ContactDuplicate.objects.exists()
    a.type = "person"
    duplicates.index_contact(a)
    assert DuplicateSearchString.objects.filter(contact=a).exists()  # persons are indexed too
    assert not ContactDuplicate.objects.exists()


def test_unchanged_keys_are_not_searched_again(django_assert_num_queries):
    a = company(name="Fabrikam")
    a.home_page = "https://fabrikam.test"  # not compared by the matcher
    with django_assert_num_queries(2):  # Marketing Setup, the stored signature
        assert duplicates.index_contact(a) is False


def test_no_index_when_marketing_setup_does_not_maintain_it():
    setup = MarketingSetup.load()
    setup.maintain_dupl_search_strings = False
    setup.save()
    company(name="Fabrikam")
    assert not DuplicateSearchString.objects.exists()


def test_find_duplicates_rebuilds_the_index_from_scratch():
    factories.ContactFactory(name="Contoso plc", email="x@contoso.test")
    factories.ContactFactory(name="contoso", email="X@contoso.test")
    factories.ContactFactory(person=True)
    out = StringIO()
    call_command("find_duplicates", "--no-progress", stdout=out)
    assert "Indexed 3 contact(s): 2 company(ies), 1 person(s)." in out.getvalue()
    assert "Possible duplicates: 1 pair(s)" in out.getvalue()


def test_saving_a_company_indexes_it_in_the_same_transaction():
    first = factories.ContactFactory(name="Tailspin Toys", email="first@tailspin.test")
    factories.ContactFactory(name="Tailspin Toys Inc.", email="HI@tailspin.test")
    assert DuplicateSearchString.objects.count() == 2
    first.email = "hi@tailspin.test"
    first.save()
    assert DuplicateSearchString.objects.get(contact=first).email == "hi@tailspin.test"
    pair = ContactDuplicate.objects.get()
    assert pair.contact == first and "e-mail agrees +" in pair.reasons


def test_a_save_that_leaves_the_key_fields_alone_does_not_touch_the_index():
    contact = factories.ContactFactory(name="Tailspin Toys")
    contact = Contact.objects.get(pk=contact.pk)
    contact.job_title = "n/a"
    with CaptureQueriesContext(connection) as queries:
        contact.save()
    assert not [q for q in queries.captured_queries if "duplicatesearchstring" in q["sql"]]
    contact.email = "new@tailspin.test"
    contact.save()
    assert DuplicateSearchString.objects.get(contact=contact).email == "new@tailspin.test"



def test_a_candidate_is_scored_from_its_index_row_without_reading_its_contact():
    a = company(name="Contoso Pharmaceuticals", phone_no="+44 20 7946 0000", country_code="GB")
    b = factories.ContactFactory.build(name="CONTOSO PHARMACEUTICALS LTD", phone_no="020 7946 0000",
                                       country_code="GB", address="", city="", post_code="", email="")
    b.no = "CT-TEST-B"
    with sync.suspended():
        b.save()
    with CaptureQueriesContext(connection) as queries:
        duplicates.index_contact(b)
    assert not [q for q in queries.captured_queries if 'FROM "contacts_contact"' in q["sql"]]
    pair = ContactDuplicate.objects.get()
    assert (pair.contact, pair.duplicate) == (a, b) and "phone no. agrees +" in pair.reasons


def test_the_index_row_keeps_the_record_its_signature_is_computed_from():
    contact = company(name="Northwind Traders", email="orders@northwind.test")
    row = DuplicateSearchString.objects.get(contact=contact)
    assert row.record.split("\x1f")[1:3] == ["northwind traders", "northwind"]
    assert row.signature == duplicates.index_values(contact).signature
    assert row.record == duplicates.index_values(contact).record


def test_the_migration_that_adds_the_record_fills_it_for_every_indexed_contact():
    contacts = [company(name="Northwind Traders", phone_no="+44 20 7946 0001", country_code="GB"),
                factories.ContactFactory(person=True)]
    DuplicateSearchString.objects.update(record="", signature="")
    import_module("contacts.migrations.0009_duplicatesearchstring_record").fill_records(apps, None)
    stored = {row.contact_id: (row.record, row.signature) for row in DuplicateSearchString.objects.all()}
    assert stored == {c.pk: (duplicates.index_values(c).record, duplicates.index_values(c).signature)
                      for c in contacts}

# --- merging ------------------------------------------------------------------------------------------


@pytest.fixture
def pair(sync_on):
    a = company(name="Fabrikam Inc", city="Berlin", phone_no="+49 30 1")
    b = company(name="Fabrikam Ltd", city="Bonn", phone_no="+49 30 1", email="b@fabrikam.test")
    return a, b


def unsynced(factory, **values):
    """A partner saved without the sync engine (no automatic contact), as an import bypassing signals would."""
    with sync.suspended():
        return factory(**values)


def link(contact, partner, kind):
    code = MarketingSetup.load().code_for(kind)
    return ContactBusinessRelation.objects.create(contact=contact, business_relation=code, link_to_table=kind,
                                                  **{kind: partner})


def test_merge_moves_links_persons_and_interactions_and_keeps_the_chosen_values(pair):
    a, b = pair
    customer = unsynced(factories.CustomerFactory, name=b.name, city=b.city, phone_no=b.phone_no, email=b.email)
    Customer.objects.filter(pk=customer.pk).update(search_name=b.search_name, address=b.address,
                                                   post_code=b.post_code)
    link(b, customer, "customer")
    person = factories.ContactFactory(person=True, company=b, company_name=b.name)
    entry = factories.InteractionLogEntryFactory(contact=b)

    survivor = merge_contacts(a, b, take_from_other=["email"])

    assert survivor.pk == a.pk and not Contact.objects.filter(pk=b.pk).exists()
    assert (survivor.city, survivor.email) == ("Berlin", "b@fabrikam.test")
    assert ContactBusinessRelation.objects.get(customer=customer).contact == a
    person.refresh_from_db()
    assert person.company == a and person.company_name == "Fabrikam Inc"
    entry.refresh_from_db()
    assert entry.contact == a
    customer.refresh_from_db()
    assert (customer.name, customer.city, customer.email) == ("Fabrikam Inc", "Berlin", "b@fabrikam.test")
    assert survivor.contact_business_relation == "customer"
    assert not ContactDuplicate.objects.exists()


def test_merge_is_refused_when_both_are_linked_to_a_partner_of_the_same_type(pair):
    a, b = pair
    link(a, unsynced(factories.VendorFactory), "vendor")
    link(b, unsynced(factories.VendorFactory), "vendor")
    with pytest.raises(ValidationError, match="each linked to a vendor"):
        merge_contacts(a, b)
    assert Contact.objects.filter(pk=b.pk).exists()


def test_merge_keeps_one_row_per_business_relation_code(pair):
    a, b = pair
    prospect = factories.BusinessRelationFactory(code="PROSPECT")
    ContactBusinessRelation.objects.create(contact=a, business_relation=prospect)
    ContactBusinessRelation.objects.create(contact=b, business_relation=prospect)
    merge_contacts(a, b)
    assert ContactBusinessRelation.objects.filter(contact=a, business_relation=prospect).count() == 1


# --- the page ---------------------------------------------------------------------------------------------


@pytest.fixture
def staff(client, db):
    from django.apps import apps

    from crm.roles import create_roles
    create_roles(apps)
    from django.contrib.auth.models import Group
    user = factories.UserFactory(username="sally")
    user.groups.add(Group.objects.get(name="Sales"))
    client.force_login(user)
    return client


def test_duplicates_page_lists_pairs_with_their_score(staff, pair, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = staff.get(reverse("contacts:duplicates"))
    assert response.status_code == 200
    body = response.content.decode()
    pair = ContactDuplicate.objects.get()
    assert "Fabrikam Ltd" in body and f"{pair.score}%" in body and "Not a duplicate" in body
    assert "phone no. agrees +" in body  # each field's contribution


def test_marking_not_a_duplicate_from_the_page(staff, pair):
    duplicate = ContactDuplicate.objects.get()
    response = staff.post(reverse("contacts:duplicate-separate", args=[duplicate.pk]))
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.separate
    assert "No possible duplicates" in staff.get(reverse("contacts:duplicates")).content.decode()


def test_merge_page_shows_differing_fields_and_merges(staff, pair):
    a, b = pair
    duplicate = ContactDuplicate.objects.get()
    url = reverse("contacts:duplicate-merge", args=[duplicate.pk])
    page = staff.get(url).content.decode()
    assert "Bonn" in page and "Berlin" in page
    response = staff.post(url, {"survivor": "second", "field_city": "first", "field_name": "second",
                                "field_search_name": "second", "field_email": "second"})
    assert response.status_code == 302
    survivor = Contact.objects.get()
    assert survivor.pk == b.pk and survivor.city == "Berlin"


def test_refused_merge_shows_the_reason_and_changes_nothing(staff, pair):
    a, b = pair
    link(a, unsynced(factories.CustomerFactory), "customer")
    link(b, unsynced(factories.CustomerFactory), "customer")
    duplicate = ContactDuplicate.objects.get()
    response = staff.post(reverse("contacts:duplicate-merge", args=[duplicate.pk]), {"survivor": "first"})
    assert response.status_code == 200
    assert "each linked to a customer" in response.content.decode()
    assert Contact.objects.count() == 2


def test_unknown_pair_is_404(staff):
    assert staff.get(reverse("contacts:duplicate-merge", args=[999])).status_code == 404


def test_a_partner_rename_that_reaches_its_contact_reindexes_the_contact(sync_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = factories.CustomerFactory(name="Proseware", email="a@proseware.test")
        company(name="Adatum", email="b@adatum.test")
    assert not ContactDuplicate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        customer.name = "Adatum Inc."
        customer.save()
    pair = ContactDuplicate.objects.get()
    assert "name agrees +" in pair.reasons


def test_rebuilding_the_index_refreshes_its_planner_statistics_before_searching_it(on_postgres, monkeypatch):
    """The lookups of the search are planned for the full index, not for the table as last analyzed (empty)."""
    from django.db import connection

    def analyze_count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s",
                           [DuplicateSearchString._meta.db_table])
            return cursor.fetchone()[0]

    factories.marketing_setup()
    company(name="Fabrikam Inc.")
    counts = []
    original = duplicates.find_pairs

    def searching(*args, **kwargs):  # note how often the index was analyzed when the search starts
        counts.append(analyze_count())
        return original(*args, **kwargs)

    monkeypatch.setattr(duplicates, "find_pairs", searching)
    before = analyze_count()
    duplicates.rebuild_index()
    assert counts and counts[0] == before + 1
