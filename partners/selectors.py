"""Reads of the customer, vendor and bank account screens: querysets with their joins applied, so a page's
query count does not grow with its rows."""

from crm.search import LOOKUP_LIMIT, lookup_label, matches
from crm.sorting import sort_key
from partners.kinds import PartnerKind

SORTS = {"no": "no", "name": "name", "city": "city", "country": "country_code"}
COLUMNS = [("No.", "no"), ("Name", "name"), ("City", "city"), ("Country", "country"), ("Phone", None),
           ("E-mail", None)]


def partner_search(model, q):
    """Customers / vendors / bank accounts whose no., name, city, e-mail or phone contains ``q``."""
    qs = model.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(matches(q, "no", "name", "city", "email", "phone_no"))
    return qs


def partner_lookup(kind: PartnerKind, q):
    """Up to ``LOOKUP_LIMIT`` (number, "name · city") pairs of the partners of ``kind`` matching ``q``, for
    the number fields' suggestions (a document's customer or vendor); none for a blank ``q``."""
    if not (q or "").strip():
        return []
    rows = partner_search(kind.model, q).order_by("name", "no").values_list("no", "name", "city")[:LOOKUP_LIMIT]
    return [(no, lookup_label(name, city)) for no, name, city in rows]


def partner_list(kind: PartnerKind, *, q=None, sort=None):
    """(sort parameter, partners of ``kind`` matching ``q`` in that order), with the list's joins."""
    sort, order_by = sort_key(sort, SORTS, "no", search=q)
    return sort, partner_search(kind.model, q).select_related(*kind.related).order_by(*order_by)


def partner_for_card(kind: PartnerKind, pk):
    """The partner with the card's joins; ``DoesNotExist`` when there is none."""
    return kind.model.objects.select_related(*kind.related).get(pk=pk)


def partner_by_pk(kind: PartnerKind, pk):
    """The bare partner row (no joins); ``DoesNotExist`` when there is none."""
    return kind.model.objects.get(pk=pk)
