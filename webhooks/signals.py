"""Receivers: each turns one writer's announcement into ``webhooks.services.emit`` (work deferred to the commit).

- django-simple-history's ``post_create_historical_record``: every ordinary save and delete (created, updated,
  deleted);
- ``crm.history.rows_recorded``: every write of the engine and the bulk paths (created, synchronized, linked,
  unlinked), one announcement per set of rows;
- ``contacts.duplicates.merge.contacts_merged``: a merge.
"""

from simple_history.signals import post_create_historical_record

from contacts.duplicates.merge import contacts_merged
from contacts.models import Contact
from crm.history import rows_recorded
from webhooks.services import emit

HISTORY_TYPES = {"+": "created", "~": "updated", "-": "deleted"}


def on_history_row(sender, instance, history_instance, **kwargs):
    no = getattr(instance, "no", None) or getattr(instance, "code", None)
    emit(type(instance), [instance.pk], HISTORY_TYPES[history_instance.history_type], known={instance.pk: no})


def on_rows_recorded(sender, model, ids, event, **kwargs):
    emit(model, ids, event)


def on_merged(sender, survivor, other_pk, other_no, **kwargs):
    emit(Contact, [survivor.pk], "merged", known={survivor.pk: survivor.no},
         extra={survivor.pk: {"merged": {"id": other_pk, "no": other_no}}})


def connect():
    post_create_historical_record.connect(on_history_row, dispatch_uid="webhooks.history_row")
    rows_recorded.connect(on_rows_recorded, dispatch_uid="webhooks.rows_recorded")
    contacts_merged.connect(on_merged, dispatch_uid="webhooks.merged")
