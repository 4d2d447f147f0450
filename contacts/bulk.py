"""Bulk work on contacts and partners: create contacts from partners, in batches, set-based.

The per-row path (``contacts.services.create_contact_from_partner``) saves one contact at a time
through signals; this module builds the same rows for thousands of partners with ``bulk_create``
and ends in the same state: the same contact fields, the same link rows (with the primary
contact), the same relation summaries, history rows, and the duplicate index. Each batch is one
transaction, so an interrupted run loses nothing and a re-run picks up where it stopped (a partner
that already has a contact is skipped).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import duplicates
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from contacts.sync import PARTNER_MODELS, attname, partner_to_contact_map
from partners.models import ContactType
from partners.numbering import next_numbers

# Command-line spelling of the partner kinds.
KIND_ARGUMENTS = {"customers": "customer", "vendors": "vendor", "bank-accounts": "bank_account"}
KIND_LABELS = {"customer": "customers", "vendor": "vendors", "bank_account": "bank accounts"}
SETUP_CODE_FIELDS = {"customer": "bus_rel_code_for_customers", "vendor": "bus_rel_code_for_vendors",
                     "bank_account": "bus_rel_code_for_bank_accounts"}
PERSON_KINDS = ("customer", "vendor")  # a bank account's contact text stays text

ADDRESS_FIELDS = ("address", "address_2", "post_code", "city", "county")
COMMUNICATION_FIELDS = ("phone_no", "mobile_phone_no", "fax_no", "email", "home_page")


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
# Building contacts from partners (in memory, unsaved)
# ---------------------------------------------------------------------------------------------


def company_contact_from_partner(partner, kind: str) -> Contact:
    """The unsaved contact that creating a contact from ``partner`` makes (no number yet).

    Mapped fields come from the field map; a customer's contact takes the customer's contact type,
    a vendor's or bank account's contact is a company; a company's ``company_name`` is its name.
    """
    contact = Contact(type=partner.contact_type if kind == "customer" else ContactType.COMPANY)
    for partner_field, contact_field in partner_to_contact_map(kind).items():
        setattr(contact, attname(Contact, contact_field), getattr(partner, attname(type(partner), partner_field)))
    if not contact.search_name:
        contact.search_name = contact.name.upper()[:100]
    contact.vat_registration_no = contact.vat_registration_no.upper()
    if contact.is_company:
        contact.company_name = contact.name
    contact.contact_business_relation = kind
    contact.version = 1
    return contact


def split_person_name(name: str) -> dict[str, str]:
    """BC's split: the last word is the surname, with three or more words the one before is the middle name."""
    words = name.split()
    if not words:
        return {"first_name": "", "middle_name": "", "surname": ""}
    surname = words.pop()
    middle = words.pop() if len(words) >= 2 else ""
    return {"first_name": " ".join(words)[:30], "middle_name": middle[:30], "surname": surname[:30]}


def person_contact_for_company(company: Contact, name: str, setup: MarketingSetup, kind: str) -> Contact:
    """The unsaved person that a partner's ``contact`` text becomes under its new company contact."""
    person = Contact(type=ContactType.PERSON, name=name, search_name=name.upper()[:100], **split_person_name(name),
                     territory_id=setup.default_territory_id, country_code=setup.default_country_code,
                     language_code=setup.default_language_code, salesperson_id=setup.default_salesperson_id)
    person.company = company
    person.company_name = company.name
    if setup.inherit_salesperson_code:
        person.salesperson_id = company.salesperson_id
    if setup.inherit_territory_code:
        person.territory_id = company.territory_id
    if setup.inherit_country_code:
        person.country_code = company.country_code
    if setup.inherit_language_code:
        person.language_code = company.language_code
    if setup.inherit_address_details:
        for name_ in ADDRESS_FIELDS:
            setattr(person, name_, getattr(company, name_))
    if setup.inherit_communication_details:
        for name_ in COMMUNICATION_FIELDS:
            setattr(person, name_, getattr(company, name_))
    person.contact_business_relation = kind
    person.version = 1
    return person


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
    duplicate_pairs: list = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "Would create" if self.dry_run else "Created"
        return [
            f"{verb} {self.created} contact(s) from {KIND_LABELS[self.kind]}"
            + (f" and {self.persons} person(s) from their contact names" if self.persons else "") + ".",
            f"Skipped {self.skipped} {KIND_LABELS[self.kind]} that already have a contact.",
            f"Possible duplicates: {self.duplicates}"
            + (" (review them on the Duplicates page)." if self.duplicates and not self.dry_run else "."),
        ]


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
    summary.selected = filter_partners(kind, **filters).count()
    pending = partners_without_contact(kind, **filters).order_by("pk")
    summary.skipped = summary.selected - pending.count()
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(pending.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            created, persons, pairs = _create_batch(kind, batch, setup, dry_run=dry_run)
        summary.created += created
        summary.persons += persons
        summary.duplicate_pairs.extend(pairs)
        if progress:
            progress(len(batch))
    summary.duplicates = len(summary.duplicate_pairs)
    return summary


def _create_batch(kind, partners, setup, *, dry_run):
    companies = [company_contact_from_partner(partner, kind) for partner in partners]
    persons = {}
    if kind in PERSON_KINDS:
        for index, (partner, company) in enumerate(zip(partners, companies, strict=True)):
            if partner.contact.strip() and company.is_company:
                persons[index] = person_contact_for_company(company, partner.contact.strip()[:100], setup, kind)
    if dry_run:
        pairs = duplicates.find_for_new_contacts(companies, dry_run=True)
        return len(companies), len(persons), pairs

    numbers = iter(next_numbers(setup.contact_nos, len(companies) + len(persons), model=Contact))
    for index, company in enumerate(companies):  # numbered in the order the per-row path takes them
        company.no = next(numbers)
        if index in persons:
            persons[index].no = next(numbers)
    Contact.objects.bulk_create(companies)
    for index, person in persons.items():
        person.company = companies[index]  # now with its primary key
    Contact.objects.bulk_create(persons.values())
    Contact.history.bulk_history_create([*companies, *persons.values()],
                                        default_change_reason=f"Created from {kind.replace('_', ' ')}")
    code = setup.code_for(kind)
    ContactBusinessRelation.objects.bulk_create(
        ContactBusinessRelation(contact=company, business_relation=code, link_to_table=kind,
                                primary_contact=persons.get(index), **{kind: partner})
        for index, (partner, company) in enumerate(zip(partners, companies, strict=True))
    )
    pairs = duplicates.find_for_new_contacts(companies)
    return len(companies), len(persons), pairs
