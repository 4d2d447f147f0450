"""Every read of the contact screens and the link dialogs: querysets with their joins applied, so a page's
query count does not grow with its rows.

The change history of a contact (or partner) is read by ``crm.change_history`` and offered here too.
Writes are in ``contacts.services``.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from contacts import sync
from contacts.duplicates import index as duplicate_index
from contacts.models import BusinessRelationSummary, Contact, ContactBusinessRelation, ContactDuplicate, \
    InteractionLogEntry, LinkToTable, MarketingSetup, MatchReview, MergedContact, contact_delete_consequences
from crm.change_history import FieldChange, change_history
from crm.search import LOOKUP_LIMIT, lookup_label, matches
from crm.sorting import sort_key
from partners import kinds
from partners.kinds import PartnerKind
from partners.models import ContactType, CustomerTemplate
from partners.selectors import partner_search

__all__ = [
    "FieldChange", "change_history", "sees_every_contact", "visible_contacts", "duplicate_pair", "CONTACT_COLUMNS",
    "contact_list", "contact_lookup", "contact_for_card",
    "contact_by_pk",
    "relations_of", "persons_of", "partners_for_link", "partner_for_link", "link_fields", "contacts_for_link",
    "contact_for_link", "partner_link", "link_preview", "templates_for", "partner_contact", "contact_of",
    "relation_refusals", "partner_side_refusals",
    "merged_into", "merged_contacts", "contact_or_none", "delete_consequences", "delete_preview",
    "duplicates_of_contact_from", "duplicate_pairs", "duplicates_found_by_last_save",
]

CONTACT_SORTS = {
    "no": "no", "name": "name", "type": "type", "company": "company_name", "city": "city",
    "country": "country_code", "relation": "contact_business_relation",
}
CONTACT_COLUMNS = [("No.", "no"), ("Name", "name"), ("Type", "type"), ("Company", "company"), ("City", "city"),
                   ("Country", "country"), ("Phone", None), ("E-mail", None), ("Relation", "relation"),
                   ("Salesperson", None)]
MAX_PK = 2**63 - 1


def _pk(value):
    """``value`` (from a query string or form) as a primary key, or None when it cannot be one."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_PK else None


# ---------------------------------------------------------------------------------------------
# Which contacts a user sees (README "Using the application": the roles): every read below starts here
# ---------------------------------------------------------------------------------------------


def sees_every_contact(user) -> bool:
    """Sales, Purchasing and Administrators (anyone who may see customers or vendors, or no partner at all)
    see every contact; Finance — bank accounts only — sees the contacts of banks."""
    return (user.is_superuser or user.has_perm("partners.view_customer") or user.has_perm("partners.view_vendor")
            or not user.has_perm("partners.view_bankaccount"))


def _bank_contacts() -> Q:
    """A company linked to a bank account, and the persons of such a company."""
    bank_links = ContactBusinessRelation.objects.filter(link_to_table=LinkToTable.BANK_ACCOUNT)
    return Q(Exists(bank_links.filter(contact_id=OuterRef("pk")))) | Q(
        Exists(bank_links.filter(contact_id=OuterRef("company_id"))))


def visible_contacts(user):
    """The contacts ``user`` may see: the rows of the list, the export, the lookups, the duplicates page, and
    the only ones whose card opens (any other answers 404, as if it did not exist)."""
    if sees_every_contact(user):
        return Contact.objects.all()
    return Contact.objects.filter(_bank_contacts())


# ---------------------------------------------------------------------------------------------
# List, card, delete
# ---------------------------------------------------------------------------------------------


def contact_list(*, filters, user, sort=None):
    """(sort parameter, the contacts ``user`` sees matching the list's search and filters in that order);
    salesperson joined."""
    qs = visible_contacts(user).select_related("salesperson")
    q = filters.get("q", "").strip()
    if q:
        qs = qs.filter(matches(q, "no", "name", "company_name", "email", "phone_no", "mobile_phone_no", "city"))
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("relation"):
        # the rows the Relation column is made of: a person with a company has its company's relations too
        qs = qs.filter(Exists(sync.summary_rows(OuterRef("pk"), OuterRef("company_id")).filter(
            business_relation=filters["relation"])))
    if filters.get("salesperson"):
        qs = qs.filter(salesperson=filters["salesperson"])
    if filters.get("territory"):
        qs = qs.filter(territory=filters["territory"])
    if filters.get("country"):
        qs = qs.filter(country_code=filters["country"])
    sort, order_by = sort_key(sort, CONTACT_SORTS, "no", search=q)
    return sort, qs.order_by(*order_by)


def contact_lookup(q, *, user=None, company_only=False):
    """Up to ``LOOKUP_LIMIT`` (number, "name · city") pairs of the contacts ``user`` sees matching ``q``, for
    the number fields' suggestions (a person's company, a document's contact); none for a blank ``q``.
    Without a user every contact (the documents' forms: their roles see every contact)."""
    if not (q or "").strip():
        return []
    qs = (visible_contacts(user) if user is not None else Contact.objects.all()).filter(
        matches(q, "no", "name", "company_name", "city"))
    if company_only:
        qs = qs.filter(type=ContactType.COMPANY)
    rows = qs.order_by("name", "no").values_list("no", "name", "city")[:LOOKUP_LIMIT]
    return [(no, lookup_label(name, city)) for no, name, city in rows]


def contact_for_card(pk, *, user):
    """The contact with the card's joins; ``Contact.DoesNotExist`` when there is none that ``user`` sees."""
    return visible_contacts(user).select_related("company", "salesperson", "territory").get(pk=pk)


def contact_or_none(value, *, user):
    """The contact ``user`` sees whose id ``value`` (from a query string) names, or None."""
    pk = _pk(value)
    return visible_contacts(user).filter(pk=pk).first() if pk is not None else None


def contact_by_pk(pk, *, user):
    """The bare contact row; ``Contact.DoesNotExist`` when there is none that ``user`` sees."""
    return visible_contacts(user).get(pk=pk)


def merged_into(pk):
    """The record of the contact ``pk`` merged into another (with its survivor), or None when it was not."""
    pk = _pk(pk)
    if pk is None:
        return None
    return MergedContact.objects.select_related("survivor").filter(old_pk=pk).first()


def merged_contacts(contact, *, limit=5, history_limit=10):
    """The latest contacts merged into ``contact``, each with ``history``: its own change history, kept
    under its old id (a few queries per merged contact, at most ``limit`` of them)."""
    merged = list(MergedContact.objects.filter(survivor=contact).select_related("user")[:limit])
    for record in merged:
        record.history = change_history(Contact(pk=record.old_pk), limit=history_limit)
    return merged


def delete_consequences(contact_ids) -> list:
    """What deleting these contacts does to other apps' records (``DeleteConsequence`` items, blocking first)."""
    contact_ids = list(contact_ids)
    found = [item for _, items in contact_delete_consequences.send(sender=Contact, contact_ids=contact_ids)
             for item in items or ()]
    return sorted(found, key=lambda item: not item.blocks)


def delete_preview(contact) -> dict:
    """Everything the delete confirmation page says will happen (a few queries, whatever the contact holds).

    ``persons`` deleted with a company; ``links`` removed (the partners stay); ``primary_of``: links of
    other contacts whose primary contact goes (the partner's contact text is cleared); ``interactions``
    deleted with it (how many); ``blocking`` / ``other_records``: other apps' records (documents) that
    refuse the delete, or what becomes of them.
    """
    persons = persons_of(contact) if contact.is_company else []
    ids = [contact.pk, *(p.pk for p in persons)]
    consequences = delete_consequences(ids)
    return {
        "persons": persons,
        "links": [rel for rel in relations_of(contact) if rel.link_to_table],
        "primary_of": list(ContactBusinessRelation.objects.filter(primary_contact_id__in=ids)
                           .exclude(contact_id__in=ids).exclude(link_to_table="")
                           .select_related("primary_contact", *sync.KINDS)),
        "interactions": InteractionLogEntry.objects.filter(contact_id__in=ids).count(),
        "blocking": [item for item in consequences if item.blocks],
        "other_records": [item for item in consequences if not item.blocks],
    }


def relations_of(contact):
    """The contact's business relations with their partners (one query)."""
    return list(
        ContactBusinessRelation.objects.filter(contact=contact)
        .select_related("business_relation", "customer", "vendor", "bank_account", "primary_contact")
        .order_by("business_relation__code")
    )


def persons_of(company):
    return list(company.persons.order_by("name", "pk").only("pk", "no", "name", "job_title", "email", "phone_no"))


# ---------------------------------------------------------------------------------------------
# Link with existing (contact card) and Link with contact (partner card)
# ---------------------------------------------------------------------------------------------


def not_set_up(kind: PartnerKind) -> str:
    """Why nothing of ``kind`` can be linked: Marketing Setup has no business relation code for it, in words
    a sales user can act on."""
    return (f"{kind.plural_title} are not synchronized yet: ask your administrator to set them up in "
            "Marketing Setup.")


def relation_refusals(contact) -> dict[str, str]:
    """Why "Create as" / "Link with existing" of each kind (by key) cannot be done for ``contact`` — blank when
    it can — so that the card's menus say it before the user starts. The same checks as the services'
    ``sync.check_linkable`` (setup code, privacy, a person's company), read without locking."""
    setup = MarketingSetup.load()
    refusals = {}
    for kind in kinds.KINDS.values():
        try:
            if setup.code_for(kind.key) is None:
                raise ValidationError(not_set_up(kind))
            sync.check_not_privacy_blocked(contact)
            target = sync.target_contact(contact, kind.key)
            if target.pk != contact.pk:
                sync.check_not_privacy_blocked(target)
        except ValidationError as exc:
            refusals[kind.key] = " ".join(exc.messages)
        else:
            refusals[kind.key] = ""
    return refusals


def partner_side_refusals(kind: PartnerKind) -> dict[str, str]:
    """Why a partner card's "Link with contact" / "Create contact" cannot be done (blank when it can)."""
    setup = MarketingSetup.load()
    if setup.code_for(kind.key) is None:
        return {"link": not_set_up(kind), "create_contact": not_set_up(kind)}
    if setup.contact_nos_id is None:
        return {"link": "", "create_contact": "New contacts cannot be numbered yet: ask your administrator to "
                                              "set up Contact Nos. in Marketing Setup."}
    return {"link": "", "create_contact": ""}


def partners_for_link(kind: PartnerKind, q):
    """Partners of ``kind`` matching ``q``, each with ``linked_contact_no`` / ``linked_contact_name`` when
    linked to a contact already; those that can be chosen first, the linked ones after (each by number)."""
    linked = ContactBusinessRelation.objects.filter(**{kind.key: OuterRef("pk")})
    return partner_search(kind.model, q).annotate(
        linked_contact_no=Subquery(linked.values("contact__no")[:1]),
        linked_contact_name=Subquery(linked.values("contact__name")[:1]),
        is_linked=Exists(linked),
    ).order_by("is_linked", "no", "pk")


def partner_for_link(kind: PartnerKind, pk):
    """The partner chosen in a link dialog (annotated as in ``partners_for_link``), or None for a bad id."""
    pk = _pk(pk)
    if pk is None:
        return None
    return partners_for_link(kind, "").select_related(*kind.related).filter(pk=pk).first()


def link_fields(kind: PartnerKind):
    """The mapped fields whose winner the user can choose (both-ways fields, contact field names)."""
    return list(sync.BOTH_WAYS[kind.key])


def contacts_for_link(kind: PartnerKind, q, *, user):
    """Contacts matching ``q`` for "Link with contact" on a partner card: those ``user`` sees and, for a user
    who sees only some (Finance), also the contacts with no business relation yet (a bank's contact before
    its first bank account is linked).

    Each row has ``linked_partner_no`` / ``linked_partner_name`` when the contact that would hold the link
    (a person's company, else the contact itself) already links a partner of ``kind``; those that can be
    chosen come first, the linked ones after (each by number).
    """
    qs = Contact.objects.all()
    if not sees_every_contact(user):
        qs = qs.filter(_bank_contacts() | Q(contact_business_relation=BusinessRelationSummary.NONE))
    q = (q or "").strip()
    if q:
        qs = qs.filter(matches(q, "no", "name", "company_name", "city", "email", "phone_no"))
    linked = ContactBusinessRelation.objects.filter(
        contact_id=Coalesce(OuterRef("company_id"), OuterRef("pk")), link_to_table=kind.key)
    return qs.annotate(
        linked_partner_no=Subquery(linked.values(f"{kind.key}__no")[:1]),
        linked_partner_name=Subquery(linked.values(f"{kind.key}__name")[:1]),
        is_linked=Exists(linked),
    ).order_by("is_linked", "no", "pk")


def contact_for_link(kind: PartnerKind, pk, *, user):
    """The contact chosen in "Link with contact" (annotated as in ``contacts_for_link``), or None for a bad id."""
    pk = _pk(pk)
    if pk is None:
        return None
    return (contacts_for_link(kind, "", user=user).select_related("company", "territory", "salesperson")
            .filter(pk=pk).first())


def duplicates_of_contact_from(kind: PartnerKind, partner, *, user) -> list[dict]:
    """Existing contacts that the contact "Create contact" would make from ``partner`` looks like, best first.

    The would-be contact is scored against the duplicate index as ``create_contacts_from --dry-run``
    scores its new contacts (nothing written); Marketing Setup decides as for any new contact: with
    Autosearch for Duplicates (or Maintain Dupl. Search Strings) off there is no check and no candidate.
    Each item: ``{"contact", "score", "reasons"}``; the contact annotated as in ``contacts_for_link``
    (``linked_partner_no``: it links another partner of ``kind`` already).
    """
    setup = MarketingSetup.load()
    if not setup.autosearch_for_duplicates:
        return []
    would_be = sync.contact_from_partner(partner, kind.key)
    found = {max(lo, hi): (score, reasons) for lo, hi, score, reasons
             in duplicate_index.find_for_new_contacts([would_be], dry_run=True, setup=setup)}
    if not found:
        return []
    contacts = contacts_for_link(kind, "", user=user).filter(pk__in=list(found))
    items = [{"contact": c, "score": found[c.pk][0], "reasons": found[c.pk][1]} for c in contacts]
    return sorted(items, key=lambda item: (-item["score"], item["contact"].no))


def duplicate_pairs(*, user, contact_pk=None):
    """Pairs still to review (the Duplicates page) whose two contacts ``user`` sees, best first; with
    ``contact_pk`` only that contact's (an id that cannot be one: none)."""
    pairs = duplicate_index.open_pairs()
    if not sees_every_contact(user):
        visible = visible_contacts(user).values("pk")
        pairs = pairs.filter(contact__in=visible, duplicate__in=visible)
    if contact_pk in (None, ""):
        return pairs
    pk = _pk(contact_pk)
    return pairs.filter(Q(contact_id=pk) | Q(duplicate_id=pk)) if pk else pairs.none()


def duplicate_pair(pk, *, user, related=()):
    """A pair of the Duplicates page ``user`` sees both contacts of; ``ContactDuplicate.DoesNotExist`` else."""
    pairs = ContactDuplicate.objects.select_related(*related) if related else ContactDuplicate.objects.all()
    if not sees_every_contact(user):
        visible = visible_contacts(user).values("pk")
        pairs = pairs.filter(contact__in=visible, duplicate__in=visible)
    return pairs.get(pk=_pk(pk) or 0)


def duplicates_found_by_last_save(contact, *, user, limit=5):
    """The open pairs of ``contact`` that its creation or last save found (of those ``user`` sees): the
    duplicate index stores them (``found_at``) after the row was written (``updated_at``) in the same
    change set."""
    return list(duplicate_pairs(user=user, contact_pk=contact.pk).filter(found_at__gte=contact.updated_at)[:limit])


def partner_link(partner, kind: PartnerKind):
    """The link row of ``partner`` with its contact and primary contact, or None when it has no contact."""
    return (ContactBusinessRelation.objects.filter(**{kind.key: partner})
            .select_related("contact", "primary_contact").first())


def link_preview(contact, partner) -> list[dict]:
    """The mapped fields whose values differ between ``contact`` (its company for a person) and ``partner``.

    Each item: ``{"field", "label", "contact_value", "partner_value"}`` (values as shown, FKs as text).
    """
    kind = sync.kind_of(partner)
    if contact.type == ContactType.PERSON and contact.company_id:
        contact = contact.company
    items = []
    for name in sync.differing_fields(contact, partner, kind, both_ways_only=True):
        partner_field = sync.BOTH_WAYS[kind][name]
        items.append({
            "field": name,
            "label": Contact._meta.get_field(name).verbose_name,
            "contact_value": getattr(contact, name),
            "partner_value": getattr(partner, partner_field),
        })
    return items


def templates_for(kind: str, contact_type: str):
    """The templates a ``kind`` partner made from a contact of ``contact_type`` may use (none for banks)."""
    model = kinds.get(kind).template_model
    if model is None:
        return CustomerTemplate.objects.none()
    return model.objects.filter(contact_type=contact_type).order_by("code")


def partner_contact(contact, kind: str):
    """The contact a partner of ``kind`` made from ``contact`` belongs to (a person's company); a
    ValidationError when there is none (a stand-alone person and a vendor or bank account)."""
    return sync.target_contact(contact, kind)


def contact_of(partner):
    """The contact linked to ``partner``, or None."""
    link = ContactBusinessRelation.objects.filter(**{sync.kind_of(partner): partner}).select_related("contact").first()
    return link.contact if link else None


def match_reviews(kind: str):
    """The pairs ``link_contacts`` left for a person to decide for one partner kind, most likely first."""
    return MatchReview.objects.filter(kind=kind, status=MatchReview.Status.PENDING).select_related("contact")


def match_review_counts() -> dict:
    """{kind key: pairs to review} for the kinds that have any."""
    return dict(MatchReview.objects.filter(status=MatchReview.Status.PENDING).values("kind")
                .annotate(n=Count("pk")).values_list("kind", "n"))
