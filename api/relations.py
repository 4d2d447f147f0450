"""/api/v1/relations (a contact's business relations; those with a partner are the links), link and unlink
through contacts.services, the drift of a link, and /api/v1/business-relation-codes."""

import hashlib
from typing import Literal

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from api import auth
from api.contacts import PROBLEMS
from api.errors import Problem, not_modified
from api.etag import none_match, required_version, stale
from api.idempotency import idempotent
from api.records import MAX_PAGE_SIZE, PAGE_SIZE
from api.schemas import Id
from contacts import selectors, services, sync
from contacts.models import BusinessRelation, ContactBusinessRelation
from partners import kinds

router = Router(tags=["relations"])
Kind = Literal["customer", "vendor", "bank_account"]
Winner = Literal["contact", "partner"]


class RelationOut(Schema):
    id: int
    contact: int
    contact_no: str
    business_relation: str
    link_to_table: str = Field(description="customer, vendor, bank_account, or \"\" for a relation without link")
    partner: int | None
    partner_no: str | None
    primary_contact: int | None
    version: str = Field(description="Changes when the row changes; the ETag")


class RelationPage(Schema):
    items: list[RelationOut]
    next_cursor: str | None


class CodeOut(Schema):
    code: str
    description: str


class LinkIn(Schema):
    contact: Id
    kind: Kind
    partner: Id
    master: Winner = Field("contact", description="Whose values win where they differ")
    fields: dict[str, Winner] = Field(default_factory=dict, description="Per mapped field: whose value wins")
    dry_run: bool = Field(False, description="Only preview what the link would change")


class PreviewField(Schema):
    field: str
    label: str
    contact_value: str | None
    partner_value: str | None
    winner: Winner
    result: str | None


class LinkPreview(Schema):
    dry_run: bool
    contact: int
    partner: int
    kind: Kind
    fields: list[PreviewField]


class DriftField(Schema):
    field: str
    contact_value: str | None
    partner_value: str | None


class DriftOut(Schema):
    relation: int
    drifting: bool
    fields: list[DriftField]


def _rows(user=None):
    """The relations of the contacts ``user`` sees (every relation when no user: after a write)."""
    rows = ContactBusinessRelation.objects.select_related("contact", "business_relation", *sync.KINDS)
    return rows if user is None else rows.filter(contact__in=selectors.visible_contacts(user).values("pk"))


def _version(row) -> str:
    text = f"{row.contact_id}|{row.business_relation_id}|{row.link_to_table}|{row.customer_id}|{row.vendor_id}|" \
           f"{row.bank_account_id}|{row.primary_contact_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def serialize(row) -> dict:
    partner = row.partner
    return {"id": row.pk, "contact": row.contact_id, "contact_no": row.contact.no,
            "business_relation": row.business_relation.code, "link_to_table": row.link_to_table,
            "partner": partner.pk if partner else None, "partner_no": partner.no if partner else None,
            "primary_contact": row.primary_contact_id, "version": _version(row)}


def _found(pk, user=None):
    row = _rows(user).filter(pk=pk).first()
    if row is None:
        raise Problem(404, f"There is no business relation with id {pk}.", slug="not-found")
    return row


def _text(value):
    return None if value is None else str(value)


@router.get("/relations", response={200: RelationPage, **PROBLEMS})
def relation_list(request, contact: Id | None = None, link_to_table: Kind | None = None,
                  cursor: Id | None = Query(None, description="The last id of the previous page"),
                  limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    auth.require(request, "contacts.view_contact")
    rows = _rows(request.user).order_by("pk")
    if contact is not None:
        rows = rows.filter(contact_id=contact)
    if link_to_table:
        rows = rows.filter(link_to_table=link_to_table)
    if cursor:
        rows = rows.filter(pk__gt=cursor)
    batch = list(rows[:limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    return {"items": [serialize(row) for row in batch], "next_cursor": str(batch[-1].pk) if more else None}


@router.get("/relations/{id}", response={200: RelationOut, 304: None, **PROBLEMS})
def relation_detail(request, id: Path[Id]):
    auth.require(request, "contacts.view_contact")
    data = serialize(_found(id, request.user))
    etag = f'"{data["version"]}"'
    if none_match(request, etag):
        return not_modified(etag)
    response = JsonResponse(data)
    response["ETag"] = etag
    return response


def _may_link(request, kind):
    auth.require(request, "contacts.view_contact", "contacts.change_contact", kind.perm("view"), kind.perm("change"))


@router.post("/relations", response={201: RelationOut, 200: LinkPreview, **PROBLEMS})
def relation_create(request, payload: LinkIn):
    """Link a contact with an existing customer, vendor or bank account (``contacts.services.link_contact``);
    ``dry_run`` returns the fields that differ and the value each would get, and the refusal if any."""
    kind = kinds.get(payload.kind)
    _may_link(request, kind)
    contact = selectors.visible_contacts(request.user).filter(pk=payload.contact).first()
    partner = kind.model.objects.filter(pk=payload.partner).first()
    missing = [(name, what) for name, what, obj in (("contact", "contact", contact),
                                                    ("partner", kind.label, partner)) if obj is None]
    if missing:
        raise Problem(422, " ".join(f"There is no {what} with id {getattr(payload, name)}." for name, what in missing),
                      slug="validation", errors=[{"field": name, "rule": "does_not_exist", "message": f"No such {what}."}
                                                 for name, what in missing])
    if payload.dry_run:
        preview = selectors.link_preview(contact, partner)
        with transaction.atomic():
            services.link_contact(contact, partner, master=payload.master, fields=payload.fields)  # refusals
            transaction.set_rollback(True)
        fields = []
        for item in preview:
            winner = payload.fields.get(item["field"], payload.master)
            fields.append({"field": item["field"], "label": str(item["label"]),
                           "contact_value": _text(item["contact_value"]), "partner_value": _text(item["partner_value"]),
                           "winner": winner,
                           "result": _text(item["contact_value"] if winner == "contact" else item["partner_value"])})
        return Status(200, {"dry_run": True, "contact": contact.pk, "partner": partner.pk, "kind": kind.key,
                     "fields": fields})

    def make():
        link = services.link_contact(contact, partner, master=payload.master, fields=payload.fields)
        data = serialize(_found(link.pk))
        response = JsonResponse(data, status=201)
        response["ETag"] = f'"{data["version"]}"'
        response["Location"] = f"{request.path.rstrip('/')}/{link.pk}"
        return response

    return idempotent(request, payload.model_dump(mode="json"), make)


@router.delete("/relations/{id}", response={204: None, **PROBLEMS})
def relation_delete(request, id: Path[Id]):
    """Unlink (``contacts.services.unlink``): both records stay. Only links (rows with a partner) go here."""
    row = _found(id, request.user)
    if not row.link_to_table:
        raise Problem(422, "Only a link to a customer, vendor or bank account can be removed here.",
                      slug="not-a-link", errors=[{"field": "link_to_table", "rule": "required",
                                                  "message": "This relation has no partner."}])
    kind = kinds.get(row.link_to_table)
    _may_link(request, kind)
    version = required_version_text(request)
    with transaction.atomic():
        sync.lock_contacts([row.contact_id])
        current = _rows().filter(pk=id).first()
        if current is None or _version(current) != version:
            raise stale(serialize(current) if current else None, f"Business relation {id}")
        services.unlink(current.contact, kind.key)
    return HttpResponse(status=204)


def required_version_text(request) -> str:
    header = request.headers.get("If-Match")
    if not header:
        required_version(request)  # raises 428
    return header.strip().removeprefix("W/").strip('"')


@router.get("/relations/{id}/drift", response={200: DriftOut, **PROBLEMS})
def relation_drift(request, id: Path[Id]):
    """Where a link's contact and partner disagree on a mapped field (``sync_check`` does this for all)."""
    auth.require(request, "contacts.view_contact")
    row = _found(id, request.user)
    if not row.link_to_table:
        return {"relation": row.pk, "drifting": False, "fields": []}
    drift = next((d for d in sync.find_drift(row.link_to_table, contact_ids=[row.contact_id]) if d.link_id == row.pk),
                 None)
    fields = [{"field": name, "contact_value": _text(c), "partner_value": _text(p)}
              for name, c, p in (drift.fields if drift else [])]
    return {"relation": row.pk, "drifting": bool(fields), "fields": fields}


@router.get("/business-relation-codes", response={200: list[CodeOut], **PROBLEMS})
def relation_codes(request):
    auth.require(request, "contacts.view_contact")
    return list(BusinessRelation.objects.order_by("code").values("code", "description"))
