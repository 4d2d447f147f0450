"""Synchronization of contacts with customers, vendors and bank accounts.

Every rule that keeps a contact and its partners in step lives in this module (DESIGN §4); read it
top to bottom:

1. the explicit field map: which contact field corresponds to which partner field, in which direction;
2. the "sync in progress" guard: writes made here never re-trigger synchronization;
3. pure building blocks (no queries) that the per-row path and the bulk commands share, so both end
   in exactly the same state: ``contact_from_partner``, ``person_from_text``, ``split_name``,
   ``business_relation_summary``, ``relation_row``;
4. the engine proper, called by the tiny receivers in ``contacts/signals.py``: before/after a contact
   or partner is saved, after a link row changes, before a contact is deleted;
5. ``find_drift()``: linked pairs whose mapped fields differ (the ``sync_check`` command builds on it).

How writes are made: the sync engine writes the *other* side with ``QuerySet.update()`` (one UPDATE,
no signals, ``version`` bumped) followed by one bulk insert into the change history with a reason
such as "Synchronized from customer C00010" and the acting user. Rows it *creates* (a contact for a
new partner, a partner from a contact) are saved normally inside ``suspended()``, so the receivers
stand back. Change detection always compares with the database row read at the start of the save.

Locking: a save that synchronizes first locks the contact row (``SELECT … FOR UPDATE``; persons lock
their company first), then writes partners. Every path takes locks in that order, so two concurrent
saves of a linked pair queue up instead of deadlocking, and the later one's values win on both sides.
The user's save and its synchronization are one transaction: ``Contact.save`` and partners' ``save``
run inside ``transaction.atomic()``, and these receivers run inside that block.
"""

from __future__ import annotations

import functools
import contextvars
from copy import copy
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crm import history
from crm.bulk_insert import new_instance
from partners.models import BankAccount, ContactType, Customer, Vendor

# =============================================================================================
# 1. The field map
# =============================================================================================

PARTNER_MODELS = {"customer": Customer, "vendor": Vendor, "bank_account": BankAccount}
PARTNER_KINDS = {model: kind for kind, model in PARTNER_MODELS.items()}
KIND_LABELS = {"customer": "customer", "vendor": "vendor", "bank_account": "bank account"}

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
PERSON_NAME_PARTS = ("first_name", "middle_name", "surname")


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


def kind_of(partner) -> str:
    return PARTNER_KINDS[type(partner)]


def describe(obj) -> str:
    """``customer C00010`` / ``contact CT000042 Fabrikam Inc.`` for messages (DESIGN §3's example)."""
    kind = PARTNER_KINDS.get(type(obj))
    if kind is not None:
        return f"{KIND_LABELS[kind]} {obj.no}"
    return f"contact {obj.no} {obj.name}".strip()


def Describe(obj) -> str:  # noqa: N802 - capitalised form for the start of a sentence
    text = describe(obj)
    return text[:1].upper() + text[1:]


# =============================================================================================
# 2. The guard
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


# =============================================================================================
# 3. Pure building blocks (no queries) — shared with the bulk commands
# =============================================================================================


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
    not applied. The bulk command and ``create_contact_from_partner`` both build contacts with this.
    """
    from contacts.models import Contact

    kind = kind or kind_of(partner)
    values = {attname(Contact, contact_field): getattr(partner, attname(type(partner), partner_field))
              for partner_field, contact_field in partner_to_contact_map(kind).items()}
    values["type"] = partner.contact_type if kind == "customer" else ContactType.COMPANY
    contact = new_instance(Contact, values)
    normalize_contact(contact, name_changed=True)
    return contact


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


def person_from_text(text: str, company, setup):
    """A new, unsaved person contact named ``text`` under ``company`` (a partner's ``contact`` text).

    Marketing Setup defaults, then inheritance from the company, then the name split (reference §6.3).
    """
    from contacts.models import Contact

    person = Contact(type=ContactType.PERSON, company=company, name=text.strip()[:100])
    apply_marketing_defaults(person, setup)
    inherit_from_company(person, company, setup)
    normalize_contact(person, name_changed=True)
    return person


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


def setup_codes(setup) -> dict[int, str]:
    """Marketing Setup's business relation code ids → the partner kind they stand for."""
    codes = {
        setup.bus_rel_code_for_customers_id: "customer",
        setup.bus_rel_code_for_vendors_id: "vendor",
        setup.bus_rel_code_for_bank_accounts_id: "bank_account",
    }
    codes.pop(None, None)
    return codes


def business_relation_summary(rows, codes) -> str:
    """The ``contact_business_relation`` value (reference §1.1) of a contact's relation rows.

    ``rows``: (business_relation_id, link_to_table) pairs — the contact's own rows and, for a person
    with a company, the company's rows. ``codes``: the ids of Marketing Setup's codes.
    """
    from contacts.summary import summary_of

    return summary_of(rows, codes)


def relation_row(contact, partner, setup, kind: str | None = None, *, primary_contact=None):
    """The unsaved link row between ``contact`` and ``partner`` under the setup code of its kind."""
    from contacts.models import ContactBusinessRelation

    kind = kind or kind_of(partner)
    return ContactBusinessRelation(contact=contact, business_relation=setup.code_for(kind), link_to_table=kind,
                                   primary_contact=primary_contact, **{kind: partner})


# =============================================================================================
# 4. The engine
# =============================================================================================


def _load_setup():
    from contacts.models import MarketingSetup

    return MarketingSetup.load()


def history_reason(source) -> str:
    """``Synchronized from customer C00010`` — the change-history reason of a synchronized write."""
    return f"Synchronized from {KIND_LABELS.get(PARTNER_KINDS.get(type(source)), 'contact')} {source.no}"


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
    model._default_manager.bulk_update(objs, [*fields, "version", "updated_at"])
    history.record_objects(model, objs, reason=reason, date=now)


@dataclass
class _SaveState:
    """What a receiver read from the database before a save, for the receiver after it."""

    old: object = None  # the row as stored before this save (None for an insert)
    link: object = None  # partner saves: the link row, with its contact locked
    setup: object = None
    compare: tuple = field(default_factory=tuple)  # attnames to compare (update_fields aware)


def _pop_state(instance) -> _SaveState | None:
    return instance.__dict__.pop("_sync_state", None)


def _compared(model, fields, update_fields) -> tuple:
    atts = [attname(model, f) for f in fields]
    if update_fields is None:
        return tuple(atts)
    wanted = {attname(model, f) for f in update_fields} | set(update_fields)
    return tuple(a for a in atts if a in wanted)


# ---- contacts ---------------------------------------------------------------------------------

CONTACT_TRACKED = tuple(dict.fromkeys((
    *PARTY_FIELDS, "vat_registration_no", "salesperson", "type", "company", "company_name",
    *PERSON_NAME_PARTS, "initials", "job_title",
)))


def before_contact_save(contact, update_fields=None) -> None:
    """Read (and lock) the stored row, enforce type rules, keep names, company_name and inheritance right."""
    from contacts.models import Contact

    setup = None
    old = None
    if contact.pk is not None and not contact._state.adding:
        lock_ids = [contact.pk] + ([contact.company_id] if contact.company_id else [])
        rows = {c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=lock_ids).order_by("type")}
        old = rows.get(contact.pk)
    if old is None:  # a new contact typed in by a user: Marketing Setup defaults apply
        setup = _load_setup()
        apply_marketing_defaults(contact, setup)
    else:
        # Derived: never overwritten from a stale in-memory copy.
        contact.contact_business_relation = old.contact_business_relation
        _check_type_change(contact, old)
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
        setup = setup or _load_setup()
        previous = Contact.objects.filter(pk=old_company_id).first() if old_company_id else None
        inherit_from_company(contact, company, setup, previous)
    elif contact.type == ContactType.PERSON and contact.company_id:
        contact.company_name = contact.company_name or contact.company.name
    contact.__dict__["_sync_state"] = _SaveState(
        old=old, setup=setup, compare=_compared(Contact, CONTACT_TRACKED, update_fields))


def type_change_error(contact, old=None) -> str | None:
    """Why the stored ``contact`` cannot take its new type, or None (reference §6.1).

    No type change once interactions are logged against it; a company that is linked (or has any
    business relation) or has persons cannot become a person.
    """
    from contacts.models import Contact, ContactBusinessRelation, InteractionLogEntry

    if contact.pk is None:
        return None
    if old is None:
        old = Contact.objects.filter(pk=contact.pk).only("pk", "no", "name", "type").first()
    if old is None or old.type == contact.type:
        return None
    if InteractionLogEntry.objects.filter(contact_id=contact.pk).exists():
        return f"The type of {describe(old)} cannot be changed: interactions are logged against it."
    if contact.type != ContactType.PERSON:
        return None
    link = ContactBusinessRelation.objects.filter(contact_id=contact.pk).select_related(
        "business_relation", *PARTNER_MODELS).first()
    if link is not None:
        partner = link.partner
        what = f"it is linked to {describe(partner)}" if partner else (
            f"it has the business relation {link.business_relation.code}")
        return f"{Describe(old)} cannot become a person: {what}."
    if Contact.objects.filter(company_id=contact.pk).exists():
        return f"{Describe(old)} cannot become a person: persons belong to it."
    return None


def _check_type_change(contact, old) -> None:
    message = type_change_error(contact, old)
    if message:
        raise ValidationError({"type": message})


def after_contact_save(contact, created: bool) -> None:
    """Push changed mapped fields to the linked partners, inheritance to persons, names to partner texts."""
    state = _pop_state(contact)
    if state is None:
        return
    old = state.old
    if created:
        if contact.company_id:
            refresh_summaries([contact.pk])
        return
    changed = {a for a in state.compare if getattr(contact, a) != getattr(old, a)}
    if not changed:
        return
    stored = copy(old)  # the row as now stored (a save with update_fields writes only those)
    for a in state.compare:
        setattr(stored, a, getattr(contact, a))
    stored.version = contact.version
    propagate_contact(stored, old, changed, reason=history_reason(contact), setup=state.setup)
    if "company_id" in changed or "type" in changed:
        refresh_summaries([contact.pk])


def propagate_contact(contact, old, changed: set, *, reason: str, exclude=None, setup=None) -> None:
    """After ``contact`` changed from ``old``: its partners, its persons, partner ``contact`` texts.

    ``exclude``: the partner the change came from (it already holds the values).
    """
    from contacts.models import Contact

    mapped = {attname(Contact, f) for kind in PARTNER_MODELS for f in contact_to_partner_map(kind)}
    if changed & mapped:
        push_contact_to_partners(contact, reason=reason, exclude=exclude)
    if contact.type == ContactType.COMPANY and old is not None and old.type == ContactType.COMPANY:
        push_company_to_persons(contact, old, changed, setup=setup)
    if contact.type == ContactType.PERSON and "name" in changed:
        rename_primary_contact(contact)


def push_contact_to_partners(contact, *, reason: str, exclude=None) -> None:
    """Copy every mapped field of ``contact`` to each partner linked to it, where it differs."""
    from contacts.models import ContactBusinessRelation

    links = (ContactBusinessRelation.objects.filter(contact_id=contact.pk).exclude(link_to_table="")
             .select_related(*PARTNER_MODELS))
    for link in links:
        partner = link.partner
        kind = link.link_to_table
        field_map = contact_to_partner_map(kind)
        if exclude is not None and type(partner) is type(exclude) and partner.pk == exclude.pk:
            field_map = BOTH_WAYS[kind]  # the contact's type never overrides the origin's contact_type
        changes = {}
        for contact_field, partner_field in field_map.items():
            value = getattr(contact, attname(type(contact), contact_field))
            att = attname(type(partner), partner_field)
            if getattr(partner, att) != value:
                changes[att] = value
        write_changes(partner, changes, reason)


def push_company_to_persons(company, old, changed: set, *, setup=None) -> None:
    """A company's changes reach each person that still had the company's old value (reference §6.2)."""
    push_companies_to_persons([(company, old, changed)], setup=setup)


def _inheritance_relevant() -> set:
    from contacts.models import Contact

    relevant = {"name"} | {attname(Contact, f) for fs in INHERITED_ALWAYS.values() for f in fs}
    return relevant | set(ADDRESS_FIELDS) | set(COMMUNICATION_FIELDS)


def push_companies_to_persons(changes, *, setup=None) -> int:
    """The inheritance rule for many companies at once: ``changes`` is ``[(company, old, changed attnames)]``.

    Each person of a changed company that still had its company's old value gets the new one
    (per Marketing Setup switch; the address block only when the person had the whole old address);
    a renamed company renames ``company_name`` on its persons. Bounded work whatever the number of
    companies: one query for all their persons, one bulk UPDATE and one history insert (and the
    Marketing Setup when not given). The per-row save path and the set-based bulk paths both call it.
    Returns the number of persons changed.
    """
    from contacts.models import Contact

    relevant = _inheritance_relevant()
    changes = {company.pk: (company, old, set(changed)) for company, old, changed in changes
               if old is not None and set(changed) & relevant}
    if not changes:
        return 0
    persons = list(Contact.objects.filter(company_id__in=list(changes)).order_by("pk"))
    if not persons:
        return 0
    setup = setup or _load_setup()
    pushable = []  # attnames that may flow to persons still holding the old value
    for switch, fields in INHERITED_ALWAYS.items():
        if getattr(setup, switch):
            pushable += [attname(Contact, f) for f in fields]
    if setup.inherit_communication_details:
        pushable += list(COMMUNICATION_FIELDS)
    updated, fields = [], set()
    for person in persons:
        company, old, changed = changes[person.company_id]
        address_changed = setup.inherit_address_details and bool(changed & set(ADDRESS_FIELDS))
        touched = set()
        if "name" in changed and person.company_name != company.name:
            person.company_name = company.name
            touched.add("company_name")
        for att in pushable:
            if att in changed and getattr(person, att) == getattr(old, att):
                setattr(person, att, getattr(company, att))
                touched.add(att)
        if address_changed and all(getattr(person, f) == getattr(old, f) for f in ADDRESS_MATCH_FIELDS):
            for f in ADDRESS_FIELDS:
                if f in changed:
                    setattr(person, f, getattr(company, f))
                    touched.add(f)
        if touched:
            person._change_reason = f"Inherited from company {company.no}"
            updated.append(person)
            fields |= touched
    write_many(Contact, updated, fields, "Inherited from company")
    return len(updated)


def rename_primary_contact(person) -> None:
    """A renamed person's name becomes the ``contact`` text of each partner it is the primary contact of."""
    from contacts.models import ContactBusinessRelation

    links = (ContactBusinessRelation.objects.filter(primary_contact_id=person.pk).exclude(link_to_table="")
             .exclude(contact_id=person.pk).select_related(*PARTNER_MODELS))
    for link in links:
        partner = link.partner
        if partner.contact != person.name:
            write_changes(partner, {"contact": person.name}, history_reason(person))


def before_contact_delete(contact) -> None:
    """Partners whose primary contact is being deleted lose their ``contact`` text too (reference §5)."""
    from contacts.models import ContactBusinessRelation

    links = (ContactBusinessRelation.objects.filter(primary_contact_id=contact.pk).exclude(link_to_table="")
             .exclude(contact_id=contact.pk).select_related(*PARTNER_MODELS))
    for link in links:
        partner = link.partner
        if partner.contact:
            write_changes(partner, {"contact": ""}, f"Contact {contact.no} was deleted")


def apply_to_contact(contact, changes: dict, *, reason: str, exclude=None) -> None:
    """Write partner values onto ``contact`` (locked, current) and let the change travel on."""
    if not changes:
        return
    old = copy(contact)
    for att, value in changes.items():
        setattr(contact, att, value)
    normalize_contact(contact, name_changed="name" in changes)
    tracked = [attname(type(contact), f) for f in CONTACT_TRACKED]
    all_changes = {a: getattr(contact, a) for a in tracked if getattr(contact, a) != getattr(old, a)}
    write_changes(contact, all_changes, reason)
    propagate_contact(contact, old, set(all_changes), reason=reason, exclude=exclude)


# ---- partners ---------------------------------------------------------------------------------


def before_partner_save(partner, update_fields=None) -> None:
    """New partner: refuse early when its contact could not be numbered. Linked partner: lock the contact."""
    from contacts.models import ContactBusinessRelation

    kind = kind_of(partner)
    if partner._state.adding or partner.pk is None:
        setup = _load_setup()
        if setup.code_for(kind) is not None and setup.contact_nos_id is None:
            raise ValidationError(
                f"Contact Nos. is not set in Marketing Setup: a contact is created for every new "
                f"{KIND_LABELS[kind]} (Bus. Rel. Code for {KIND_LABELS[kind].title()}s is set), and it needs a "
                f"number. Choose a number series for Contact Nos. in Marketing Setup, or clear the business "
                f"relation code. Nothing was saved.")
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
    state = _pop_state(partner)
    if state is None:
        return
    if created:
        if state.setup.code_for(kind_of(partner)) is not None:
            create_contact_for_partner(partner, state.setup)
        return
    kind = kind_of(partner)
    link, old, contact = state.link, state.old, state.link.contact
    changed = {a for a in state.compare if old is None or getattr(partner, a) != getattr(old, a)}
    mapped_changed = changed - {"contact"}
    if mapped_changed or not contact.name:
        changes = {}
        for partner_field, contact_field in partner_to_contact_map(kind).items():
            p_att = attname(type(partner), partner_field)
            # The stored value: what this save wrote, else what was there (a save with update_fields).
            value = getattr(partner if p_att in state.compare or old is None else old, p_att)
            att = attname(type(contact), contact_field)
            if getattr(contact, att) != value:
                changes[att] = value
        apply_to_contact(contact, changes, reason=history_reason(partner),
                         exclude=partner)
    if kind == "customer" and partner.contact_type != contact.type:
        # The contact's type flows to the customer only: a customer cannot make its contact a person.
        write_changes(partner, {"contact_type": contact.type}, history_reason(contact))
    if kind in ("customer", "vendor") and "contact" in changed and partner.contact.strip():
        first_time = old is not None and not old.contact and link.primary_contact_id is None
        if first_time and contact.type == ContactType.COMPANY:
            add_primary_person(link, partner, contact)


def add_primary_person(link, partner, company, setup=None):
    """The partner's ``contact`` text becomes a person under ``company`` and the link's primary contact."""
    setup = setup or _load_setup()
    person = person_from_text(partner.contact, company, setup)
    with suspended():
        person.save()
    link.primary_contact = person
    type(link).objects.filter(pk=link.pk).update(primary_contact=person)
    if partner.contact != person.name:
        write_changes(partner, {"contact": person.name}, history_reason(person))
    refresh_summaries([person.pk])
    return person


def create_contact_for_partner(partner, setup, kind: str | None = None):
    """Create, number and link the contact of a partner (automatic creation and the explicit action)."""
    kind = kind or kind_of(partner)
    contact = contact_from_partner(partner, kind)
    if contact.email:
        try:
            EmailValidator()(contact.email)
        except ValidationError:
            raise ValidationError(
                {"email": f"{contact.email} is not a valid e-mail address, so no contact can be made from "
                          f"{describe(partner)}. Correct the e-mail first."}) from None
    contact._change_reason = f"Created from {KIND_LABELS[kind]} {partner.no}"
    with suspended():
        contact.save()
        link = relation_row(contact, partner, setup, kind)
        link.save()
    del contact._change_reason
    if kind in ("customer", "vendor") and partner.contact.strip() and contact.type == ContactType.COMPANY:
        add_primary_person(link, partner, contact, setup)
    refresh_summaries([contact.pk])
    return contact


# ---- link rows and the relation summary --------------------------------------------------------


def refresh_summaries(contact_ids) -> None:
    """Recompute ``contact_business_relation`` for these contacts and, for companies, their persons.

    The set-based computation in ``contacts.summary`` (shared with the bulk commands) does it.
    """
    from contacts.summary import refresh_relation_summaries

    refresh_relation_summaries(contact_ids)


def relation_saved(relation) -> None:
    """A link row saved outside the service API (the admin, a shell): make the pair agree, then the summary.

    The contact's values reach the partner, as "Link with existing" does by default, so the invariant
    "linked records agree on every mapped field" holds however the row was written.
    """
    from contacts.models import Contact

    with transaction.atomic():
        if relation.link_to_table:
            contact = Contact.objects.select_for_update().get(pk=relation.contact_id)  # the contact row first
            partner = type(relation.partner)._default_manager.get(pk=relation.partner.pk)
            changes = copy_fields(contact, partner, contact_to_partner_map(relation.link_to_table))
            write_changes(partner, changes, history_reason(contact))
        refresh_summaries([relation.contact_id])


def relation_deleted(relation) -> None:
    refresh_summaries([relation.contact_id])


# =============================================================================================
# 5. Drift
# =============================================================================================


def find_drift(kinds=None) -> list:
    """Every linked pair whose mapped fields differ, over all partner kinds (or ``kinds``).

    Set-based, one query per partner kind: ``contacts.consistency.find_drift`` (the ``sync_check``
    command's engine) does the work; each item names the pair and its ``fields`` as
    (contact field, contact value, partner value).
    """
    from contacts import consistency

    return [drift for kind in (kinds or PARTNER_MODELS) for drift in consistency.find_drift(kind)]
