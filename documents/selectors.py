"""Reads for the documents screens: querysets with what each screen touches already joined."""

from django.db.models import Prefetch, Q

from contacts.models import Contact, InteractionLogEntry
from crm.search import matches

from .models import PurchaseLine, SalesHeader, SalesLine


def document_list(model, *, document_type: str = "", q: str = ""):
    """Documents of one side, newest number first, with ``total_amount`` annotated (one query per page)."""
    partner = "sell_to_customer" if model is SalesHeader else "buy_from_vendor"
    contact = "sell_to_contact" if model is SalesHeader else "buy_from_contact"
    documents = model.objects.with_totals().select_related(partner, contact).order_by("-created_at", "-pk")
    if document_type in model.DocumentType.values:
        documents = documents.filter(document_type=document_type)
    q = (q or "").strip()
    if q:
        documents = documents.filter(matches(q, "no", "name", f"{contact}__name", "external_document_no")
                                     | Q(**{f"{partner}__no__iexact": q}))
    return documents


def document_for_card(model, pk: int):
    """One document with its parties, salesperson/purchaser and lines (two queries)."""
    if model is SalesHeader:
        related = ("sell_to_customer", "sell_to_contact", "bill_to_contact", "salesperson", "customer_template",
                   "quote")
        lines = SalesLine.objects.order_by("line_no")
    else:
        related = ("buy_from_vendor", "buy_from_contact", "pay_to_contact", "purchaser", "quote")
        lines = PurchaseLine.objects.order_by("line_no")
    return model.objects.select_related(*related).prefetch_related(Prefetch("lines", queryset=lines)).get(pk=pk)


def contact_interactions(contact: Contact, *, limit: int = 50):
    """A contact's interaction log, newest first; a company's includes its persons' entries."""
    entries = InteractionLogEntry.objects.select_related("template", "user", "contact")
    if contact.is_company:
        entries = entries.filter(Q(contact=contact) | Q(contact__company=contact))
    else:
        entries = entries.filter(contact=contact)
    return entries.order_by("-logged_at", "-pk")[:limit]


def contact_documents(model, contact: Contact, *, limit: int = 10):
    """The documents a contact (or, for a company, one of its persons) is the sell-to/buy-from contact of."""
    field = "sell_to_contact" if model is SalesHeader else "buy_from_contact"
    documents = model.objects.with_totals().order_by("-created_at", "-pk")
    if contact.is_company:
        documents = documents.filter(Q(**{field: contact}) | Q(**{f"{field}__company": contact}))
    else:
        documents = documents.filter(**{field: contact})
    return documents[:limit]

