"""Receivers: a guard, then one call into ``documents.services``.

When a contact's company becomes a customer by any route (Create as → Customer, Link with existing,
the bulk link command, a link row written in the admin), its open quotes that had no customer now name
it (reference §9 edge case 16). The sync engine announces every finished change set once, with the
links it made (``contacts.sync.change_set_applied``), per row and in bulk alike.

Before contacts are deleted, contacts asks what that does to other apps' records
(``contacts.models.contact_delete_consequences``): an open document would lose its contact, so it
refuses the delete; a released one keeps the name and address copied onto it.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from contacts.models import Contact, DeleteConsequence, contact_delete_consequences
from contacts.sync import ChangeSet, change_set_applied
from documents.models import PurchaseHeader, SalesHeader
from documents.services import repoint_prospect_quotes_to

# The contact fields of each kind of document.
CONTACT_FIELDS = {SalesHeader: ("sell_to_contact", "bill_to_contact"),
                  PurchaseHeader: ("buy_from_contact", "pay_to_contact")}


def on_change_set_applied(sender, change_set: ChangeSet, **kwargs):
    new = {contact.pk for contact in change_set.created}  # a contact created in this change set has no quotes yet
    customers = {contact_id: partner_id for kind, partner_id, contact_id in change_set.links
                 if kind == "customer" and contact_id not in new}
    if customers:
        repoint_prospect_quotes_to(customers)


def on_contact_delete(sender, contact_ids, **kwargs) -> list[DeleteConsequence]:
    consequences = []
    for model, fields in CONTACT_FIELDS.items():
        naming = reduce(or_, (Q(**{f"{field}__in": contact_ids}) for field in fields))
        for document in model.objects.filter(naming).order_by("document_type", "no"):
            outcome = ("is open and would lose its contact: release it, or give it another contact, first."
                       if document.is_open else
                       "is released: it keeps the name and address printed on it but no longer refers to the contact.")
            consequences.append(DeleteConsequence(str(document), document.get_absolute_url(), outcome,
                                                  blocks=document.is_open))
    return consequences


def connect():
    change_set_applied.connect(on_change_set_applied, sender=ChangeSet, dispatch_uid="documents.repoint_quotes")
    contact_delete_consequences.connect(on_contact_delete, sender=Contact, dispatch_uid="documents.contact_delete")
