"""The API's shapes, made from the models (django-ninja's ``create_schema``) with the fields of the edit forms:
what the screens edit is what the API edits. Foreign keys are ids; a contact's company is its company's id."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from ninja.orm import create_schema
from pydantic import ConfigDict, Field

from contacts.forms import ContactForm
from contacts.models import Contact
from partners.forms import BankAccountForm, CustomerForm, VendorForm
from partners.models import BankAccount, Customer, Vendor

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
META = ["id", "no", "version", "created_at", "updated_at"]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _fk(model, names):
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.name in names]


def _shapes(model, form_fields, extra_out, title):
    out_fields = [*dict.fromkeys([*META, *form_fields, *extra_out])]
    fks = _fk(model, out_fields)
    plain_out = [f for f in out_fields if f not in fks]
    fk_out = [(name, int | None, None) for name in fks]
    out = create_schema(model, name=title, fields=plain_out, custom_fields=fk_out)
    sparse = create_schema(model, name=f"{title}Fields", fields=plain_out, optional_fields=plain_out,
                           custom_fields=fk_out)
    writable = [f for f in form_fields if f not in ("company", "no")] + (["no"] if "no" in form_fields else [])
    fk_ids = [(name, Id | None, None) for name in _fk(model, writable)]
    custom = [*fk_ids, *([("company", Id | None, None)] if "company" in form_fields else [])]
    plain = [f for f in writable if f not in {name for name, *_ in fk_ids}]
    write = create_schema(model, name=f"{title}Write", fields=plain, optional_fields=plain, custom_fields=custom,
                          base_class=Strict)
    return out, sparse, write


CONTACT_FORM_FIELDS = ContactForm._meta.fields
ContactOut, ContactSparse, ContactWrite = _shapes(
    Contact, CONTACT_FORM_FIELDS, ["company_name", "contact_business_relation"], "Contact")
CustomerOut, CustomerSparse, CustomerWrite = _shapes(Customer, CustomerForm._meta.fields, [], "Customer")
VendorOut, VendorSparse, VendorWrite = _shapes(Vendor, VendorForm._meta.fields, [], "Vendor")
BankAccountOut, BankAccountSparse, BankAccountWrite = _shapes(
    BankAccount, BankAccountForm._meta.fields, [], "BankAccount")


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict]
    current: dict | None = None


class Page(Schema):
    next_cursor: str | None = Field(None, description="Pass as ?cursor= for the next page; null on the last.")


class ContactPage(Page):
    items: list[ContactSparse]


class CustomerPage(Page):
    items: list[CustomerSparse]


class VendorPage(Page):
    items: list[VendorSparse]


class BankAccountPage(Page):
    items: list[BankAccountSparse]


class Deleted(Schema):
    deleted: int


class ChangeOut(Schema):
    cursor: str
    resource: Literal["contact", "customer", "vendor", "bank_account"]
    id: int
    no: str
    action: Literal["created", "updated", "deleted"]
    event: str = Field(description="What happened, as the change history says it (\"Linked with customer "
                                   "C00010\", \"Synchronized from contact CT000042\"), or \"\".")
    at: datetime
    version: int | None = None


class ChangePage(Schema):
    items: list[ChangeOut]
    next_cursor: str


class HistoryOut(Schema):
    field: str
    label: str
    old: str | None
    new: str | None
    who: str
    when: datetime
    source: str
