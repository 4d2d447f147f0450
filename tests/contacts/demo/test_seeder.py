"""The demo seeder leaves data that the synchronization rules could have produced (``manage.py seed_demo``)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from contacts.demo.catalog import TRADES
from contacts.demo.seeder import seed_demo
from contacts.matching import name_tokens
from contacts.models import (
    DUPLICATE_SEARCH_KEYS,
    Contact,
    ContactBusinessRelation,
    ContactDuplicate,
    DuplicateSearchString,
    MarketingSetup,
)
from contacts.selectors import change_history
from contacts.sync import attname, contact_to_partner_map, inherit_from_company, refresh_summaries
from partners import kinds
from partners.models import BankAccount, ContactType, Customer, PartnerSetup, SalespersonPurchaser, Vendor
from partners.numbering import split_number


def expected_summary(contact):
    """The reference rule (bc-sync-spec §1.1), computed from the rows in the database."""
    if contact.company_id:
        return expected_summary(contact.company)
    setup = MarketingSetup.load()
    setup_codes = {setup.bus_rel_code_for_customers_id, setup.bus_rel_code_for_vendors_id,
                   setup.bus_rel_code_for_bank_accounts_id}
    rows = list(contact.business_relations.all())
    if not rows:
        return "none"
    linked = [r for r in rows if r.link_to_table and r.business_relation_id in setup_codes]
    if not linked:
        return "other" if len(rows) == 1 else "multiple"
    if len(linked) == 1 and len(rows) == 1:
        return linked[0].link_to_table
    return "multiple"


def test_it_creates_the_sizes_asked_for(seeded):
    assert Contact.objects.count() == 80
    assert Customer.objects.count() == 20
    assert Vendor.objects.count() == 10
    assert BankAccount.objects.count() == 3
    assert Contact.objects.filter(type=ContactType.COMPANY).exists()
    assert Contact.objects.filter(type=ContactType.PERSON, company__isnull=False).exists()
    assert Contact.objects.filter(type=ContactType.PERSON, company__isnull=True).exists()


def test_synchronization_is_switched_on(seeded):
    setup = MarketingSetup.load()
    assert (setup.bus_rel_code_for_customers.code, setup.bus_rel_code_for_vendors.code,
            setup.bus_rel_code_for_bank_accounts.code) == ("CUST", "VEND", "BANK")
    assert setup.contact_nos.starting_no == "CT000001"
    partner_setup = PartnerSetup.load()
    assert (partner_setup.customer_nos.code, partner_setup.vendor_nos.code,
            partner_setup.bank_account_nos.code) == ("CUST", "VEND", "BANK")


def test_every_partner_is_linked_to_one_contact_with_the_setup_code(seeded):
    setup = MarketingSetup.load()
    for kind, model in ((key, spec.model) for key, spec in kinds.KINDS.items()):
        for partner in model.objects.all():
            link = ContactBusinessRelation.objects.get(**{kind: partner})
            assert link.link_to_table == kind
            assert link.business_relation == setup.code_for(kind)


def test_linked_contact_and_partner_agree_on_every_mapped_field(seeded):
    links = ContactBusinessRelation.objects.exclude(link_to_table="").select_related(
        "contact", "customer", "vendor", "bank_account")
    assert links.count() == 33
    for link in links:
        partner = link.partner
        for contact_field, partner_field in contact_to_partner_map(link.link_to_table).items():
            contact_value = getattr(link.contact, attname(Contact, contact_field))
            partner_value = getattr(partner, attname(type(partner), partner_field))
            assert contact_value == partner_value, (link.contact.no, partner.no, contact_field)


def test_sync_check_finds_no_drift_in_seeded_data(seeded):
    out = StringIO()
    call_command("sync_check", stdout=out)
    assert "No drift" in out.getvalue()


def test_a_customers_contact_type_is_its_contacts_type_and_person_customers_exist(seeded):
    for link in ContactBusinessRelation.objects.filter(link_to_table="customer").select_related("contact", "customer"):
        assert link.customer.contact_type == link.contact.type
    assert Customer.objects.filter(contact_type=ContactType.PERSON).exists()


def test_vendors_and_bank_accounts_are_linked_to_companies(seeded):
    assert not ContactBusinessRelation.objects.filter(link_to_table__in=["vendor", "bank_account"],
                                                      contact__type=ContactType.PERSON).exists()


def test_the_partners_contact_text_names_the_links_primary_contact(seeded):
    links = ContactBusinessRelation.objects.filter(primary_contact__isnull=False).select_related(
        "primary_contact", "customer", "vendor", "bank_account")
    assert links.exists()
    for link in links:
        assert link.primary_contact.company_id == link.contact_id
        assert link.partner.contact == link.primary_contact.name


def test_relation_summaries_follow_the_reference_rule(seeded):
    contacts = Contact.objects.select_related("company").prefetch_related("business_relations",
                                                                          "company__business_relations")
    seen = set()
    for contact in contacts:
        assert contact.contact_business_relation == expected_summary(contact), contact.no
        seen.add(contact.contact_business_relation)
    assert {"none", "customer", "vendor", "bank_account", "multiple"} <= seen


def test_persons_carry_their_companys_name_and_inherited_fields(seeded):
    persons = Contact.objects.filter(company__isnull=False).select_related("company")
    assert persons.exists()
    for person in persons:
        company = person.company
        assert person.company_name == company.name
        for field in ("salesperson_id", "territory_id", "country_code", "language_code"):
            assert getattr(person, field) == getattr(company, field)
    for company in Contact.objects.filter(type=ContactType.COMPANY):
        assert company.company_name == company.name


def test_search_name_follows_the_name(seeded):
    for model in (Contact, *(kind.model for kind in kinds.KINDS.values())):
        for row in model.objects.all():
            assert row.search_name == row.name.upper()


def test_every_seeded_row_passes_validation(seeded):
    """IBANs, BICs, country, currency and language codes, e-mails and phone numbers are all valid."""
    for model in (Contact, *(kind.model for kind in kinds.KINDS.values())):
        for row in model.objects.all():
            row.full_clean()
    assert all(account.iban or account.country_code == "US" for account in BankAccount.objects.all())


def test_number_series_are_advanced_past_every_number_used(seeded):
    series = {Contact: MarketingSetup.load().contact_nos, **{
        model: getattr(PartnerSetup.load(), model.setup_series_field) for model in (kind.model for kind in kinds.KINDS.values())}}
    for model, no_series in series.items():
        no_series.refresh_from_db()
        highest = max(int(split_number(no)[1]) for no in model.objects.values_list("no", flat=True))
        assert int(split_number(no_series.last_no_used)[1]) == highest
    assert Contact.objects.order_by("no").first().no == "CT000001"


def test_if_empty_adds_nothing_when_data_exists(run_seed_demo, seeded):
    before = [model.objects.count() for model in (Contact, ContactBusinessRelation, *(kind.model for kind in kinds.KINDS.values()))]
    out = run_seed_demo(if_empty=True)
    assert "Demo data not added" in out
    assert [model.objects.count() for model in (Contact, ContactBusinessRelation, *(kind.model for kind in kinds.KINDS.values()))] == before


def test_without_if_empty_a_second_run_adds_more_with_fresh_numbers(run_seed_demo, seeded):
    run_seed_demo(seed=8)
    assert Contact.objects.count() == 160
    assert Customer.objects.count() == 40
    assert Contact.objects.order_by("-no").first().no == "CT000160"


def test_the_same_seed_gives_the_same_data(run_seed_demo):
    run_seed_demo(seed=42)
    first = list(Contact.objects.order_by("no").values_list("no", "name", "email", "city"))
    for model in (*(kind.model for kind in kinds.KINDS.values()), Contact):
        model.objects.all().delete()
    for series in (MarketingSetup.load().contact_nos, PartnerSetup.load().customer_nos,
                   PartnerSetup.load().vendor_nos, PartnerSetup.load().bank_account_nos):
        series.last_no_used = ""
        series.save()
    run_seed_demo(seed=42)
    assert list(Contact.objects.order_by("no").values_list("no", "name", "email", "city")) == first


@pytest.mark.parametrize("options, message", [
    ({"contacts": -1}, "--contacts must be zero or more"),
    ({"contacts": 10, "customers": 30}, "10 contacts are too few"),
    ({"batch_size": 0}, "--batch-size must be at least 1"),
])
def test_bad_sizes_are_refused_with_a_message_and_nothing_written(run_seed_demo, options, message):
    with pytest.raises(CommandError, match=message):
        run_seed_demo(**options)
    assert not Contact.objects.exists()
    assert not Customer.objects.exists()
    assert not get_user_model().objects.exists()


def test_progress_is_reported_batch_by_batch_until_every_contact_is_written(db):
    reported = []
    result = seed_demo(contacts=80, customers=20, vendors=10, bank_accounts=3, seed=7, batch_size=30,
                       progress=reported.append)
    assert len(reported) > 1
    assert sum(reported) == result.created["contacts"] == Contact.objects.count() == 80


def test_seeded_rows_start_their_history_as_a_save_would(seeded):
    for model in (Contact, *(kind.model for kind in kinds.KINDS.values())):
        assert model.history.filter(history_type="+").count() == model.objects.count()
        assert set(model.objects.values_list("version", flat=True)) == {1}
    contact = Contact.objects.filter(type=ContactType.COMPANY).first()
    contact.city = "Springfield"
    contact.save()
    changes = change_history(contact)
    assert any(change.field == "city" and change.new == "Springfield" for change in changes)


def test_no_history_skips_the_history_entries(run_seed_demo):
    run_seed_demo(no_history=True)
    assert not Contact.history.exists()
    assert not Customer.history.exists()


def test_company_and_person_contacts_are_indexed_for_duplicates(seeded):
    assert Contact.objects.filter(type=ContactType.PERSON).exists()
    assert DuplicateSearchString.objects.count() == Contact.objects.count()


def test_rows_added_one_by_one_after_seeding_get_fresh_keys_and_numbers(seeded):
    customer = Customer.objects.create(name="Walk-in Customer Ltd")
    link = ContactBusinessRelation.objects.get(customer=customer)  # the sync engine made its contact
    assert customer.no == "C00021"
    assert link.contact.no == "CT000081"
    assert Contact.objects.order_by("-pk").first() == link.contact


# ---------------------------------------------------------------------------------------------
# The per-row path finds nothing to put right: the seeder applies the sync engine's own rules
# ---------------------------------------------------------------------------------------------


def stored_rows():
    """Every contact, partner and link row as stored, without the columns each save rewrites."""
    rows = {}
    for model in (Contact, *(kind.model for kind in kinds.KINDS.values()), ContactBusinessRelation):
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in ("version", "updated_at")]
        rows[model] = list(model.objects.order_by("pk").values_list(*columns))
    return rows


def duplicate_index():
    return (sorted(DuplicateSearchString.objects.values_list("contact_id", *DUPLICATE_SEARCH_KEYS)),
            sorted(ContactDuplicate.objects.values_list("contact_id", "duplicate_id", "score", "reasons", "separate")))


def test_saving_each_seeded_row_unchanged_changes_nothing(seeded):
    """A save runs the engine's rules (names, derived values, synchronization): they find nothing to change."""
    before = stored_rows()
    for model in (Contact, *(kind.model for kind in kinds.KINDS.values())):
        for row in model.objects.order_by("pk"):
            row.save()
    assert stored_rows() == before


def test_recomputing_every_relation_summary_changes_nothing(seeded):
    before = stored_rows()
    assert refresh_summaries(Contact.objects.values_list("pk", flat=True)) == 0
    assert stored_rows() == before


def test_find_duplicates_rebuilds_the_same_index_and_pairs(run_seed_demo):
    run_seed_demo(duplicates=20)
    index, pairs = before = duplicate_index()
    assert len(index) == Contact.objects.count()  # companies and persons
    assert pairs  # near-duplicates were entered
    call_command("find_duplicates", "--no-progress", stdout=StringIO())
    assert duplicate_index() == before


def test_persons_hold_what_inheriting_from_their_company_gives_them(seeded):
    setup = MarketingSetup.load()
    persons = Contact.objects.filter(company__isnull=False).select_related("company")
    assert persons.exists()
    for person in persons:
        assert inherit_from_company(person, person.company, setup) == [], person.no


def test_seeding_follows_the_marketing_setup_it_finds(run_seed_demo):
    """Inheritance switches and the defaults for new contacts apply as they do to contacts typed in one by one."""
    house = SalespersonPurchaser.objects.create(code="HOUSE", name="House account")
    setup = MarketingSetup.load()
    setup.inherit_address_details = setup.inherit_communication_details = False
    setup.default_salesperson = house
    setup.save()
    run_seed_demo()
    persons = Contact.objects.filter(company__isnull=False)
    assert persons.exists()
    assert not persons.exclude(address="").exists()  # the company's address is not inherited
    assert not persons.exclude(phone_no="").exists()  # nor its phone number
    assert not Contact.objects.filter(salesperson__isnull=True).exists()  # the default fills blank salespeople
    assert Contact.objects.filter(type=ContactType.COMPANY, salesperson=house).exists()
    out = StringIO()
    call_command("sync_check", stdout=out)
    assert "No drift" in out.getvalue()


def test_a_seeded_contacts_history_starts_as_a_save_before_any_link_records_it(seeded):
    """A contact saved and then linked is recorded as inserted without a business relation."""
    first_rows = Contact.history.filter(history_type="+")
    assert set(first_rows.values_list("contact_business_relation", flat=True)) == {"none"}
    assert Contact.objects.exclude(contact_business_relation="none").exists()


def test_firms_have_their_own_names_domains_and_mailboxes(run_seed_demo):
    # Faker's firm and person names repeat (more so as the data grows): unrelated firms sharing a name or a
    # mailbox read as duplicates, and scoring them made each new row cost more the more rows there were.
    run_seed_demo(contacts=3000, customers=600, vendors=200, bank_accounts=5, duplicates=0)
    emails = [e for e in Contact.objects.exclude(email="").values_list("email", flat=True)]
    assert len(emails) > 2500 and len(set(emails)) == len(emails)
    names = [" ".join(name_tokens(name)) for name in
             Contact.objects.filter(type=ContactType.COMPANY).values_list("name", flat=True)]
    assert len(set(names)) == len(names)
    trades = {trade.lower() for trade in TRADES}
    assert any(trades & set(name.split()) for name in names)  # names Faker repeated, told apart by their trade


def test_without_planned_near_duplicates_hardly_any_pair_is_found(run_seed_demo):
    # Colleagues share their firm's address and switchboard, namesakes work at different firms: neither is a
    # duplicate. What is left are namesakes the matcher cannot tell apart from one person who moved firms.
    run_seed_demo(contacts=3000, customers=600, vendors=200, bank_accounts=5, duplicates=0)
    assert ContactDuplicate.objects.count() <= 3000 * 0.005
