"""/api/v1/customers, /vendors, /bank-accounts: list, retrieve, create, PATCH, DELETE and the change history, one
set of operations per kind (partners.kinds), through the partner cards' edit forms: a save synchronizes the
linked contact exactly as a save on the card does."""

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from api import auth, schemas
from api.contacts import PROBLEMS, history_items
from api.errors import Problem
from api.idempotency import idempotent
from api.records import MAX_PAGE_SIZE, PAGE_SIZE, Resource, updated_since
from crm.change_history import change_history
from partners import kinds, selectors
from partners.forms import edit_form_class

router = Router(tags=["partners"])

SHAPES = {
    "customer": (schemas.CustomerOut, schemas.CustomerWrite, schemas.CustomerPage),
    "vendor": (schemas.VendorOut, schemas.VendorWrite, schemas.VendorPage),
    "bank_account": (schemas.BankAccountOut, schemas.BankAccountWrite, schemas.BankAccountPage),
}
PERSON_FIELD = {"customer": "salesperson", "vendor": "purchaser", "bank_account": "our_contact"}


def _delete(kind):
    def delete(partner):
        label = f"{partner.no} {partner.name}"
        try:
            with transaction.atomic():
                partner.delete()
        except (ProtectedError, RestrictedError) as exc:
            count = len(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)
            raise Problem(409, f"{kind.title} {label} cannot be deleted: {count} document{'s' if count != 1 else ''} "
                               f"still refer{'' if count != 1 else 's'} to it. Delete or change those documents "
                               "first.", slug="in-use") from None
    return delete


RESOURCES = {
    key: Resource(name=key, model=kind.model, out=SHAPES[key][0], form_class=edit_form_class(kind.model),
                  perm=kind.perm, get=lambda pk, user, kind=kind: selectors.partner_for_card(kind, pk),
                  delete=_delete(kind), describe=lambda p, kind=kind: f"{kind.title} {p.no}",
                  readonly_on_edit=("no",))
    for key, kind in kinds.KINDS.items()
}


class PartnerFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Search number, name, city, e-mail, phone.")
    salesperson: str | None = Field(None, max_length=20,
                                    description="Salesperson (customers), purchaser (vendors), our contact (banks)")
    territory: str | None = Field(None, max_length=10, description="Territory code")
    country: str | None = Field(None, max_length=2, description="ISO 3166 alpha-2")
    updated_since: str | None = Field(None, max_length=40, description="ISO 8601 date and time")
    sort: str = Field("id", pattern=r"^-?(id|no|name|updated_at|created_at)$")
    cursor: str | None = Field(None, max_length=400)
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    fields: str | None = Field(None, max_length=1000, description="Comma-separated field names (sparse fields)")


def _register(kind):
    resource = RESOURCES[kind.key]
    out, write, page = SHAPES[kind.key]
    base = f"/{kind.word}"
    key = kind.key

    @router.get(base, response={200: page, **PROBLEMS}, exclude_unset=True, operation_id=f"{key}_list",
                summary=f"List {kind.plural}")
    def partner_list(request, filters: Query[PartnerFilters]):
        auth.require(request, kind.perm("view"))
        _, rows = selectors.partner_list(kind, q=filters.q)
        if filters.salesperson:
            rows = rows.filter(**{f"{PERSON_FIELD[key]}__code": filters.salesperson})
        if filters.territory:
            rows = rows.filter(territory__code=filters.territory)
        if filters.country:
            rows = rows.filter(country_code=filters.country.upper())
        since = updated_since(filters.updated_since)
        if since is not None:
            rows = rows.filter(updated_at__gte=since)
        return resource.page(rows, sort=filters.sort, cursor=filters.cursor, limit=filters.limit,
                             fields=filters.fields)

    @router.get(base + "/{id}", response={200: out, 304: None, **PROBLEMS}, operation_id=f"{key}_detail",
                summary=f"Read a {kind.label}")
    def partner_detail(request, id: Path[schemas.Id]):
        auth.require(request, kind.perm("view"))
        return resource.respond(request, resource.find(id, request.user))

    @router.post(base, response={201: out, **PROBLEMS}, operation_id=f"{key}_create",
                 summary=f"Create a {kind.label}")
    def partner_create(request, payload: write):
        auth.require(request, kind.perm("add"))
        changes = payload.model_dump(exclude_unset=True)

        def make():
            partner = resource.create(changes, request.user)
            response = resource.respond(request, partner, status=201, conditional=False)
            response["Location"] = f"{request.path.rstrip('/')}/{partner.pk}"
            return response

        return idempotent(request, changes, make)

    @router.patch(base + "/{id}", response={200: out, **PROBLEMS}, operation_id=f"{key}_update",
                  summary=f"Change a {kind.label} (If-Match required)")
    def partner_update(request, id: Path[schemas.Id], payload: write):
        auth.require(request, kind.perm("view"), kind.perm("change"))
        partner = resource.update(request, id, payload.model_dump(exclude_unset=True))
        return resource.respond(request, partner, conditional=False)

    @router.delete(base + "/{id}", response={204: None, **PROBLEMS}, operation_id=f"{key}_delete",
                   summary=f"Delete a {kind.label} (If-Match required)")
    def partner_delete(request, id: Path[schemas.Id]):
        auth.require(request, kind.perm("delete"))
        resource.remove(request, id)
        return HttpResponse(status=204)

    @router.get(base + "/{id}/history", response={200: list[schemas.HistoryOut], **PROBLEMS},
                operation_id=f"{key}_history", summary=f"Change history of a {kind.label}")
    def partner_history(request, id: Path[schemas.Id], limit: int = Query(50, ge=1, le=200)):
        auth.require(request, kind.perm("view"))
        return history_items(change_history(resource.find(id, request.user), limit=limit))


for _kind in kinds.KINDS.values():
    _register(_kind)
