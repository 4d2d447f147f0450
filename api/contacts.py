"""/api/v1/contacts: list (the contact list's filters), retrieve, create, PATCH, DELETE, and the contact's
change history, duplicates, relations, interactions and documents. Writes go through the contact card's form
and contacts.services, as the screens do."""

from django.http import HttpResponse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from api import auth
from api.errors import Problem
from api.idempotency import idempotent
from api.records import MAX_PAGE_SIZE, PAGE_SIZE, Resource, updated_since
from api.schemas import ContactOut, ContactPage, ContactWrite, HistoryOut, Id, ProblemOut
from contacts import selectors, services
from contacts.forms import ContactFilterForm, ContactForm
from contacts.models import Contact
from crm.change_history import change_history
from partners.models import ContactType

router = Router(tags=["contacts"])
PROBLEMS = {code: ProblemOut for code in (400, 401, 403, 404, 409, 412, 422, 428, 429)}
SORTS = ("id", "no", "name", "updated_at", "created_at")


class ContactResource(Resource):
    def prepare(self, changes, user):
        changes = dict(changes)
        if changes.get("company") is not None:
            no = selectors.visible_contacts(user).filter(pk=changes["company"], type=ContactType.COMPANY).values_list("no", flat=True)
            if not no:
                raise Problem(422, f"No company contact with id {changes['company']} exists.", slug="validation",
                              errors=[{"field": "company", "rule": "invalid_choice",
                                       "message": f"No company contact with id {changes['company']} exists."}])
            changes["company"] = no[0]
        return changes


CONTACTS = ContactResource(
    name="contact", model=Contact, out=ContactOut, form_class=ContactForm,
    perm=lambda action: f"contacts.{action}_contact", get=lambda pk, user: selectors.contact_for_card(pk, user=user),
    delete=services.delete_contact, describe=lambda c: f"Contact {c.no}", form_takes_user=True)


class ContactFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Search number, name, company, e-mail, phone, city.")
    type: ContactType | None = None
    relation: str | None = Field(None, max_length=10, description="Business relation code")
    salesperson: str | None = Field(None, max_length=20, description="Salesperson code")
    territory: str | None = Field(None, max_length=10, description="Territory code")
    country: str | None = Field(None, max_length=2, description="ISO 3166 alpha-2")
    updated_since: str | None = Field(None, max_length=40, description="ISO 8601 date and time")
    sort: str = Field("id", pattern=r"^-?(id|no|name|updated_at|created_at)$")
    cursor: str | None = Field(None, max_length=400)
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    fields: str | None = Field(None, max_length=1000, description="Comma-separated field names (sparse fields)")


@router.get("/contacts", response={200: ContactPage, **PROBLEMS}, exclude_unset=True)
def contact_list(request, filters: Query[ContactFilters]):
    auth.require(request, "contacts.view_contact")
    form = ContactFilterForm({k: v for k, v in filters.dict().items()
                              if k in ("q", "type", "relation", "salesperson", "territory", "country") and v})
    bad = [name for name in form.fields if getattr(filters, name) and name in form.errors]
    if bad:
        raise Problem(422, f"Unknown value for {', '.join(bad)}.", slug="validation",
                      errors=[{"field": name, "rule": "invalid_choice", "message": " ".join(form.errors[name])}
                              for name in bad])
    _, rows = selectors.contact_list(filters=form.filters(), user=request.user)
    since = updated_since(filters.updated_since)
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    return CONTACTS.page(rows.select_related(None), sort=filters.sort, cursor=filters.cursor, limit=filters.limit,
                         fields=filters.fields)


@router.get("/contacts/{id}", response={200: ContactOut, 304: None, **PROBLEMS})
def contact_detail(request, id: Path[Id]):
    auth.require(request, "contacts.view_contact")
    return CONTACTS.respond(request, CONTACTS.find(id, request.user))


@router.post("/contacts", response={201: ContactOut, **PROBLEMS})
def contact_create(request, payload: ContactWrite):
    auth.require(request, "contacts.add_contact")
    changes = payload.model_dump(exclude_unset=True)

    def make():
        contact_type = changes.get("type") if changes.get("type") in ContactType.values else ContactType.COMPANY
        contact = CONTACTS.create(changes, request.user, Contact(type=contact_type))
        response = CONTACTS.respond(request, contact, status=201, conditional=False)
        response["Location"] = f"{request.path.rstrip('/')}/{contact.pk}"
        return response

    return idempotent(request, changes, make)


@router.patch("/contacts/{id}", response={200: ContactOut, **PROBLEMS})
def contact_update(request, id: Path[Id], payload: ContactWrite):
    auth.require(request, "contacts.view_contact", "contacts.change_contact")
    contact = CONTACTS.update(request, id, payload.model_dump(exclude_unset=True))
    return CONTACTS.respond(request, contact, conditional=False)


@router.delete("/contacts/{id}", response={204: None, **PROBLEMS})
def contact_delete(request, id: Path[Id]):
    auth.require(request, "contacts.delete_contact")
    CONTACTS.remove(request, id)
    return HttpResponse(status=204)


@router.get("/contacts/{id}/history", response={200: list[HistoryOut], **PROBLEMS})
def contact_history(request, id: Path[Id], limit: int = Query(50, ge=1, le=200)):
    auth.require(request, "contacts.view_contact")
    return history_items(change_history(CONTACTS.find(id, request.user), limit=limit))


def history_items(changes):
    def text(value):
        return None if value is None else str(value)
    return [{"field": c.field, "label": c.label, "old": text(c.old), "new": text(c.new), "who": c.who,
             "when": c.when, "source": c.source} for c in changes]
