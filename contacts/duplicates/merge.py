"""Merging two contacts: the user picks the survivor and, field by field, the value to keep.

Business relations (and their links), persons, interactions, documents and every other record that
points at the merged-away contact move to the survivor; the sync engine then finishes the change
set: the survivor's values reach every partner now linked to it, the moved persons inherit from
their new company as an assignment would make them, summaries and the duplicate index follow.
"""

from copy import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal

from contacts import sync
from contacts.models import Contact, ContactBusinessRelation, ContactDuplicate, DuplicateSearchString, \
    InteractionLogEntry, MarketingSetup, MergedContact
from crm import history

# Sent after a merge (``survivor``, ``other_pk``, ``other_no``), inside its transaction.
contacts_merged = Signal()

# The fields a user picks a surviving value for, in card order.
MERGE_FIELDS = ("name", "name_2", "search_name", "address", "address_2", "city", "post_code", "county",
                "country_code", "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory",
                "language_code", "currency_code", "vat_registration_no", "salesperson")


def differing_fields(survivor: Contact, other: Contact) -> list[str]:
    attnames = {f: Contact._meta.get_field(f).attname for f in MERGE_FIELDS}
    return [f for f in MERGE_FIELDS if getattr(survivor, attnames[f]) != getattr(other, attnames[f])]


def _links_by_kind(contact):
    return {r.link_to_table: r for r in ContactBusinessRelation.objects.filter(contact=contact)
            .exclude(link_to_table="").select_related(*sync.KINDS)}


@transaction.atomic
def merge_contacts(survivor: Contact, other: Contact, *, take_from_other=(), user=None) -> Contact:
    """Merge ``other`` into ``survivor`` and delete ``other``; returns the survivor as stored.

    ``take_from_other`` names the fields whose value comes from ``other``; the rest keep the
    survivor's. Refused (ValidationError, nothing changed) when both are linked to a partner of the
    same type, or when they are the same contact. A ``MergedContact`` row remembers ``other`` (by
    ``user``, default: the acting user of the change history): its address then leads to the
    survivor, whose change history says "Merged contact CT… into this one".
    """
    if survivor.pk == other.pk:
        raise ValidationError("A contact cannot be merged with itself.")
    unknown = set(take_from_other) - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be merged: {', '.join(sorted(unknown))}.")
    locked = {c.pk: c for c in sync.lock_contacts([survivor.pk, other.pk])}
    survivor, other = locked[survivor.pk], locked[other.pk]
    survivor_links, other_links = _links_by_kind(survivor), _links_by_kind(other)
    both = sorted(set(survivor_links) & set(other_links))
    if both:
        kind = both[0]
        label = sync.kinds.get(kind).label
        raise ValidationError(
            f"Contacts {survivor.no} and {other.no} are each linked to a {label} "
            f"({survivor_links[kind].partner.no} and {other_links[kind].partner.no}); a contact links at most one "
            f"{label}. Unlink one of them first.")
    setup = MarketingSetup.load()

    # Relation rows: a code the survivor already has is kept once (the linked row wins).
    survivor_codes = {r.business_relation_id: r for r in ContactBusinessRelation.objects.filter(contact=survivor)}
    for row in ContactBusinessRelation.objects.filter(contact=other):
        mine = survivor_codes.get(row.business_relation_id)
        if mine is None:
            continue
        if row.link_to_table and not mine.link_to_table:
            mine.delete()
        else:
            row.delete()
    moved = [(kind, link.partner.pk, survivor.pk) for kind, link in other_links.items()]
    ContactBusinessRelation.objects.filter(contact=other).update(contact=survivor)
    ContactBusinessRelation.objects.filter(primary_contact=other).update(primary_contact=survivor)
    InteractionLogEntry.objects.filter(contact=other).update(contact=survivor)
    _repoint_other_references(other, survivor)

    for name in take_from_other:
        attname = Contact._meta.get_field(name).attname
        setattr(survivor, attname, getattr(other, attname))
    # The persons of ``other`` are assigned to the survivor, as saving each with its new company would.
    persons_before, persons = {}, list(Contact.objects.filter(company=other).order_by("pk"))
    for person in persons:
        persons_before[person.pk] = copy(person)
        person.company_id = survivor.pk
        sync.inherit_from_company(person, survivor, setup, previous_company=other)
    sync.write_many(Contact, persons, {*sync.TRACKED_ATTS}, f"Merged into company {survivor.no}")
    MergedContact.objects.create(old_pk=other.pk, old_no=other.no, old_name=other.name, survivor=survivor,
                                 user=user if user is not None else history.current_user())
    other_pk = other.pk
    with sync.suspended():
        other.delete()
    survivor._change_reason = f"Merged contact {other.no} {other.name} into this one"
    survivor.save()  # a change set of one: the survivor's own changes reach its partners and persons
    del survivor._change_reason
    sync.finish(sync.ChangeSet(reason=f"Merged contact {other.no} into {survivor.no}", setup=setup,
                               contacts=persons_before, links=moved, relations={survivor.pk, *persons_before}))
    contacts_merged.send(sender=Contact, survivor=survivor, other_pk=other_pk, other_no=other.no)
    survivor.refresh_from_db()
    return survivor


def _repoint_other_references(other, survivor):
    """Documents and any other table with a foreign key to Contact follow the merge (history stays as it was).

    ``related_objects`` lists the reverse side of each foreign key: a ``ManyToOneRel``, whose
    ``one_to_many`` is true (one contact, many rows pointing at it).
    """
    handled = {ContactBusinessRelation, InteractionLogEntry, Contact, DuplicateSearchString, ContactDuplicate}
    for relation in Contact._meta.related_objects:
        model = relation.related_model
        if model in handled or not relation.one_to_many or model.__name__.startswith("Historical"):
            continue
        changes = {relation.field.name: survivor}
        if any(f.name == "version" for f in model._meta.concrete_fields):
            changes["version"] = F("version") + 1  # an edit form open on the row refuses to write the old contact back
        model._default_manager.filter(**{relation.field.name: other}).update(**changes)
