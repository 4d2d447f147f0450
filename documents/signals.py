"""Receivers: a guard, then one call into ``documents.services``.

When a contact's company becomes a customer by any route (Create as → Customer, Link with existing,
the bulk link command, a link row written in the admin), its open quotes that had no customer now name
it (reference §9 edge case 16). The sync engine announces every finished change set once, with the
links it made (``contacts.sync.change_set_applied``), per row and in bulk alike.
"""

from contacts.sync import ChangeSet, change_set_applied
from documents.services import repoint_prospect_quotes_to


def on_change_set_applied(sender, change_set: ChangeSet, **kwargs):
    customers = {contact_id: partner_id for kind, partner_id, contact_id in change_set.links if kind == "customer"}
    if customers:
        repoint_prospect_quotes_to(customers)


def connect():
    change_set_applied.connect(on_change_set_applied, sender=ChangeSet, dispatch_uid="documents.repoint_quotes")
