"""Bulk work on contacts and partners: create contacts from partners, in batches, set-based.

The per-row path (``contacts.services.create_contact_from_partner``) saves one contact at a time
through signals; this module builds the same rows for thousands of partners, writes them with
``crm.bulk_insert`` (no signals, no ``save()``; ``COPY`` on PostgreSQL) and ends in the same state:
the same contact fields, the same link rows (with the primary contact), the same relation summaries,
history rows, and the duplicate index. Each batch is one transaction, so an interrupted run loses
nothing and a re-run picks up where it stopped (a partner that already has a contact is skipped).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Exists, OuterRef

from contacts import duplicates, sync
from contacts.models import (BusinessRelationSummary, Contact, ContactBusinessRelation, DuplicateSearchString,
                             MarketingSetup)
from contacts.sync import PARTNER_MODELS
from crm import history
from crm.bulk_insert import PlannerStatistics, insert_objects, insert_values
from partners.numbering import next_numbers

# Command-line spelling of the partner kinds.
KIND_ARGUMENTS = {"customers": "customer", "vendors": "vendor", "bank-accounts": "bank_account"}
KIND_LABELS = {"customer": "customers", "vendor": "vendors", "bank_account": "bank accounts"}
SETUP_CODE_FIELDS = {"customer": "bus_rel_code_for_customers", "vendor": "bus_rel_code_for_vendors",
                     "bank_account": "bus_rel_code_for_bank_accounts"}
PERSON_KINDS = ("customer", "vendor")  # a bank account's contact text stays text
_email_validator = EmailValidator()


def require_setup(kind: str) -> MarketingSetup:
    """Marketing Setup, refusing with a clear message when ``kind`` cannot be synchronized."""
    setup = MarketingSetup.load()
    if setup.code_for(kind) is None:
        label = MarketingSetup._meta.get_field(SETUP_CODE_FIELDS[kind]).verbose_name
        raise ValidationError(f"{label} is not set in Marketing Setup: contacts cannot be created from "
                              f"{KIND_LABELS[kind]} until it names a business relation code.")
    if setup.contact_nos is None:
        raise ValidationError("Contact Nos. is not set in Marketing Setup: new contacts need a number series.")
    return setup


def partners_without_contact(kind: str, *, from_no="", to_no="", search_name="", currency=""):
    """The partners of ``kind`` (filtered like BC's request page) that no contact is linked to."""
    return filter_partners(kind, from_no=from_no, to_no=to_no, search_name=search_name,
                           currency=currency).filter(contact_links__isnull=True)


def filter_partners(kind: str, *, from_no="", to_no="", search_name="", currency=""):
    queryset = PARTNER_MODELS[kind].objects.all()
    if from_no:
        queryset = queryset.filter(no__gte=from_no)
    if to_no:
        queryset = queryset.filter(no__lte=to_no)
    if search_name:
        queryset = queryset.filter(search_name__icontains=search_name)
    if currency:
        queryset = queryset.filter(currency_code=currency.upper())
    return queryset


# ---------------------------------------------------------------------------------------------
# Building contacts from partners (in memory, unsaved): the sync engine's building blocks, plus
# what ``Model.save()`` would add on the way to the database (the bulk writer skips save()).
# ---------------------------------------------------------------------------------------------


def _as_saved(contact: Contact, summary: str) -> Contact:
    """What ``save()`` adds to a new row (derived values, first version), so bulk inserts store the same."""
    contact.derive_values()
    contact.version = 1
    contact.contact_business_relation = summary
    return contact


def company_contact_from_partner(partner, kind: str, summary: str) -> Contact:
    """The unsaved contact that creating a contact from ``partner`` makes (no number yet)."""
    return _as_saved(sync.contact_from_partner(partner, kind), summary)


def person_contact_for_company(company: Contact, text: str, setup: MarketingSetup, summary: str) -> Contact:
    """The unsaved person that a partner's ``contact`` text becomes under its new company contact."""
    return _as_saved(sync.person_from_text(text, company, setup), summary)


# ---------------------------------------------------------------------------------------------
# create_contacts_from
# ---------------------------------------------------------------------------------------------


@dataclass
class CreateSummary:
    kind: str
    dry_run: bool = False
    selected: int = 0
    created: int = 0
    persons: int = 0
    skipped: int = 0
    duplicates: int = 0
    refused: list = field(default_factory=list)  # "C00010 (bad@)" — partners with an invalid e-mail

    def lines(self) -> list[str]:
        verb = "Would create" if self.dry_run else "Created"
        return [
            f"{verb} {self.created} contact(s) from {KIND_LABELS[self.kind]}"
            + (f" and {self.persons} person(s) from their contact names" if self.persons else "") + ".",
            f"Skipped {self.skipped} {KIND_LABELS[self.kind]} that already have a contact.",
            f"Possible duplicates: {self.duplicates}"
            + (" (review them on the Duplicates page)." if self.duplicates and not self.dry_run else "."),
        ] + ([f"Left out {len(self.refused)} with an e-mail that is not an e-mail address (correct it, then "
              f"run again): {', '.join(self.refused[:20])}" + (" …" if len(self.refused) > 20 else "")]
             if self.refused else [])


def create_contacts_from(kind: str, *, batch_size: int = 1000, dry_run: bool = False, progress=None,
                         **filters) -> CreateSummary:
    """Create a linked company contact for every partner of ``kind`` (matching ``filters``) without one.

    ``progress`` is called with the number of partners handled after each batch. Raises
    ValidationError when Marketing Setup lacks the code for ``kind`` or Contact Nos.
    """
    if kind not in PARTNER_MODELS:
        raise ValueError(f"Unknown partner kind {kind!r}")
    setup = require_setup(kind)
    summary = CreateSummary(kind=kind, dry_run=dry_run)
    # Page through the selected partners by primary key and keep those without a contact: every page
    # is one short index range, however many partners earlier runs have linked already.
    has_contact = Exists(ContactBusinessRelation.objects.filter(**{kind: OuterRef("pk")}))
    partners = filter_partners(kind, **filters).order_by("pk").annotate(has_contact=has_contact)
    statistics = PlannerStatistics(ContactBusinessRelation, DuplicateSearchString)
    last_pk = 0
    while True:
        with transaction.atomic():
            page = list(partners.filter(pk__gt=last_pk)[:batch_size])
            if not page:
                break
            last_pk = page[-1].pk
            batch = [partner for partner in page if not partner.has_contact]
            created, persons, pairs = (_create_batch(kind, batch, setup, dry_run=dry_run, refused=summary.refused)
                                       if batch else (0, 0, []))
        summary.selected += len(page)
        summary.skipped += len(page) - len(batch)
        summary.created += created
        summary.persons += persons
        summary.duplicates += len(pairs)
        statistics.grew(0 if dry_run else created)
        if progress:
            progress(len(batch))
    return summary


def _valid_email(partner) -> bool:
    try:
        _email_validator(partner.email)
    except ValidationError:
        return False
    return True


def _create_batch(kind, partners, setup, *, dry_run, refused=None):
    # As the per-row path: a partner whose e-mail is not an e-mail address gets no contact (reported).
    invalid = [p for p in partners if p.email and not _valid_email(p)]
    if invalid:
        if refused is not None:
            refused.extend(f"{p.no} ({p.email})" for p in invalid)
        partners = [p for p in partners if not p.email or _valid_email(p)]
        if not partners:
            return 0, 0, []
    code = setup.code_for(kind)
    # Every new contact (company, or a person of it) sees exactly one row: the link under the setup code.
    summary = sync.business_relation_summary([(code.pk, kind)], sync.setup_codes(setup))
    companies = [company_contact_from_partner(partner, kind, summary) for partner in partners]
    person_texts = {}
    if kind in PERSON_KINDS:
        person_texts = {index: partner.contact for index, (partner, company)
                        in enumerate(zip(partners, companies, strict=True))
                        if partner.contact.strip() and company.is_company}
    if dry_run:
        pairs = duplicates.find_for_new_contacts(companies, dry_run=True)
        return len(companies), len(person_texts), pairs

    numbers = iter(next_numbers(setup.contact_nos, len(companies) + len(person_texts), model=Contact))
    person_numbers = {}
    for index, company in enumerate(companies):  # numbered in the order the per-row path takes them
        company.no = next(numbers)
        if index in person_texts:
            person_numbers[index] = next(numbers)
    company_rows = insert_objects(Contact, companies)
    persons = {}
    for index, text in person_texts.items():  # built once the company has its primary key, as per row
        persons[index] = person_contact_for_company(companies[index], text, setup, summary)
        persons[index].no = person_numbers[index]
    person_rows = insert_objects(Contact, persons.values())
    # The values of sync.relation_row(company, partner, setup, kind, primary_contact=person), as tuples.
    link_columns = ["contact_id", "business_relation_id", "link_to_table", "customer_id", "vendor_id",
                    "bank_account_id", "primary_contact_id"]
    partner_slot = link_columns.index(f"{kind}_id")
    links = []
    for index, (partner, company) in enumerate(zip(partners, companies, strict=True)):
        row = [company.pk, code.pk, kind, None, None, None, persons[index].pk if index in persons else None]
        row[partner_slot] = partner.pk
        links.append(row)
    insert_values(ContactBusinessRelation, link_columns, links)
    # The per-row path records each new contact as inserted, before any link: no business relation yet.
    reason = f"Created from {sync.KIND_LABELS[kind]} "
    history.record_written_rows(Contact, [*company_rows, *person_rows],
                                [reason + partner.no for partner in partners] + [None] * len(person_rows),
                                recorded={"contact_business_relation": BusinessRelationSummary.NONE})
    # As the per-row path does: the partner's contact text shows the person's name exactly (rarely
    # differs: surrounding spaces, or longer than a name), written without signals, with history.
    for index, person in persons.items():
        if partners[index].contact != person.name:
            sync.write_changes(partners[index], {"contact": person.name}, sync.history_reason(person))
    pairs = duplicates.find_for_new_contacts(companies)
    return len(companies), len(persons), pairs
