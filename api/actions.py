"""Actions of the cards over the API: create a customer / vendor / bank account from a contact ("Create as",
with a template), create the contact of a partner, the duplicates of a contact, and merging two contacts (dry
run first). Each is one call of the service the screen calls."""

from typing import Literal

from django.db import transaction
from django.db.models import Q
from ninja import Path, Router, Schema
from pydantic import Field

from api import auth
from api.contacts import CONTACTS, PROBLEMS
from api.errors import Problem
from api.idempotency import idempotent
from api.partners import RESOURCES
from api.schemas import BankAccountOut, ContactOut, CustomerOut, Id, VendorOut
from contacts import selectors, services
from contacts.duplicates.merge import MERGE_FIELDS, differing_fields, merge_contacts
from contacts.models import Contact, ContactDuplicate
from partners import kinds

router = Router(tags=["actions"])


class CreatePartnerIn(Schema):
    kind: Literal["customer", "vendor", "bank_account"]
    template: str | None = Field(None, max_length=20, description="Template code; none: the only one that fits")


class DuplicateOut(Schema):
    contact: int
    contact_no: str
    name: str
    score: int
    reasons: str


class MergeIn(Schema):
    other: Id = Field(description="The contact merged into this one and then deleted")
    take_from_other: list[Literal[MERGE_FIELDS]] = Field(default_factory=list)  # type: ignore[valid-type]
    dry_run: bool = Field(True, description="Only show what would change (the default: send false to merge)")


class MergeField(Schema):
    field: str
    survivor_value: str | None
    other_value: str | None
    kept: Literal["survivor", "other"]


class MergePreview(Schema):
    dry_run: bool
    survivor: int
    other: int
    fields: list[MergeField]


def _contact(pk, user):
    return CONTACTS.find(pk, user)


@router.post("/contacts/{id}/create-partner", response={201: CustomerOut | VendorOut | BankAccountOut, **PROBLEMS})
def create_partner(request, id: Path[Id], payload: CreatePartnerIn):
    """Create as customer / vendor / bank account (``contacts.services.create_partner_from_contact``)."""
    kind = kinds.get(payload.kind)
    auth.require(request, "contacts.view_contact", "contacts.change_contact", kind.perm("add"))
    contact = _contact(id, request.user)

    def make():
        partner = services.create_partner_from_contact(contact, kind.key, template=payload.template or None)
        response = RESOURCES[kind.key].respond(request, RESOURCES[kind.key].written(partner.pk), status=201,
                                               conditional=False)
        response["Location"] = f"/api/v1/{kind.word}/{partner.pk}"
        return response

    return idempotent(request, payload.model_dump(), make)


def _register_create_contact(kind):
    @router.post(f"/{kind.word}/{{id}}/create-contact", response={201: ContactOut, **PROBLEMS},
                 operation_id=f"{kind.key}_create_contact", summary=f"Create the contact of a {kind.label}")
    def create_contact(request, id: Path[Id]):
        auth.require(request, "contacts.add_contact", kind.perm("view"), kind.perm("change"))
        partner = RESOURCES[kind.key].find(id, request.user)

        def make():
            contact = services.create_contact_from_partner(partner)
            response = CONTACTS.respond(request, CONTACTS.written(contact.pk), status=201, conditional=False)
            response["Location"] = f"/api/v1/contacts/{contact.pk}"
            return response

        return idempotent(request, {"partner": id}, make)


for _kind in kinds.KINDS.values():
    _register_create_contact(_kind)


@router.get("/contacts/{id}/duplicates", response={200: list[DuplicateOut], **PROBLEMS})
def contact_duplicates(request, id: Path[Id]):
    """The contacts the duplicate index paired with this one (not those marked "not a duplicate"), best first."""
    auth.require(request, "contacts.view_contact")
    contact = _contact(id, request.user)
    visible = selectors.visible_contacts(request.user).values("pk")
    pairs = (ContactDuplicate.objects.filter(Q(contact=contact) | Q(duplicate=contact), separate=False)
             .filter(contact__in=visible, duplicate__in=visible)
             .select_related("contact", "duplicate").order_by("-score", "contact_id", "duplicate_id")[:100])
    items = []
    for pair in pairs:
        other = pair.duplicate if pair.contact_id == contact.pk else pair.contact
        items.append({"contact": other.pk, "contact_no": other.no, "name": other.name, "score": pair.score,
                      "reasons": pair.reasons})
    return items


@router.post("/contacts/{id}/merge", response={200: MergePreview | ContactOut, **PROBLEMS})
def contact_merge(request, id: Path[Id], payload: MergeIn):
    """Merge ``other`` into this contact (``contacts.duplicates.merge.merge_contacts``). The default is a dry run:
    the differing fields and which value is kept, and the refusal if the merge would be refused."""
    auth.require(request, "contacts.change_contact", "contacts.delete_contact")
    take = sorted(set(payload.take_from_other))

    def both():
        survivor = _contact(id, request.user)
        other = selectors.visible_contacts(request.user).filter(pk=payload.other).first()
        if other is None:
            raise Problem(422, f"There is no contact with id {payload.other}.", slug="validation",
                          errors=[{"field": "other", "rule": "does_not_exist", "message": "No such contact."}])
        return survivor, other

    if not payload.dry_run:
        def make():
            survivor, other = both()
            merge_contacts(survivor, other, take_from_other=take, user=request.user)
            return CONTACTS.respond(request, CONTACTS.written(survivor.pk), conditional=False)

        return idempotent(request, payload.model_dump(mode="json"), make)  # a retry does not meet "no such contact"
    survivor, other = both()
    fields = []
    for name in differing_fields(survivor, other):
        attname = Contact._meta.get_field(name).attname
        fields.append({"field": name, "survivor_value": _text(getattr(survivor, attname)),
                       "other_value": _text(getattr(other, attname)),
                       "kept": "other" if name in take else "survivor"})
    with transaction.atomic():
        merge_contacts(survivor, other, take_from_other=take, user=request.user)  # its refusals, then undone
        transaction.set_rollback(True)
    return {"dry_run": True, "survivor": survivor.pk, "other": other.pk, "fields": fields}


def _text(value):
    return None if value is None else str(value)

