"""manage.py create_contacts_from: a linked contact per partner, in batches, same result as the per-row path."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.bulk import create as bulk
from contacts.duplicates import index as duplicates
from contacts.models import Contact, ContactBusinessRelation, ContactDuplicate, DuplicateSearchString, MarketingSetup
from contacts.sync import partner_to_contact_map
from partners.models import ContactType, Customer, NoSeries
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("create_contacts_from", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def setup_after(db):
    """Partners are made first (so nothing syncs on creation), then synchronization is switched on."""
    def switch_on(**kwargs):
        return factories.marketing_setup(**kwargs)
    return switch_on


def test_creates_a_linked_company_contact_per_customer_with_the_mapped_fields(setup_after):
    salesperson = factories.SalespersonFactory()
    customers = factories.CustomerFactory.create_batch(3, salesperson=salesperson, vat_registration_no="de123",
                                                       currency_code="EUR")
    setup = setup_after()

    output = run("customers")

    assert "Created 3 contact(s) from customers" in output
    for customer in customers:
        link = ContactBusinessRelation.objects.get(customer=customer)
        contact = link.contact
        assert link.business_relation == setup.bus_rel_code_for_customers
        assert link.link_to_table == "customer"
        assert contact.type == ContactType.COMPANY
        assert contact.company_name == customer.name
        assert contact.contact_business_relation == "customer"
        assert contact.no.startswith("CT")
        for partner_field, contact_field in partner_to_contact_map("customer").items():
            assert getattr(contact, contact_field) == getattr(customer, partner_field), contact_field
        assert contact.history.count() == 1


def test_customer_contact_type_person_gives_a_person_contact(setup_after):
    customer = factories.CustomerFactory(contact_type=ContactType.PERSON, name="Ann Lee", contact="Ann")
    setup_after()
    run("customers")
    link = ContactBusinessRelation.objects.get(customer=customer)
    assert link.contact.type == ContactType.PERSON
    assert link.primary_contact is None
    assert Contact.objects.count() == 1


def test_contact_text_of_a_vendor_becomes_the_primary_person_under_the_new_company(setup_after):
    vendor = factories.VendorFactory(contact="Mary Jane Watson", territory=factories.TerritoryFactory())
    setup_after()
    output = run("vendors")
    link = ContactBusinessRelation.objects.get(vendor=vendor)
    person = link.primary_contact
    assert person.type == ContactType.PERSON
    assert person.company == link.contact
    assert (person.first_name, person.middle_name, person.surname) == ("Mary", "Jane", "Watson")
    assert person.company_name == vendor.name
    assert person.territory == vendor.territory  # inherited from the company
    assert "and 1 person(s)" in output


def test_contact_text_of_a_bank_account_stays_text(setup_after):
    bank = factories.BankAccountFactory(name="First Bank", contact="Front desk")
    setup_after()
    run("bank-accounts")
    link = ContactBusinessRelation.objects.get(bank_account=bank)
    assert link.primary_contact is None
    assert Contact.objects.filter(type=ContactType.PERSON).count() == 0


def test_a_second_run_creates_nothing(setup_after):
    factories.CustomerFactory.create_batch(4, contact="Someone Here")
    setup_after()
    run("customers", "--batch-size", "3")
    before = Contact.objects.count()
    output = run("customers")
    assert Contact.objects.count() == before == 8
    assert "Created 0 contact(s)" in output
    assert "Skipped 4 customers" in output


def test_dry_run_writes_nothing_not_even_a_number(setup_after):
    factories.CustomerFactory.create_batch(2, contact="Some One")
    setup_after()
    output = run("customers", "--dry-run")
    assert "Would create 2 contact(s) from customers and 2 person(s)" in output
    assert Contact.objects.count() == 0
    assert DuplicateSearchString.objects.count() == 0
    assert NoSeries.objects.get(code="CONT").last_no_used == ""


def test_filters_select_partners_by_number_range_name_and_currency(setup_after):
    for no, name, currency in [("C1", "Alpha", "EUR"), ("C2", "Beta", "EUR"), ("C3", "Alpine", "USD"),
                               ("C4", "Alps", "EUR")]:
        factories.CustomerFactory(no=no, name=name, currency_code=currency)
    setup_after()
    run("customers", "--from-no", "C2", "--to-no", "C4", "--search-name", "alp", "--currency", "eur")
    assert list(Contact.objects.values_list("name", flat=True)) == ["Alps"]


def test_refuses_without_the_business_relation_code_for_the_type(setup_after):
    factories.VendorFactory()
    setup_after(vendors=None)
    with pytest.raises(CommandError, match="Bus. Rel. Code for Vendors is not set"):
        run("vendors")
    assert Contact.objects.count() == 0


def test_refuses_without_contact_nos(setup_after):
    factories.CustomerFactory()
    setup_after(contact_nos=None)
    with pytest.raises(CommandError, match="Contact Nos. is not set"):
        run("customers")


def test_bad_batch_size_is_refused(setup_after):
    setup_after()
    with pytest.raises(CommandError, match="batch-size"):
        run("customers", "--batch-size", "0")


def test_an_interrupted_run_keeps_finished_batches_and_a_rerun_completes(setup_after, batch_fails):
    factories.CustomerFactory.create_batch(5)
    setup_after()
    mend = batch_fails(2, RuntimeError("power cut"))
    with pytest.raises(CommandError, match="power cut"):  # the job failed; its committed batches stay
        run("customers", "--batch-size", "2")
    assert Contact.objects.count() == 2
    mend()
    run("customers", "--batch-size", "2")
    assert Contact.objects.count() == 5
    assert ContactBusinessRelation.objects.filter(customer__isnull=False).count() == 5


def test_summary_counts_possible_duplicates_and_indexes_the_new_contacts(setup_after):
    existing = factories.ContactFactory(name="Fabrikam Inc.", phone_no="+1 555 0100 999")
    factories.CustomerFactory(name="FABRIKAM LTD", phone_no="(555) 0100-999", country_code="US")
    setup_after()
    duplicates.index_contact(existing)
    output = run("customers")
    assert "Possible duplicates: 1" in output
    pair = ContactDuplicate.objects.get()
    assert pair.contact == existing
    assert pair.score >= MarketingSetup.load().search_hit_pct
    assert DuplicateSearchString.objects.count() == 2


@pytest.mark.parametrize("kind", ["customer", "vendor", "bank_account"])
def test_same_state_as_the_per_row_path(setup_after, kind, django_capture_on_commit_callbacks):
    """Same partners created twice: one set through create_contact_from_partner, one through the command."""
    from contacts import services

    factory = {"customer": factories.CustomerFactory, "vendor": factories.VendorFactory,
               "bank_account": factories.BankAccountFactory}[kind]
    territory, salesperson = factories.TerritoryFactory(), factories.SalespersonFactory()
    common = {"territory": territory, "currency_code": "GBP", "language_code": "en", "city": "Leeds",
              "address": "1 High St", "post_code": "LS1 1AA", "phone_no": "+44 113 496 0000",
              "email": "info@firm.example"}
    if kind == "customer":
        common["salesperson"] = salesperson
    if kind != "bank_account":
        common["vat_registration_no"] = "gb999"
    texts = ["", "Jo Bloggs", "  Ann Marie Smith "]
    extra = [{}, {}, {"contact_type": ContactType.PERSON}] if kind == "customer" else [{}, {}, {}]
    bulk_partners = [factory(name=f"Firm {i}", contact=t, **common, **e) for i, (t, e) in enumerate(zip(texts, extra))]
    row_partners = [factory(name=f"Firm {i}", contact=t, **common, **e) for i, (t, e) in enumerate(zip(texts, extra))]
    setup_after()

    with django_capture_on_commit_callbacks(execute=True):  # the duplicate index follows on commit
        for partner in row_partners:
            services.create_contact_from_partner(partner)
    run({"customer": "customers", "vendor": "vendors", "bank_account": "bank-accounts"}[kind])

    skip = {"id", "no", "created_at", "updated_at", "company"}
    fields = [f.attname for f in Contact._meta.concrete_fields if f.attname not in skip and f.name not in skip]

    def state(partner):
        partner.refresh_from_db()
        link = ContactBusinessRelation.objects.get(**{kind: partner})
        company = Contact.objects.get(pk=link.contact_id)
        person = link.primary_contact
        return ({f: getattr(company, f) for f in fields},
                {f: getattr(person, f) for f in fields} if person else None,
                person.company_id == company.pk if person else None,
                link.business_relation_id, link.link_to_table, partner.contact, partner.version,
                company.persons.count(), company.history.count(),
                [h.history_change_reason.replace(partner.no, "<no>") for h in company.history.all()],
                [(h.history_type, h.history_change_reason) for h in person.history.all()] if person else None,
                [{f: getattr(h, f) for f in fields} for h in company.history.all()],
                [{f: getattr(h, f) for f in fields} for h in person.history.all()] if person else None,
                DuplicateSearchString.objects.filter(contact=company).exists())

    for by_row, by_bulk in zip(row_partners, bulk_partners, strict=True):
        assert state(by_bulk) == state(by_row)


def test_a_partner_with_an_invalid_email_gets_no_contact_and_is_named(setup_after):
    good, bad = factories.CustomerFactory.create_batch(2)
    Customer.objects.filter(pk=bad.pk).update(email="not an e-mail")  # as raw SQL or an old import could
    setup_after()
    output = run("customers")
    assert ContactBusinessRelation.objects.filter(customer=good).exists()
    assert not ContactBusinessRelation.objects.filter(customer=bad).exists()
    assert f"Left out 1 with an e-mail that is not an e-mail address (correct it, then run again): {bad.no}" in output


@pytest.mark.django_db(transaction=True)
def test_a_run_reserves_numbers_ahead_of_each_batch_and_leaves_no_gap(setup_after):
    factories.CustomerFactory.create_batch(5)
    setup_after()
    run("customers", "--batch-size", "2")
    numbers = sorted(Contact.objects.values_list("no", flat=True))
    series = MarketingSetup.load().contact_nos
    assert [int(no[-4:]) for no in numbers] == list(range(int(numbers[0][-4:]), int(numbers[0][-4:]) + len(numbers)))
    assert NoSeries.objects.get(pk=series.pk).last_no_used == numbers[-1]  # the unused reservation came back


@pytest.mark.django_db(transaction=True)
def test_duplicates_split_between_two_batches_are_found(setup_after):
    factories.CustomerFactory(name="Fabrikam Inc.", phone_no="+1 555 0100 999", country_code="US")
    factories.CustomerFactory(name="FABRIKAM LTD", phone_no="(555) 0100-999", country_code="US")
    setup_after()
    output = run("customers", "--batch-size", "1")
    assert "Possible duplicates: 1" in output
    assert ContactDuplicate.objects.count() == 1


def test_contacts_a_stopped_run_left_unsearched_are_searched_when_it_resumes(setup_after):
    existing = factories.ContactFactory(name="Fabrikam Inc.", phone_no="+1 555 0100 999")
    new = factories.ContactFactory(name="FABRIKAM LTD", phone_no="(555) 0100-999", country_code="US")
    setup_after()
    DuplicateSearchString.objects.all().delete()  # as the stopped run's last batch left them: indexed only
    ContactDuplicate.objects.all().delete()
    duplicates.find_for_new_contacts([existing, new], search=False)
    assert not ContactDuplicate.objects.exists()
    summary = bulk.create_contacts_from("customer", unsearched=[new.pk])
    assert summary.duplicates == 1
    assert {ContactDuplicate.objects.get().contact_id, ContactDuplicate.objects.get().duplicate_id} == {existing.pk,
                                                                                                        new.pk}


def test_a_run_that_fails_still_searches_the_duplicates_of_the_batch_it_committed(setup_after, batch_fails):
    factories.CustomerFactory(name="Fabrikam Inc.", phone_no="+1 555 0100 999", country_code="US")
    factories.CustomerFactory(name="FABRIKAM LTD", phone_no="(555) 0100-999", country_code="US")
    factories.CustomerFactory(name="Unrelated Widgets", phone_no="+44 20 7946 0000", country_code="GB")
    setup_after()
    batch_fails(2, RuntimeError("power cut"))
    with pytest.raises(RuntimeError, match="power cut"):
        bulk.create_contacts_from("customer", batch_size=2)
    assert Contact.objects.count() == 2  # the first batch (both Fabrikams) committed, indexed, not yet searched
    assert ContactDuplicate.objects.count() == 1  # searched before the error was reported
