"""The synchronization engine: every rule of DESIGN §4, written once, set-based.

The rules, in DESIGN §4's order (one section each below):

  1. Field map .................... BOTH_WAYS, CONTACT_TO_PARTNER_ONLY, contact_from_partner()
  2. Automatic contact on partner creation ... create_contacts_for_partners()
  3. Contact → partners ........... push_to_partners()
  4. Partner → contact ............ pull_from_partners()
  5. No echo, bounded work ........ suspended(): writes made here never re-trigger the receivers
  6. Invariant .................... find_drift(), repair()
  7. Link with existing ........... check_linkable(), link_pairs()
  8. Create as .................... partner_from_contact()
  9. Persons and inheritance ...... inherit_from_company(), push_companies_to_persons(), person_from_text()
 10. Delete ....................... before_contact_delete(), refresh_summaries()
 11. Privacy ...................... check_not_privacy_blocked()
 12. After a change set ........... ChangeSet, finish(): the step every path ends in

A *change set* is what one operation changed: the contacts it wrote (with their rows as they were
before), the links it made, the contacts whose business relations changed, why (the history reason)
and who (``crm.history``). Every path builds one and ends in ``finish()``, which carries the change on:
mapped fields to every linked partner, company names and persons' inheritance, partners' contact
texts, relation summaries, the duplicate index, and the ``change_set_applied`` signal that other apps
answer (documents re-points prospect quotes). A per-row save is a change set of one, made by the
receivers in ``contacts/signals.py``; the services, the bulk commands (``contacts/bulk/``), CSV
import, merge and the demo seeder pass sets of any size to the same functions, which work in a
bounded number of statements per chunk of rows — never one save per row.

Writes: rows this engine changes are written with UPDATE statements (no signals; ``version`` bumped
so open edit forms refuse to overwrite them) and recorded in the change history by ``crm.history``
with the change set's reason ("Synchronized from customer C00010"). Rows it creates are written by
``crm.bulk_insert`` or saved inside ``suspended()``.

Locking: a synchronizing save locks the contact row first (a person's company before the person),
then writes partners; every path takes locks in that order.
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from contacts.duplicates import index as duplicate_index
from contacts.models import BusinessRelationSummary, Contact, ContactBusinessRelation, MarketingSetup
from crm import history
from crm.bulk_insert import among, among_sql, insert_objects, insert_values, new_instance
from partners import kinds
from partners.models import ContactType
from partners.numbering import next_numbers

CHUNK = 900  # rows per statement (well under SQLite's variable limit)

# =============================================================================================
# 1. Field map
# =============================================================================================

KINDS = tuple(kinds.KINDS)  # "customer", "vendor", "bank_account"

# Fields that contact and every partner share, flowing both ways.
PARTY_FIELDS = (
    "name", "name_2", "search_name", "address", "address_2", "city", "post_code", "county", "country_code",
    "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory", "language_code",
    "currency_code",
)

# contact field → partner field, flowing both ways, per partner kind.
BOTH_WAYS = {
    "customer": {**{f: f for f in PARTY_FIELDS}, "vat_registration_no": "vat_registration_no",
                 "salesperson": "salesperson"},
    "vendor": {**{f: f for f in PARTY_FIELDS}, "vat_registration_no": "vat_registration_no"},
    "bank_account": {f: f for f in PARTY_FIELDS},
}

# contact field → partner field, flowing from the contact to the partner only.
CONTACT_TO_PARTNER_ONLY = {
    "customer": {"type": "contact_type"},
    "vendor": {},
    "bank_account": {},
}


def contact_to_partner_map(kind: str) -> dict[str, str]:
    """Every contact field that is copied onto a partner of ``kind``, with the partner field it fills."""
    return {**BOTH_WAYS[kind], **CONTACT_TO_PARTNER_ONLY[kind]}


def partner_to_contact_map(kind: str) -> dict[str, str]:
    """Every partner field of ``kind`` that is copied onto the contact, with the contact field it fills."""
    return {partner_field: contact_field for contact_field, partner_field in BOTH_WAYS[kind].items()}


@functools.cache  # model metadata does not change at run time; called per field per row in bulk work
def attname(model, field_name: str) -> str:
    """The attribute holding a field's value: ``territory_id`` for a foreign key, else the name itself."""
    return model._meta.get_field(field_name).attname


PERSON_NAME_PARTS = ("first_name", "middle_name", "surname")
# The contact attributes a change set compares (what can travel on to partners and persons).
CONTACT_TRACKED = tuple(dict.fromkeys((
    *PARTY_FIELDS, "vat_registration_no", "salesperson", "type", "company", "company_name",
    *PERSON_NAME_PARTS, "initials", "job_title",
)))
TRACKED_ATTS = tuple(attname(Contact, f) for f in CONTACT_TRACKED)
MAPPED_ATTS = frozenset(attname(Contact, f) for kind in KINDS for f in contact_to_partner_map(kind))


def kind_of(partner) -> str:
    return kinds.of(partner).key


def describe(obj) -> str:
    """``customer C00010`` / ``contact CT000042 Fabrikam Inc.`` for messages (DESIGN §3's example)."""
    if kinds.is_partner(obj):
        return kinds.of(obj).describe(obj)
    return f"contact {obj.no} {obj.name}".strip()


def Describe(obj) -> str:  # noqa: N802 - capitalised form for the start of a sentence
    text = describe(obj)
    return text[:1].upper() + text[1:]


def history_reason(source) -> str:
    """``Synchronized from customer C00010`` — the change-history reason of a synchronized write."""
    what = kinds.of(source).label if kinds.is_partner(source) else "contact"
    return f"Synchronized from {what} {source.no}"


def copy_fields(source, target, field_map: dict[str, str]) -> dict[str, object]:
    """Copy ``source.<key>`` to ``target.<value>`` for every pair of the map; return target's changes."""
    changes = {}
    for source_field, target_field in field_map.items():
        value = getattr(source, attname(type(source), source_field))
        target_att = attname(type(target), target_field)
        if getattr(target, target_att) != value:
            setattr(target, target_att, value)
            changes[target_att] = value
    return changes


def differing_fields(contact, partner, kind: str | None = None, *, both_ways_only=False) -> list[str]:
    """The contact field names whose value differs from the partner's mapped field."""
    kind = kind or kind_of(partner)
    field_map = BOTH_WAYS[kind] if both_ways_only else contact_to_partner_map(kind)
    return [
        contact_field for contact_field, partner_field in field_map.items()
        if getattr(contact, attname(type(contact), contact_field))
        != getattr(partner, attname(type(partner), partner_field))
    ]


def split_name(name: str) -> tuple[str, str, str]:
    """A person's name → (first, middle, surname): last word surname, second-to-last middle (≥3 words)."""
    words = name.split()
    if not words:
        return "", "", ""
    surname = words[-1]
    middle = words[-2] if len(words) >= 3 else ""
    first = " ".join(words[:-2] if len(words) >= 3 else words[:-1])
    return first[:30], middle[:30], surname[:30]


def person_name(first: str, middle: str, surname: str) -> str:
    return " ".join(part.strip() for part in (first, middle, surname) if part and part.strip())[:100]


def normalize_contact(contact, *, name_changed: bool = False, parts_changed: bool = False) -> None:
    """Company: ``company_name`` = name, no name parts. Person: name ↔ first/middle/surname."""
    if contact.type == ContactType.COMPANY:
        contact.company_id = None
        contact.company_name = contact.name
        return
    if contact.company_id is None:
        contact.company_name = ""
    if parts_changed or (not contact.name and any(getattr(contact, p) for p in PERSON_NAME_PARTS)):
        contact.name = person_name(contact.first_name, contact.middle_name, contact.surname)
    elif name_changed or (contact.name and not any(getattr(contact, p) for p in PERSON_NAME_PARTS)):
        contact.first_name, contact.middle_name, contact.surname = split_name(contact.name)


def contact_from_partner(partner, kind: str | None = None):
    """A new, unsaved, unnumbered contact filled from ``partner`` through the field map.

    A company, except for a customer whose ``contact_type`` is person. Marketing Setup defaults are
    not applied. Derived values are set as ``save()`` would set them.
    """
    kind = kind or kind_of(partner)
    values = {attname(Contact, contact_field): getattr(partner, attname(type(partner), partner_field))
              for partner_field, contact_field in partner_to_contact_map(kind).items()}
    values["type"] = partner.contact_type if kind == "customer" else ContactType.COMPANY
    contact = new_instance(Contact, values)
    normalize_contact(contact, name_changed=True)
    return contact


def _as_new_row(contact, summary: str):
    """What ``save()`` adds to a new row (derived values, first version), so bulk inserts store the same."""
    contact.derive_values()
    contact.version = 1
    contact.contact_business_relation = summary
    return contact


# =============================================================================================
# 2. Automatic contact on partner creation (and "Create contact" / create_contacts_from)
# =============================================================================================

_email_validator = EmailValidator()


def check_contact_nos(kind: str, setup) -> None:
    """A new partner whose kind has a setup code needs Contact Nos. for its contact: refuse before saving."""
    if setup.code_for(kind) is not None and setup.contact_nos_id is None:
        label = kinds.get(kind).label
        raise ValidationError(
            f"Contact Nos. is not set in Marketing Setup: a contact is created for every new {label} "
            f"(Bus. Rel. Code for {label.title()}s is set), and it needs a number. Choose a number series for "
            f"Contact Nos. in Marketing Setup, or clear the business relation code. Nothing was saved.")


def _valid_email(value: str) -> bool:
    try:
        _email_validator(value)
    except ValidationError:
        return False
    return True


@dataclass
class CreatedContacts:
    """What ``create_contacts_for_partners`` made (or, in a dry run, would make)."""

    companies: list = field(default_factory=list)  # one per partner, in the partners' order
    persons: int = 0
    refused: list = field(default_factory=list)  # "C00010 (bad@)": partners whose e-mail is not an address
    duplicates: list = field(default_factory=list)  # possible duplicate pairs found for the new companies


def contact_numbers_needed(kind: str, partners) -> int:
    """At most how many contact numbers ``create_contacts_for_partners`` takes for these partners: a company
    each, and a person for each contact text (a bulk run reserves them before its batch's transaction)."""
    texts = sum(1 for partner in partners if partner.contact.strip()) if kinds.get(kind).contact_text_person else 0
    return len(partners) + texts


def create_contacts_for_partners(kind: str, partners, setup, *, dry_run=False, strict=False, numbers=None,
                                 search_duplicates=True) -> CreatedContacts:
    """Create, number and link the contact of each partner (none of which has one yet).

    The contact is filled from the partner through the field map (a customer's of its contact type); a
    customer's or vendor's ``contact`` text becomes a person under the new company and the link's
    primary contact. Numbers are taken from Contact Nos. in one block, in partner order. A partner
    whose e-mail is not an e-mail address gets no contact: ``strict`` refuses it (one partner, the
    per-row path), otherwise it is left out and named in ``refused``. The rows are written by
    ``crm.bulk_insert`` and the change set is finished: the partner takes the contact's derived values,
    the duplicate index learns the new companies. ``numbers(count)`` hands out the numbers (a bulk run's
    ``NumberReservation.take``; by default they are taken from the series here); without
    ``search_duplicates`` the new companies are indexed but their duplicates are left for the caller to
    search (``duplicate_index.search_new_contacts``) once this transaction has committed.
    """
    result = CreatedContacts()
    spec = kinds.get(kind)
    for partner in partners:
        if partner.email and not _valid_email(partner.email):
            if strict:
                raise ValidationError(
                    {"email": f"{partner.email} is not a valid e-mail address, so no contact can be made from "
                              f"{describe(partner)}. Correct the e-mail first."})
            result.refused.append(f"{partner.no} ({partner.email})")
    partners = [p for p in partners if not p.email or _valid_email(p.email)]
    if not partners:
        return result
    if not dry_run:
        _derive_partner_values(spec.model, partners)
    code = setup.code_for(kind)
    # Every new contact (company, or a person of it) sees exactly one row: the link under the setup code.
    summary = business_relation_summary([(code.pk, kind)], setup_codes(setup))
    companies = [_as_new_row(contact_from_partner(partner, kind), summary) for partner in partners]
    result.companies = companies
    texts = {}
    if spec.contact_text_person:
        texts = {index: partner.contact for index, (partner, company) in enumerate(zip(partners, companies,
                                                                                         strict=True))
                 if partner.contact.strip() and company.is_company}
    result.persons = len(texts)
    if dry_run:
        result.duplicates = duplicate_index.find_for_new_contacts(companies, dry_run=True, setup=setup)
        return result

    take = numbers or (lambda count: next_numbers(setup.contact_nos, count, model=Contact))
    numbers = iter(take(len(companies) + len(texts)))
    person_numbers = {}
    for index, company in enumerate(companies):  # a company, then its person: the order of a per-row run
        company.no = next(numbers)
        if index in texts:
            person_numbers[index] = next(numbers)
    company_rows = insert_objects(Contact, companies)
    persons = {}
    for index, text in texts.items():  # built once the company has its primary key
        persons[index] = _as_new_row(person_from_text(text, companies[index], setup), summary)
        persons[index].no = person_numbers[index]
    person_rows = insert_objects(Contact, persons.values())
    link_columns = ["contact_id", "business_relation_id", "link_to_table", "customer_id", "vendor_id",
                    "bank_account_id", "primary_contact_id"]
    partner_slot = link_columns.index(f"{kind}_id")
    links = []
    for index, (partner, company) in enumerate(zip(partners, companies, strict=True)):
        row = [company.pk, code.pk, kind, None, None, None, persons[index].pk if index in persons else None]
        row[partner_slot] = partner.pk
        links.append(row)
    insert_values(ContactBusinessRelation, link_columns, links)
    # Recorded as a single save records a new contact: inserted before its link, so no relation yet.
    history.record_written_rows(Contact, [*company_rows, *person_rows],
                                [f"Created from {spec.label} {partner.no}" for partner in partners]
                                + [None] * len(person_rows),
                                recorded={"contact_business_relation": BusinessRelationSummary.NONE})
    # The partner's contact text shows the person's name exactly (it differs when it had spaces around).
    for index, person in persons.items():
        if partners[index].contact != person.name:
            write_changes(partners[index], {"contact": person.name}, history_reason(person))
    change_set = ChangeSet(reason="Synchronized from its new contact", setup=setup,
                           created=companies, search_duplicates=search_duplicates, links=[(kind, p.pk, c.pk) for p, c in zip(partners, companies,
                                                                                        strict=True)])
    finish(change_set)
    history.record_events(spec.model, {p.pk: f"Linked with contact {c.no}, created from it"
                                       for p, c in zip(partners, companies, strict=True)}, event="linked")
    result.duplicates = change_set.duplicates
    return result


def _derive_partner_values(model, partners) -> None:
    """Partners written without ``save()`` (an import, ``bulk_create``) may lack what a save derives (search
    name, VAT no. in capitals): they take it now, so that each and the contact built from it agree."""
    atts = [attname(model, f) for f in partner_to_contact_map(kinds.of(model).key)]
    changed, fields = [], set()
    for partner in partners:
        before = [getattr(partner, a) for a in atts]
        partner.derive_values()
        differing = {a for a, value in zip(atts, before, strict=True) if getattr(partner, a) != value}
        if differing:
            changed.append(partner)
            fields |= differing
    write_many(model, changed, fields, "Values a save derives")


# =============================================================================================
# 3. Contact → partners
# =============================================================================================


def push_to_partners(contact_ids, *, reason: str, kinds_=KINDS) -> dict[str, list[int]]:
    """Every partner linked to one of these contacts takes its contact's mapped values where they differ.

    Per chunk one query finds the kinds the contacts are linked to and one the drifting pairs of those
    kinds (none when no contact of the chunk has a partner); per kind with drift one ``UPDATE … FROM``
    (a join with the link row and the contact), version bumped, and one history insert. Returns the
    partners changed per kind.
    """
    contact_ids = list(contact_ids)
    found = {kind: [] for kind in kinds_}
    for chunk in _chunks(contact_ids):
        # the kinds these contacts are linked to first: the drift query (a join per kind, costly to build
        # and to plan) only for those, and none for contacts without a partner (most saves)
        wanted = sorted(set(ContactBusinessRelation.objects.filter(among("contact_id", chunk))
                            .filter(link_to_table__in=list(kinds_)).values_list("link_to_table", flat=True)
                            .distinct()), key=list(kinds_).index)
        if not wanted:
            continue
        drifting = Q()
        for kind in wanted:
            drifting |= Q(link_to_table=kind) & drift_condition(kind)
        rows = (ContactBusinessRelation.objects.filter(among("contact_id", chunk)).filter(drifting)
                .values_list("link_to_table", *(f"{kind}_id" for kind in wanted)))
        for kind, *partner_ids in rows:
            found[kind].append(partner_ids[wanted.index(kind)])
    for kind, partner_ids in found.items():
        _copy_contacts_onto_partners(kind, sorted(partner_ids), reason)
    return {kind: ids for kind, ids in found.items() if ids}


def _copy_contacts_onto_partners(kind: str, partner_ids, reason: str) -> None:
    model = kinds.get(kind).model
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(
        f"{quote(model._meta.get_field(pf).column)} = c.{quote(Contact._meta.get_field(cf).column)}"
        for cf, pf in contact_to_partner_map(kind).items())
    link_column = quote(ContactBusinessRelation._meta.get_field(kind).column)
    for chunk in _chunks(partner_ids):
        condition, params = among_sql(f"{table}.{quote('id')}", chunk)
        # The same keys for the link rows: the planner does not carry "id = ANY(…)" across the join, and
        # without it walked the link rows of every partner of the kind (a merge join: 1.4 ms for one bank
        # account at 1,000,000 contacts, growing with the table).
        link_condition, link_params = among_sql(f"r.{link_column}", chunk)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments}, {quote('version')} = {table}.{quote('version')} + 1, "
                f"{quote('updated_at')} = %s "
                f"FROM {quote(ContactBusinessRelation._meta.db_table)} r "
                f"JOIN {quote(Contact._meta.db_table)} c ON c.{quote('id')} = r.{quote('contact_id')} "
                f"WHERE r.{link_column} = {table}.{quote('id')} AND {condition} AND {link_condition}",
                [timezone.now(), *params, *link_params])
        history.record_current_rows(model, chunk, reason=reason)


# =============================================================================================
# 4. Partner → contact
# =============================================================================================


def pull_from_partners(kind: str, partner_ids, *, reason: str, fields=None) -> dict[int, Contact]:
    """The contacts linked to these partners take their partner's values (``fields``: contact field names
    to take, default every both-ways field), normalized as a save would (a company's ``company_name``,
    a person's name parts). Contacts are locked, then written with one bulk UPDATE and one history
    insert per chunk. Returns ``{contact pk: its row as it was}`` for the contacts changed — the
    caller's change set, to ``finish()``.
    """
    model = kinds.get(kind).model
    field_map = {pf: cf for pf, cf in partner_to_contact_map(kind).items() if fields is None or cf in fields}
    partner_atts = [attname(model, pf) for pf in field_map]
    before = {}
    for chunk in _chunks(partner_ids):
        contact_of = dict(ContactBusinessRelation.objects.filter(**{f"{kind}_id__in": chunk})
                          .values_list(f"{kind}_id", "contact_id"))
        if not contact_of:
            continue
        contacts = {c.pk: c for c in lock_contacts(contact_of.values())}
        written = []
        for partner in model.objects.filter(pk__in=list(contact_of)).only("pk", "no", *partner_atts):
            contact = contacts[contact_of[partner.pk]]
            old = copy(contact)
            changes = copy_fields(partner, contact, field_map)
            if not changes:
                continue
            normalize_contact(contact, name_changed="name" in changes)
            before[contact.pk] = old
            written.append(contact)
        write_many(Contact, written, set(TRACKED_ATTS), reason)
    return before


# =============================================================================================
# 5. No echo, bounded work: the guard
# =============================================================================================

_in_sync = contextvars.ContextVar("contacts_sync_in_progress", default=False)


@contextmanager
def suspended():
    """Within this block the receivers do nothing: used for rows the sync engine itself saves."""
    token = _in_sync.set(True)
    try:
        yield
    finally:
        _in_sync.reset(token)


def is_suspended() -> bool:
    return _in_sync.get()


def write_changes(obj, changes: dict, reason: str) -> bool:
    """Write ``changes`` (attname → value) to ``obj``'s row: one UPDATE (no signals), version bumped, history.

    ``obj`` must be the current row (read in this transaction); its attributes are updated too.
    """
    if not changes:
        return False
    model = type(obj)
    now = timezone.now()
    for att, value in changes.items():
        setattr(obj, att, value)
    obj.version = (obj.version or 0) + 1
    obj.updated_at = now
    model._default_manager.filter(pk=obj.pk).update(**changes, version=F("version") + 1, updated_at=now)
    history.record_objects(model, [obj], reason=reason, date=now)
    return True


def write_many(model, objs, fields: set, reason: str) -> None:
    """Like ``write_changes`` for many rows of one model: one bulk UPDATE and one history insert."""
    if not objs:
        return
    now = timezone.now()
    for obj in objs:
        obj.version = (obj.version or 0) + 1
        obj.updated_at = now
    model._default_manager.bulk_update(objs, [*fields, "version", "updated_at"], batch_size=CHUNK)
    history.record_objects(model, objs, reason=reason, date=now)


def lock_contacts(contact_ids) -> list[Contact]:
    """Lock these contact rows (companies before persons, then by key: the one order every path takes)."""
    return list(Contact.objects.select_for_update().filter(pk__in=list(contact_ids)).order_by("type", "pk"))


def lock_contacts_before(record) -> None:
    """Lock the contacts every synchronizing save locks before ``record``'s own row: a partner's linked
    contact; a person's company (as stored, and the one the edit sets). Registered with
    ``crm.concurrency.register_lock_order``, so an edit screen's save takes the engine's lock order."""
    if isinstance(record, Contact):
        ids = set(Contact.objects.filter(pk=record.pk).values_list("company_id", flat=True)) | {record.company_id}
    else:
        ids = set(ContactBusinessRelation.objects.filter(**{f"{kind_of(record)}_id": record.pk})
                  .values_list("contact_id", flat=True))
    ids.discard(None)
    if ids:
        lock_contacts(ids)


# =============================================================================================
# 6. Invariant: linked records agree on every mapped field
# =============================================================================================


@dataclass
class Drift:
    kind: str
    link_id: int
    contact_id: int
    contact_no: str
    partner_id: int
    partner_no: str
    fields: list  # [(contact field, contact value, partner value)]

    def describe(self) -> str:
        parts = ", ".join(f"{name} ({contact_value!r} ≠ {partner_value!r})"
                          for name, contact_value, partner_value in self.fields)
        return f"{kinds.get(self.kind).title} {self.partner_no} ↔ contact {self.contact_no}: {parts}"


def drift_condition(kind: str) -> Q:
    """A filter on ContactBusinessRelation: the contact and its partner of ``kind`` differ in a mapped field."""
    partner_model = kinds.get(kind).model
    condition = Q()
    for contact_field, partner_field in contact_to_partner_map(kind).items():
        left = f"contact__{attname(Contact, contact_field)}"
        right = f"{kind}__{attname(partner_model, partner_field)}"
        same = Q(**{left: F(right)})
        if Contact._meta.get_field(contact_field).null or partner_model._meta.get_field(partner_field).null:
            same |= Q(**{f"{left}__isnull": True, f"{right}__isnull": True})
        condition |= ~same
    return condition


def find_drift(kind: str | None = None, *, contact_ids=None) -> list[Drift]:
    """Every link (of ``kind``, or of every kind) whose contact and partner differ in a mapped field:
    one query per kind, naming the pair and each differing field with both values."""
    if kind is None:
        return [drift for k in KINDS for drift in find_drift(k, contact_ids=contact_ids)]
    partner_model = kinds.get(kind).model
    mapping = contact_to_partner_map(kind)
    columns = {f"drift_c_{cf}": f"contact__{attname(Contact, cf)}" for cf in mapping}
    columns.update({f"drift_p_{cf}": f"{kind}__{attname(partner_model, pf)}" for cf, pf in mapping.items()})
    links = ContactBusinessRelation.objects.filter(link_to_table=kind).filter(drift_condition(kind))
    if contact_ids is not None:
        links = links.filter(contact_id__in=contact_ids)
    rows = links.order_by("pk").values("pk", "contact_id", "contact__no", f"{kind}_id", f"{kind}__no",
                                       **{alias: F(path) for alias, path in columns.items()})
    return [Drift(kind, row["pk"], row["contact_id"], row["contact__no"], row[f"{kind}_id"], row[f"{kind}__no"],
                  [(cf, row[f"drift_c_{cf}"], row[f"drift_p_{cf}"]) for cf in mapping
                   if row[f"drift_c_{cf}"] != row[f"drift_p_{cf}"]])
            for row in rows]


def repair(master: str) -> dict[str, int]:
    """Make every drifting pair agree, ``master`` ("contact" or "partner") winning. Returns pairs per kind.

    With ``partner``, kinds are taken in the order customer, vendor, bank account, each after the
    previous one's change set is finished: a contact whose customer and vendor both drifted takes the
    customer's values, which then reach the vendor.
    """
    if master not in ("contact", "partner"):
        raise ValueError("master must be 'contact' or 'partner'")
    repaired = {}
    with transaction.atomic():
        for kind in KINDS:
            drifts = find_drift(kind)
            repaired[kind] = len(drifts)
            if not drifts:
                continue
            label = kinds.get(kind).label
            if master == "contact":
                reason = "Synchronized in bulk: the contact's values win"
                push_to_partners([d.contact_id for d in drifts], reason=reason, kinds_=[kind])
                finish(ChangeSet(reason=reason))
            else:
                reason = f"Synchronized in bulk: the {label}'s values win"
                before = pull_from_partners(kind, [d.partner_id for d in drifts], reason=reason)
                finish(ChangeSet(reason=reason, contacts=before))
                # What flows from the contact only (a customer's contact type) still comes from the contact.
                push_to_partners([d.contact_id for d in drifts], reason=reason, kinds_=[kind])
    return repaired


# =============================================================================================
# 7. Link with existing
# =============================================================================================


def require_code(setup, kind: str):
    """Marketing Setup's business relation code for ``kind``, or a ValidationError saying it is missing."""
    code = setup.code_for(kind)
    if code is None:
        label = kinds.get(kind).label
        raise ValidationError(
            f"Bus. Rel. Code for {label.title()}s is not set in Marketing Setup: contacts cannot be "
            f"synchronized with {label}s until it is.")
    return code


def require_contact_nos(setup) -> None:
    """New contacts need Contact Nos. in Marketing Setup: a ValidationError saying so when it is blank."""
    if setup.contact_nos_id is None:
        raise ValidationError("Contact Nos. is not set in Marketing Setup: new contacts need a number series.")


def target_contact(contact, kind: str):
    """The contact a partner of ``kind`` belongs to: a person's company; a stand-alone person for customers."""
    if contact.type == ContactType.PERSON:
        if contact.company_id:
            return contact.company
        if not kinds.get(kind).standalone_person:
            raise ValidationError(
                f"{Describe(contact)} is a person without a company: only a customer can be made from or "
                f"linked to it. Assign it to a company first (the {kinds.get(kind).label} then belongs to the "
                f"company).")
    return contact


def check_no_link_of_kind(contact, kind: str) -> None:
    link = (ContactBusinessRelation.objects.filter(contact=contact, link_to_table=kind)
            .select_related(kind).first())
    if link is not None:
        raise ValidationError(f"{Describe(contact)} is already linked to {describe(link.partner)}.")


def check_partner_unlinked(partner) -> None:
    link = ContactBusinessRelation.objects.filter(**{kind_of(partner): partner}).select_related("contact").first()
    if link is not None:
        raise ValidationError(f"{Describe(partner)} is already linked to {describe(link.contact)}.")


def check_linkable(contact, kind: str, setup):
    """The pre-checks of "Link with existing" and "Create as" (setup code, privacy, person rules, no link of
    that kind yet). Locks the contact and its company (company first). Returns the contact to link."""
    require_code(setup, kind)
    company_id = Contact.objects.filter(pk=contact.pk).values_list("company_id", flat=True).first()
    locked = {c.pk: c for c in lock_contacts({contact.pk, company_id or contact.pk})}
    contact = locked[contact.pk]
    check_not_privacy_blocked(contact)
    target = target_contact(contact, kind)
    if target.pk != contact.pk:
        target = locked[target.pk]
        check_not_privacy_blocked(target)
    check_no_link_of_kind(target, kind)
    return target


def relation_row(contact, partner, setup, kind: str | None = None, *, primary_contact=None):
    """The unsaved link row between ``contact`` and ``partner`` under the setup code of its kind."""
    kind = kind or kind_of(partner)
    return ContactBusinessRelation(contact=contact, business_relation=setup.code_for(kind), link_to_table=kind,
                                   primary_contact=primary_contact, **{kind: partner})


def link_pairs(kind: str, pairs, *, setup, reason: str | None = None, from_partner=frozenset()) -> None:
    """Link each (partner pk, contact pk), set-based, and make the pairs agree.

    The caller has made the pre-checks (``check_linkable`` per row; the matcher's candidate rules in
    bulk). An unlinked row with the setup code (a prospect marked CUST) becomes the link row. Fields
    named in ``from_partner`` (contact field names) take the partner's value; every other mapped field
    then takes the contact's. Where the partner's ``contact`` text names a person of the company, that
    person becomes the primary contact.
    """
    code = setup.code_for(kind)
    pairs = list(pairs)
    contact_ids = [contact_id for _, contact_id in pairs]
    existing = {}
    for chunk in _chunks(contact_ids):
        existing.update({row.contact_id: row for row in ContactBusinessRelation.objects.filter(
            contact_id__in=chunk, business_relation=code, link_to_table="")})
    new_rows, filled = [], []
    for partner_id, contact_id in pairs:
        row = existing.get(contact_id) or ContactBusinessRelation(contact_id=contact_id, business_relation=code)
        row.link_to_table = kind
        setattr(row, f"{kind}_id", partner_id)
        (filled if row.pk else new_rows).append(row)
    insert_objects(ContactBusinessRelation, new_rows)
    if filled:
        ContactBusinessRelation.objects.bulk_update(filled, ["link_to_table", f"{kind}_id"], batch_size=CHUNK)
    reason = reason or "Linked"
    before = {}
    if from_partner:
        before = pull_from_partners(kind, [p for p, _ in pairs], reason=reason, fields=set(from_partner))
    if kinds.get(kind).contact_text_person:
        _primary_contacts_from_texts(kind, pairs)
    finish(ChangeSet(reason=reason, setup=setup, contacts=before,
                     links=[(kind, partner_id, contact_id) for partner_id, contact_id in pairs]))
    record_link_events(kind, pairs, "Linked with")


def record_link_events(kind: str, pairs, verb: str) -> None:
    """The change history of both sides tells that they were linked (or unlinked): "Linked with customer
    C00010" on the contact, "Linked with contact CT000042" on the partner. Bounded work per chunk."""
    spec = kinds.get(kind)
    for chunk in _chunks(pairs):
        partner_nos = dict(spec.model.objects.filter(pk__in=[p for p, _ in chunk]).values_list("pk", "no"))
        contact_nos = dict(Contact.objects.filter(pk__in=[c for _, c in chunk]).values_list("pk", "no"))
        event = "linked" if verb.startswith("Linked") else "unlinked"
        history.record_events(Contact, {c: f"{verb} {spec.label} {partner_nos[p]}" for p, c in chunk}, event=event)
        history.record_events(spec.model, {p: f"{verb} contact {contact_nos[c]}" for p, c in chunk}, event=event)


def _primary_contacts_from_texts(kind, pairs):
    """When the partner's contact text names a person of the linked company, that one is primary."""
    texts = {}
    for chunk in _chunks([p for p, _ in pairs]):
        texts.update(kinds.get(kind).model.objects.filter(pk__in=chunk).exclude(contact="")
                     .values_list("pk", "contact"))
    wanted = {(contact_id, texts[partner_id].strip()): partner_id for partner_id, contact_id in pairs
              if partner_id in texts}
    if not wanted:
        return
    found = {}
    for chunk in _chunks(list({c for c, _ in wanted})):
        for pk, company_id, name in (Contact.objects.filter(company_id__in=chunk, company__type=ContactType.COMPANY)
                                     .order_by("no").values_list("pk", "company_id", "name")):
            found.setdefault((company_id, name), pk)
    for key, partner_id in wanted.items():
        if key in found:
            ContactBusinessRelation.objects.filter(**{f"{kind}_id": partner_id}).update(primary_contact_id=found[key])


# =============================================================================================
# 8. Create as
# =============================================================================================


def _is_blank(value) -> bool:
    return value in (None, "") or (hasattr(value, "is_zero") and value.is_zero())


def partner_from_contact(contact, kind: str, template=None):
    """A new, unsaved partner of ``kind`` filled from ``contact``; the template fills only what the contact
    leaves blank (mapped fields included: those values then reach the contact when it is linked)."""
    model = kinds.get(kind).model
    partner = model()
    copy_fields(contact, partner, contact_to_partner_map(kind))
    if template is not None:
        for name in template.filled_fields:
            att = attname(model, name)
            value = getattr(template, attname(type(template), name))
            if _is_blank(getattr(partner, att)) and not _is_blank(value):
                setattr(partner, att, value)
    return partner


# =============================================================================================
# 9. Persons and inheritance
# =============================================================================================

# Company → person inheritance (Marketing Setup switch → contact fields), reference §6.2.
INHERITED_ALWAYS = {
    "inherit_salesperson_code": ("salesperson",),
    "inherit_territory_code": ("territory",),
    "inherit_country_code": ("country_code",),
    "inherit_language_code": ("language_code",),
}
ADDRESS_FIELDS = ("address", "address_2", "post_code", "city", "county")
ADDRESS_MATCH_FIELDS = ("address", "address_2", "post_code", "city")  # "same address" test on company change
COMMUNICATION_FIELDS = ("phone_no", "mobile_phone_no", "fax_no", "email", "home_page")
INHERITANCE_RELEVANT = frozenset({"name", *(attname(Contact, f) for fs in INHERITED_ALWAYS.values() for f in fs),
                                  *ADDRESS_FIELDS, *COMMUNICATION_FIELDS})


def inherit_from_company(person, company, setup, previous_company=None) -> list[str]:
    """Give ``person`` the switched-on fields of ``company`` (reference §6.2, on assignment).

    Salesperson, territory, country and language are copied; the address block only when the
    person's is blank or the previous company's; each communication field only when blank or the
    previous company's value. Returns the changed attribute names.
    """
    changed = []

    def put(field_name):
        att = attname(type(person), field_name)
        value = getattr(company, att)
        if getattr(person, att) != value:
            setattr(person, att, value)
            changed.append(att)

    person.company_name = company.name[:100]
    for switch, fields in INHERITED_ALWAYS.items():
        if getattr(setup, switch):
            for f in fields:
                put(f)
    if setup.inherit_address_details:
        own = [getattr(person, f) for f in ADDRESS_FIELDS]
        previous = [getattr(previous_company, f) for f in ADDRESS_FIELDS] if previous_company else None
        if not any(own) or own == previous:
            for f in ADDRESS_FIELDS:
                put(f)
    if setup.inherit_communication_details:
        for f in COMMUNICATION_FIELDS:
            own = getattr(person, f)
            if not own or (previous_company is not None and own == getattr(previous_company, f)):
                put(f)
    return changed


def apply_marketing_defaults(contact, setup) -> None:
    """Marketing Setup defaults fill blank fields of a contact typed in by a user (not one made from a partner)."""
    if contact.territory_id is None and setup.default_territory_id:
        contact.territory_id = setup.default_territory_id
    if not contact.country_code and setup.default_country_code:
        contact.country_code = setup.default_country_code
    if not contact.language_code and setup.default_language_code:
        contact.language_code = setup.default_language_code
    if contact.salesperson_id is None and setup.default_salesperson_id:
        contact.salesperson_id = setup.default_salesperson_id


def person_from_text(text: str, company, setup):
    """A new, unsaved person contact named ``text`` under ``company`` (a partner's ``contact`` text).

    Marketing Setup defaults, then inheritance from the company, then the name split (reference §6.3).
    """
    person = Contact(type=ContactType.PERSON, company=company, name=text.strip()[:100])
    apply_marketing_defaults(person, setup)
    inherit_from_company(person, company, setup)
    normalize_contact(person, name_changed=True)
    return person


def push_companies_to_persons(changes, *, setup=None) -> dict[int, Contact]:
    """The inheritance rule for many companies at once: ``changes`` is ``[(company, old, changed attnames)]``.

    Each person of a changed company that still had its company's old value gets the new one
    (per Marketing Setup switch; the address block only when the person had the whole old address);
    a renamed company renames ``company_name`` on its persons. Bounded work whatever the number of
    companies: one query for their persons, one bulk UPDATE and one history insert per chunk.
    Returns ``{person pk: row as it was}`` for the persons changed.
    """
    changes = {company.pk: (company, old, set(changed)) for company, old, changed in changes
               if old is not None and set(changed) & INHERITANCE_RELEVANT}
    if not changes:
        return {}
    setup = setup or MarketingSetup.load()
    pushable = []  # attnames that may flow to persons still holding the old value
    for switch, fields in INHERITED_ALWAYS.items():
        if getattr(setup, switch):
            pushable += [attname(Contact, f) for f in fields]
    if setup.inherit_communication_details:
        pushable += list(COMMUNICATION_FIELDS)
    before = {}
    for chunk in _chunks(list(changes)):
        updated, fields = [], set()
        for person in Contact.objects.filter(company_id__in=chunk).order_by("pk"):
            company, old, changed = changes[person.company_id]
            address_changed = setup.inherit_address_details and bool(changed & set(ADDRESS_FIELDS))
            previous = copy(person)
            if "name" in changed and person.company_name != company.name:
                person.company_name = company.name
                fields.add("company_name")
            for att in pushable:
                if att in changed and getattr(person, att) == getattr(old, att):
                    setattr(person, att, getattr(company, att))
                    fields.add(att)
            if address_changed and all(getattr(person, f) == getattr(old, f) for f in ADDRESS_MATCH_FIELDS):
                for f in ADDRESS_FIELDS:
                    if f in changed:
                        setattr(person, f, getattr(company, f))
                        fields.add(f)
            if any(getattr(person, a) != getattr(previous, a) for a in TRACKED_ATTS):
                person._change_reason = f"Inherited from company {company.no}"
                before[person.pk] = previous
                updated.append(person)
        write_many(Contact, updated, fields, "Inherited from company")
    return before


def rename_primary_contacts(person_ids) -> None:
    """A renamed person's name becomes the ``contact`` text of each partner it is the primary contact of."""
    for chunk in _chunks(person_ids):
        links = (ContactBusinessRelation.objects.filter(primary_contact_id__in=chunk).exclude(link_to_table="")
                 .exclude(contact_id=F("primary_contact_id")).select_related("primary_contact", *KINDS))
        for link in links:
            if link.partner.contact != link.primary_contact.name:
                write_changes(link.partner, {"contact": link.primary_contact.name},
                              history_reason(link.primary_contact))


def add_primary_person(link, partner, company, setup):
    """The partner's ``contact`` text becomes a person under ``company`` and the link's primary contact."""
    person = person_from_text(partner.contact, company, setup)
    with suspended():
        person.save()
    link.primary_contact = person
    type(link).objects.filter(pk=link.pk).update(primary_contact=person)
    if partner.contact != person.name:
        write_changes(partner, {"contact": person.name}, history_reason(person))
    finish(ChangeSet(reason=history_reason(partner), setup=setup, created=[person], relations={person.pk}))
    return person


# =============================================================================================
# 10. Delete (and the relation summary it recomputes)
# =============================================================================================


def before_contact_delete(contact) -> None:
    """Partners whose primary contact is being deleted lose their ``contact`` text too (reference §5); the
    partners linked to it stay, and their history tells that the link went with the contact."""
    links = (ContactBusinessRelation.objects.filter(primary_contact_id=contact.pk).exclude(link_to_table="")
             .exclude(contact_id=contact.pk).select_related(*KINDS))
    for link in links:
        if link.partner.contact:
            write_changes(link.partner, {"contact": ""}, f"Contact {contact.no} was deleted")
    for kind, partner_id in _linked_partners(contact.pk):
        history.record_events(kinds.get(kind).model,
                              {partner_id: f"Contact {contact.no} was deleted; this {kinds.get(kind).label} "
                                           f"stays, only the link went"})


def before_partner_delete(partner) -> None:
    """A deleted partner's contact stays; its history tells that the link went with the partner."""
    link = ContactBusinessRelation.objects.filter(**{kind_of(partner): partner}).only("contact_id").first()
    if link is not None:
        history.record_events(Contact, {link.contact_id: f"{Describe(partner)} was deleted; this contact stays, "
                                                         f"only the link went"})


def _linked_partners(contact_id) -> list[tuple[str, int]]:
    """(kind, partner pk) of every partner linked to the contact."""
    rows = (ContactBusinessRelation.objects.filter(contact_id=contact_id).exclude(link_to_table="")
            .values_list("link_to_table", *(f"{kind}_id" for kind in KINDS)))
    return [(kind, ids[KINDS.index(kind)]) for kind, *ids in rows]


def setup_codes(setup) -> dict[int, str]:
    """Marketing Setup's business relation code ids → the partner kind they stand for."""
    codes = {getattr(setup, f"{spec.setup_code_field}_id"): key for key, spec in kinds.KINDS.items()}
    codes.pop(None, None)
    return codes


def business_relation_summary(rows, codes) -> str:
    """The ``contact_business_relation`` value (reference §1.1) of a contact's relation rows.

    ``rows``: (business_relation_id, link_to_table) pairs — the contact's own rows and, for a person
    with a company, the company's. None → ``none``; no linked row under a Marketing Setup code →
    ``other`` with exactly one row, else ``multiple``; exactly one row and it is linked → its partner
    type; anything else → ``multiple``. ``codes``: the ids of Marketing Setup's codes.
    """
    rows = list(rows)
    if not rows:
        return BusinessRelationSummary.NONE
    linked = [link for code, link in rows if link and code in codes]
    if not linked:
        return BusinessRelationSummary.OTHER if len(rows) == 1 else BusinessRelationSummary.MULTIPLE
    if len(linked) == 1 and len(rows) == 1:
        return linked[0]
    return BusinessRelationSummary.MULTIPLE


def summary_rows(contact_id, company_id):
    """The relation rows a contact's summary is made of (as in ``refresh_summaries``): its own and, for a
    person with a company, the company's. The ids may be ``OuterRef``s (the contact list's relation filter)."""
    return ContactBusinessRelation.objects.filter(Q(contact_id=contact_id) | Q(contact_id=company_id))


def refresh_summaries(contact_ids, *, setup=None) -> int:
    """Recompute the summary of these contacts and of their companies' persons; returns rows changed."""
    codes = setup_codes(setup or MarketingSetup.load())
    changed = 0
    for ids in _chunks(contact_ids, 2000):
        contacts = {row["pk"]: row for row in Contact.objects.filter(pk__in=ids).values(
            "pk", "company_id", "contact_business_relation")}
        contacts.update({row["pk"]: row for row in Contact.objects.filter(company_id__in=ids).values(
            "pk", "company_id", "contact_business_relation")})
        owners = set(contacts) | {c["company_id"] for c in contacts.values() if c["company_id"]}
        rows = {}
        for row in ContactBusinessRelation.objects.filter(contact_id__in=owners).values_list(
                "contact_id", "business_relation_id", "link_to_table"):
            rows.setdefault(row[0], []).append(row[1:])
        by_value = {}
        for pk, contact in contacts.items():
            own = rows.get(pk, []) + (rows.get(contact["company_id"], []) if contact["company_id"] else [])
            value = business_relation_summary(own, codes)
            if value != contact["contact_business_relation"]:
                by_value.setdefault(value, []).append(pk)
        for value, pks in by_value.items():  # one UPDATE per summary value, not a CASE per row
            Contact.objects.filter(pk__in=pks).update(contact_business_relation=value)
            changed += len(pks)
    return changed


# =============================================================================================
# 11. Privacy
# =============================================================================================


def check_not_privacy_blocked(contact) -> None:
    """A privacy-blocked contact cannot be linked, made into a partner, put on a document or get a manual
    interaction (a minor stays blocked until parental consent: ``Contact.derive_values``)."""
    if contact.privacy_blocked:
        raise ValidationError(f"You cannot use {describe(contact)}: it is blocked due to privacy.")


# =============================================================================================
# 12. After a change set: the step every path ends in
# =============================================================================================

# Sent once per finished change set (keyword ``change_set``); other apps answer it instead of
# listening to the rows the engine writes. Receivers run inside the operation's transaction.
change_set_applied = Signal()


@dataclass
class ChangeSet:
    """What one operation changed, for ``finish()``."""

    reason: str  # the change-history reason of what finish() writes, e.g. "Synchronized from customer C00010"
    contacts: dict = field(default_factory=dict)  # contact pk → its row as it was before the operation
    created: list = field(default_factory=list)  # contacts the operation inserted (summaries set, partners agreeing)
    links: list = field(default_factory=list)  # (kind, partner pk, contact pk) for every link made
    relations: set = field(default_factory=set)  # contacts whose business relation rows changed
    setup: MarketingSetup | None = None
    duplicates: list = field(default_factory=list)  # filled by finish(): possible duplicates of new companies
    search_duplicates: bool = True  # False: finish() indexes the new contacts, the caller searches them later


def finish(change_set: ChangeSet) -> ChangeSet:
    """Carry a change set on, in this order:

    1. mapped fields: every partner linked to a changed contact (or newly linked) takes the contact's values;
    2. company names and persons' inheritance: a changed company's persons follow (and, in turn, their
       partners); a renamed person renames the partners' contact texts it is the primary contact of;
    3. relation summaries of contacts whose relations, company or type changed;
    4. the duplicate index of contacts whose keys changed, and of new companies;
    5. the ``change_set_applied`` signal.
    Bounded work per chunk of contacts, whatever the set's size.
    """
    cs = change_set
    setup = cs.setup = cs.setup or MarketingSetup.load()
    current, changed = {}, {}
    for chunk in _chunks(list(cs.contacts)):
        current.update({c.pk: c for c in Contact.objects.filter(pk__in=chunk)})
    for pk, old in cs.contacts.items():
        if pk in current:
            changed[pk] = {a for a in TRACKED_ATTS if getattr(current[pk], a) != getattr(old, a)}
    linked_contacts = {contact_id for _, _, contact_id in cs.links}

    # 1. mapped fields (a contact the change set created and its partner were built one from the other, so
    #    they agree already; when only links were made, only the kinds linked can differ)
    created_ids = {contact.pk for contact in cs.created}
    mapped_changed = {pk for pk, atts in changed.items() if atts & MAPPED_ATTS}
    push_to_partners(sorted(mapped_changed | (linked_contacts - created_ids)), reason=cs.reason,
                     kinds_=KINDS if mapped_changed else [k for k in KINDS if any(k == link[0] for link in cs.links)])
    # 2. persons and primary-contact texts
    push_companies_to_persons(
        [(current[pk], cs.contacts[pk], atts) for pk, atts in changed.items()
         if current[pk].is_company and cs.contacts[pk].type == ContactType.COMPANY], setup=setup)
    rename_primary_contacts([pk for pk, atts in changed.items() if current[pk].is_person and "name" in atts])
    # 3. relation summaries (a contact the engine created was written with the summary of its rows)
    refresh_summaries(cs.relations | (linked_contacts - created_ids)
                      | {pk for pk, atts in changed.items() if atts & {"company_id", "type"}}, setup=setup)
    # 4. duplicate index
    reindex = [current[pk] for pk, atts in changed.items() if atts & duplicate_index.KEY_ATTS]
    if reindex:
        duplicate_index.reindex(reindex, setup=setup)
    if cs.created:
        cs.duplicates = duplicate_index.find_for_new_contacts(cs.created, setup=setup, search=cs.search_duplicates)
    # 5. other apps
    change_set_applied.send(sender=ChangeSet, change_set=cs)
    return cs


# =============================================================================================
# The receivers' entry points: a save is a change set of one
# =============================================================================================


@dataclass
class _SaveState:
    """What a receiver read from the database before a save, for the receiver after it."""

    old: object = None  # the row as stored before this save (None for an insert)
    link: object = None  # partner saves: the link row, with its contact locked
    setup: object = None
    compare: tuple = ()  # attnames to compare (update_fields aware)


def _pop_state(instance) -> _SaveState | None:
    return instance.__dict__.pop("_sync_state", None)


def _compared(model, fields, update_fields) -> tuple:
    atts = [attname(model, f) for f in fields]
    if update_fields is None:
        return tuple(atts)
    wanted = {attname(model, f) for f in update_fields} | set(update_fields)
    return tuple(a for a in atts if a in wanted)


def before_contact_save(contact, update_fields=None) -> None:
    """Read (and lock) the stored row, enforce type rules, keep names, company_name and inheritance right."""
    setup = None
    old = None
    if contact.pk is not None and not contact._state.adding:
        lock_ids = [contact.pk] + ([contact.company_id] if contact.company_id else [])
        old = {c.pk: c for c in lock_contacts(lock_ids)}.get(contact.pk)
    if old is None:  # a new contact typed in by a user: Marketing Setup defaults apply
        setup = MarketingSetup.load()
        apply_marketing_defaults(contact, setup)
    else:
        # Derived: never overwritten from a stale in-memory copy.
        contact.contact_business_relation = old.contact_business_relation
        message = contact.type_change_error(old)
        if message:
            raise ValidationError({"type": message})
    parts_changed = old is not None and any(getattr(contact, p) != getattr(old, p) for p in PERSON_NAME_PARTS)
    name_changed = old is not None and contact.name != old.name
    if contact.type == ContactType.COMPANY:
        contact.company = None
        if old is not None and old.type == ContactType.PERSON:
            contact.first_name = contact.middle_name = contact.surname = contact.initials = ""
            contact.job_title = ""
    typed_name = contact.name
    normalize_contact(contact, name_changed=name_changed, parts_changed=parts_changed)
    if contact.name != typed_name and contact.search_name == typed_name.upper()[:100]:
        contact.search_name = contact.name.upper()[:100]  # it follows the name (Party.follow_name)
    old_company_id = old.company_id if old is not None else None
    if contact.type == ContactType.PERSON and contact.company_id and contact.company_id != old_company_id:
        company = contact.company
        if company.type != ContactType.COMPANY:
            raise ValidationError({"company": f"{Describe(company)} is a person, not a company."})
        if company.pk == contact.pk:
            raise ValidationError({"company": "A contact cannot be its own company."})
        setup = setup or MarketingSetup.load()
        previous = Contact.objects.filter(pk=old_company_id).first() if old_company_id else None
        inherit_from_company(contact, company, setup, previous)
    elif contact.type == ContactType.PERSON and contact.company_id:
        contact.company_name = contact.company_name or contact.company.name
    contact.__dict__["_sync_state"] = _SaveState(
        old=old, setup=setup, compare=_compared(Contact, CONTACT_TRACKED, update_fields))


def after_contact_save(contact, created: bool) -> None:
    """A contact saved by a user (or an import): a change set of one."""
    state = _pop_state(contact)
    if state is None:
        return
    if created:
        finish(ChangeSet(reason=history_reason(contact), setup=state.setup, created=[contact],
                         relations={contact.pk} if contact.company_id else set()))
        return
    if any(getattr(contact, a) != getattr(state.old, a) for a in state.compare):
        finish(ChangeSet(reason=history_reason(contact), setup=state.setup, contacts={contact.pk: state.old}))


def before_partner_save(partner, update_fields=None) -> None:
    """New partner: refuse early when its contact could not be numbered. Linked partner: lock the contact."""
    kind = kind_of(partner)
    if partner._state.adding or partner.pk is None:
        setup = MarketingSetup.load()
        check_contact_nos(kind, setup)
        partner.__dict__["_sync_state"] = _SaveState(setup=setup)
        return
    # Lock the contact first (the order every synchronizing save follows), then read the stored partner.
    link = (ContactBusinessRelation.objects.select_related("contact").select_for_update(of=("contact",))
            .filter(**{f"{kind}_id": partner.pk}).first())
    if link is None:
        return
    model = type(partner)
    compare = _compared(model, [*partner_to_contact_map(kind), "contact"], update_fields)
    old = model._default_manager.filter(pk=partner.pk).first()
    partner.__dict__["_sync_state"] = _SaveState(old=old, link=link, compare=compare)


def after_partner_save(partner, created: bool) -> None:
    """A partner saved by a user (or an import): its contact follows, and through it the other partners."""
    state = _pop_state(partner)
    if state is None:
        return
    kind = kind_of(partner)
    if created:
        if state.setup.code_for(kind) is not None:
            create_contacts_for_partners(kind, [partner], state.setup, strict=True)
        return
    link, old, contact = state.link, state.old, state.link.contact
    changed = {a for a in state.compare if old is None or getattr(partner, a) != getattr(old, a)}
    if kind == "customer" and partner.contact_type != contact.type:
        # The contact's type flows to the customer only: a customer cannot make its contact a person.
        write_changes(partner, {"contact_type": contact.type}, history_reason(contact))
    if changed - {"contact"} or not contact.name:
        reason = history_reason(partner)
        finish(ChangeSet(reason=reason, contacts=pull_from_partners(kind, [partner.pk], reason=reason)))
    if kinds.get(kind).contact_text_person and "contact" in changed and partner.contact.strip():
        first_time = old is not None and not old.contact and link.primary_contact_id is None
        if first_time and contact.type == ContactType.COMPANY:
            add_primary_person(link, partner, contact, MarketingSetup.load())


def relation_saved(relation) -> None:
    """A link row saved outside the service API (the admin, a shell): make the pair agree (the contact's
    values win, as "Link with existing" does by default) and recompute the summary."""
    with transaction.atomic():
        links = []
        if relation.link_to_table:
            lock_contacts([relation.contact_id])
            links = [(relation.link_to_table, relation.partner.pk, relation.contact_id)]
        finish(ChangeSet(reason=history_reason(relation.contact), links=links, relations={relation.contact_id}))


def relation_deleted(relation) -> None:
    refresh_summaries([relation.contact_id])


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]
