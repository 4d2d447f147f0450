"""Receivers: a guard, then one call into ``contacts.sync`` (all rules live there).

A save is a change set of one: the receivers hand it to the engine, which ends it in
``sync.finish`` like every other path. They stand back for fixture loading (``raw``) and for rows
the sync engine writes itself (``sync.suspended()``).
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from contacts import sync
from contacts.models import Contact, ContactBusinessRelation
from partners import kinds


def _active(raw=False) -> bool:
    return not raw and not sync.is_suspended()


def on_contact_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if _active(raw):
        sync.before_contact_save(instance, update_fields)


def on_contact_saved(sender, instance, created, raw=False, **kwargs):
    if _active(raw):
        sync.after_contact_save(instance, created)


def on_contact_pre_delete(sender, instance, **kwargs):
    if _active():
        sync.before_contact_delete(instance)


def on_partner_pre_delete(sender, instance, **kwargs):
    if _active():
        sync.before_partner_delete(instance)


def on_partner_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if _active(raw):
        sync.before_partner_save(instance, update_fields)


def on_partner_saved(sender, instance, created, raw=False, **kwargs):
    if _active(raw):
        sync.after_partner_save(instance, created)


def on_relation_saved(sender, instance, raw=False, **kwargs):
    """A link row was written outside the service API: the pair is made to agree, the summary recomputed."""
    if _active(raw):
        sync.relation_saved(instance)


def on_relation_deleted(sender, instance, **kwargs):
    """A link row was deleted (also by CASCADE): recompute the relation summary."""
    if _active():
        sync.relation_deleted(instance)


def connect():
    pre_save.connect(on_contact_pre_save, sender=Contact, dispatch_uid="contacts.sync.contact_pre_save")
    post_save.connect(on_contact_saved, sender=Contact, dispatch_uid="contacts.sync.contact_saved")
    pre_delete.connect(on_contact_pre_delete, sender=Contact, dispatch_uid="contacts.sync.contact_pre_delete")
    for key, kind in kinds.KINDS.items():
        pre_save.connect(on_partner_pre_save, sender=kind.model, dispatch_uid=f"contacts.sync.{key}_pre_save")
        post_save.connect(on_partner_saved, sender=kind.model, dispatch_uid=f"contacts.sync.{key}_saved")
        pre_delete.connect(on_partner_pre_delete, sender=kind.model, dispatch_uid=f"contacts.sync.{key}_pre_delete")
    post_save.connect(on_relation_saved, sender=ContactBusinessRelation,
                      dispatch_uid="contacts.sync.relation_saved")
    post_delete.connect(on_relation_deleted, sender=ContactBusinessRelation,
                        dispatch_uid="contacts.sync.relation_deleted")
