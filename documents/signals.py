"""Receivers: a guard, then one call into ``documents.services``.

When a contact's company becomes a customer by any route (Create as → Customer, Link with existing,
make_order), its open quotes that had no customer now name it (reference §9 edge case 16).
"""

from django.db.models.signals import post_save

from contacts.models import ContactBusinessRelation


def on_link_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.customer_id is None:
        return
    from documents.services import repoint_prospect_quotes

    repoint_prospect_quotes(instance.customer_id, instance.contact_id)


def connect():
    post_save.connect(on_link_saved, sender=ContactBusinessRelation, dispatch_uid="documents.on_link_saved")
