"""Reads for the contact and partner screens: querysets with their joins applied, so a page's query count
does not grow with its rows. (History of synchronized changes comes from ``contacts.selectors``.)"""

from django.db.models import Exists, OuterRef, Q

from contacts.models import Contact, ContactBusinessRelation

CONTACT_SORTS = {
    "no": "no", "name": "name", "type": "type", "company": "company_name", "city": "city",
    "country": "country_code", "relation": "contact_business_relation",
}


UNIQUE_SORTS = {"no"}


def sort_key(requested, allowed, default):
    """``requested`` like ``name`` or ``-name`` if allowed, else ``default``; returns (param, order_by).

    Non-unique columns get the primary key as tie-breaker so pages never overlap; a unique column
    (``no``) sorts alone, so its index serves the ORDER BY … LIMIT directly.
    """
    name = (requested or "").lstrip("-")
    if name not in allowed:
        requested, name = default, default.lstrip("-")
    descending = requested.startswith("-")
    field = allowed[name]
    order_by = [f"-{field}" if descending else field]
    if field not in UNIQUE_SORTS:
        order_by.append("-pk" if descending else "pk")
    return requested, order_by


def contact_list(*, filters, sort=None):
    """Contacts matching the list's search and filters, sorted; salesperson joined for the table."""
    qs = Contact.objects.select_related("salesperson")
    q = filters.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(no__icontains=q) | Q(name__icontains=q) | Q(company_name__icontains=q) | Q(email__icontains=q)
            | Q(phone_no__icontains=q) | Q(mobile_phone_no__icontains=q) | Q(city__icontains=q)
        )
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("relation"):
        qs = qs.filter(Exists(ContactBusinessRelation.objects.filter(
            contact=OuterRef("pk"), business_relation=filters["relation"])))
    if filters.get("salesperson"):
        qs = qs.filter(salesperson=filters["salesperson"])
    if filters.get("territory"):
        qs = qs.filter(territory=filters["territory"])
    if filters.get("country"):
        qs = qs.filter(country_code=filters["country"])
    sort, order_by = sort_key(sort, CONTACT_SORTS, "no")
    return sort, qs.order_by(*order_by)


def contact_for_card(pk):
    return (Contact.objects.select_related("company", "salesperson", "territory").get(pk=pk))


def relations_of(contact):
    """The contact's business relations with their partners (one query)."""
    return list(
        ContactBusinessRelation.objects.filter(contact=contact)
        .select_related("business_relation", "customer", "vendor", "bank_account", "primary_contact")
        .order_by("business_relation__code")
    )


def persons_of(company):
    return list(company.persons.order_by("name", "pk").only("pk", "no", "name", "job_title", "email", "phone_no"))


def sort_columns(current, columns):
    """Table headers: ``columns`` is [(label, sort key or None)]; a sorted column's link flips its order."""
    result = []
    for label, key in columns:
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        result.append({"label": label, "param": (f"-{key}" if state == "asc" else key) if key else None,
                       "state": state})
    return result


CONTACT_COLUMNS = [("No.", "no"), ("Name", "name"), ("Type", "type"), ("Company", "company"), ("City", "city"),
                   ("Country", "country"), ("Phone", None), ("E-mail", None), ("Relation", "relation"),
                   ("Salesperson", None)]
PARTNER_COLUMNS = [("No.", "no"), ("Name", "name"), ("City", "city"), ("Country", "country"), ("Phone", None),
                   ("E-mail", None)]


# ---------------------------------------------------------------------------------------------
# Create as / Link with existing
# ---------------------------------------------------------------------------------------------


def _partner_model(kind):
    from partners.kinds import get

    return get(kind).model


def partner_search(model, q):
    """Customers / vendors / bank accounts whose no., name, city, e-mail or phone contains ``q``."""
    qs = model.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(no__icontains=q) | Q(name__icontains=q) | Q(city__icontains=q) | Q(email__icontains=q)
                       | Q(phone_no__icontains=q))
    return qs


def partners_for_link(kind, q):
    """Partners of ``kind`` matching ``q``, each with ``linked_contact_no`` when linked to a contact already."""
    from django.db.models import Subquery

    qs = partner_search(_partner_model(kind), q)
    linked = ContactBusinessRelation.objects.filter(**{kind: OuterRef("pk")})
    return qs.annotate(
        linked_contact_no=Subquery(linked.values("contact__no")[:1]),
        linked_contact_name=Subquery(linked.values("contact__name")[:1]),
    ).order_by("no", "pk")


def partner_for_link(kind, pk):
    if not pk:
        return None
    try:
        related = ["territory"] + (["salesperson"] if kind == "customer" else [])
        return partners_for_link(kind, "").select_related(*related).get(pk=int(pk))
    except (ValueError, TypeError, _partner_model(kind).DoesNotExist):
        return None


def link_fields(kind):
    """The mapped fields whose winner the user can choose (both-ways fields, contact field names)."""
    from contacts.sync import BOTH_WAYS

    return list(BOTH_WAYS[kind])


def link_preview_rows(contact, partner, *, default="contact"):
    """The sync engine's preview of differing fields, as table rows with the preselected winner."""
    from contacts.services import link_preview

    return [{"field": item["field"], "label": str(item["label"]).capitalize(),
             "contact_value": "" if item["contact_value"] is None else str(item["contact_value"]),
             "partner_value": "" if item["partner_value"] is None else str(item["partner_value"]),
             "winner": default} for item in link_preview(contact, partner)]


def contacts_for_link(kind, q):
    """Contacts matching ``q`` for "Link with contact" on a partner card.

    Each row has ``linked_partner_no`` / ``linked_partner_name`` when the contact that would hold the link
    (a person's company, else the contact itself) already links a partner of ``kind``.
    """
    from django.db.models import Subquery
    from django.db.models.functions import Coalesce

    qs = Contact.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(no__icontains=q) | Q(name__icontains=q) | Q(company_name__icontains=q) | Q(city__icontains=q)
                       | Q(email__icontains=q) | Q(phone_no__icontains=q))
    linked = ContactBusinessRelation.objects.filter(
        contact_id=Coalesce(OuterRef("company_id"), OuterRef("pk")), link_to_table=kind)
    return qs.annotate(
        linked_partner_no=Subquery(linked.values(f"{kind}__no")[:1]),
        linked_partner_name=Subquery(linked.values(f"{kind}__name")[:1]),
    ).order_by("no", "pk")


def contact_for_link(kind, pk):
    if not pk:
        return None
    try:
        return contacts_for_link(kind, "").select_related("company", "territory", "salesperson").get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, Contact.DoesNotExist):
        return None
