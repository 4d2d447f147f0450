"""/api/v1/documents (sales and purchase documents, read), a quote made from a contact
(``documents.services.sales_document_from_contact``), and a contact's interactions (read)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import JsonResponse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from api import auth
from api.contacts import CONTACTS, PROBLEMS
from api.errors import Problem
from api.idempotency import idempotent
from api.records import MAX_PAGE_SIZE, PAGE_SIZE
from api.schemas import Id
from documents import selectors, services
from documents.models import PurchaseHeader, SalesHeader
from partners.models import CustomerTemplate

router = Router(tags=["documents"])
SIDES = {"sales": SalesHeader, "purchase": PurchaseHeader}
PARTIES = {"sales": ("sell_to_customer", "sell_to_contact", "bill_to_contact"),
           "purchase": ("buy_from_vendor", "buy_from_contact", "pay_to_contact")}


class LineOut(Schema):
    line_no: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    line_discount_pct: Decimal
    amount: Decimal


class DocumentOut(Schema):
    id: int
    side: Literal["sales", "purchase"]
    document_type: str
    no: str
    status: str
    order_date: date
    partner: int | None = Field(description="Sell-to customer or buy-from vendor")
    contact: int | None = Field(description="Sell-to or buy-from contact")
    bill_to_contact: int | None
    name: str
    version: int
    created_at: datetime
    lines: list[LineOut]


class DocumentSummary(Schema):
    id: int
    side: Literal["sales", "purchase"]
    document_type: str
    no: str
    status: str
    order_date: date
    partner: int | None
    contact: int | None
    name: str


class DocumentPage(Schema):
    items: list[DocumentSummary]
    next_cursor: str | None


class InteractionOut(Schema):
    id: int
    contact: int
    template: str
    logged_at: datetime
    description: str
    document_type: str
    document_no: str
    user: str | None


class QuoteIn(Schema):
    template: str | None = Field(None, max_length=20, description="Customer template code (a quote without "
                                                                  "customer)")


def _summary(side, doc) -> dict:
    partner, contact, _ = PARTIES[side]
    return {"id": doc.pk, "side": side, "document_type": doc.document_type, "no": doc.no, "status": doc.status,
            "order_date": doc.order_date, "partner": getattr(doc, f"{partner}_id"),
            "contact": getattr(doc, f"{contact}_id"), "name": doc.name}


def _full(side, doc) -> dict:
    data = _summary(side, doc)
    data.update(bill_to_contact=getattr(doc, f"{PARTIES[side][2]}_id"), version=doc.version,
                created_at=doc.created_at,
                lines=[{"line_no": line.line_no, "description": line.description, "quantity": line.quantity,
                        "unit_price": line.unit_price, "line_discount_pct": line.line_discount_pct,
                        "amount": line.amount} for line in doc.lines.all()])
    return data


def _perm(side):
    return f"documents.view_{SIDES[side]._meta.model_name}"


@router.get("/documents/{side}", response={200: DocumentPage, **PROBLEMS})
def document_list(request, side: Literal["sales", "purchase"], document_type: str | None = Query(None, max_length=20),
                  q: str | None = Query(None, max_length=100), cursor: Id | None = None,
                  limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    auth.require(request, _perm(side))
    rows = selectors.document_list(SIDES[side], document_type=document_type or "", q=q or "").order_by("-pk")
    if cursor:
        rows = rows.filter(pk__lt=cursor)
    batch = list(rows[:limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    return {"items": [_summary(side, doc) for doc in batch], "next_cursor": str(batch[-1].pk) if more else None}


@router.get("/documents/{side}/{id}", response={200: DocumentOut, **PROBLEMS})
def document_detail(request, side: Literal["sales", "purchase"], id: Path[Id]):
    auth.require(request, _perm(side))
    try:
        doc = selectors.document_for_card(SIDES[side], id)
    except SIDES[side].DoesNotExist:
        raise Problem(404, f"There is no {side} document with id {id}.", slug="not-found") from None
    response = JsonResponse(DocumentOut(**_full(side, doc)).model_dump(mode="json"))
    response["ETag"] = f'"{doc.version}"'
    return response


@router.post("/contacts/{id}/quotes", response={201: DocumentOut, **PROBLEMS})
def quote_from_contact(request, id: Path[Id], payload: QuoteIn):
    """A sales quote for the contact (``documents.services.sales_document_from_contact``), as the card's button."""
    auth.require(request, "contacts.view_contact", "documents.add_salesheader")
    contact = CONTACTS.find(id, request.user)

    def make():
        template = None
        if payload.template:

            template = CustomerTemplate.objects.filter(code=payload.template).first()
            if template is None:
                raise Problem(422, f"There is no customer template {payload.template}.", slug="validation",
                              errors=[{"field": "template", "rule": "does_not_exist", "message": "No such template."}])
        quote = services.sales_document_from_contact(contact, "quote", template=template)
        doc = selectors.document_for_card(SalesHeader, quote.pk)
        response = JsonResponse(DocumentOut(**_full("sales", doc)).model_dump(mode="json"), status=201)
        response["Location"] = f"/api/v1/documents/sales/{doc.pk}"
        return response

    return idempotent(request, payload.model_dump(), make)


@router.get("/contacts/{id}/interactions", response={200: list[InteractionOut], **PROBLEMS})
def contact_interactions(request, id: Path[Id], limit: int = Query(50, ge=1, le=200)):
    auth.require(request, "contacts.view_contact", "contacts.view_interactionlogentry")
    entries = selectors.contact_interactions(CONTACTS.find(id, request.user), limit=limit)
    return [{"id": e.pk, "contact": e.contact_id, "template": e.template.code, "logged_at": e.logged_at,
             "description": e.description, "document_type": e.document_type, "document_no": e.document_no,
             "user": e.user.get_username() if e.user else None} for e in entries]
