"""Reading the change history of a record (a contact, customer, vendor or bank account).

``change_history(obj)`` turns django-simple-history's snapshots into field-level changes — which
field, old and new value, who, when, and the source: for changes made by synchronization the
record they came from ("Synchronized from customer C00010") — and into events that changed no field
(created from contact CT…, linked, unlinked, the other side deleted). A fixed number of queries: one for
the snapshots (with their users), one per kind of foreign key that changed. Generic: it knows
models with a ``history`` manager, not apps (``crm.history`` is the writer).
"""

from dataclasses import dataclass
from datetime import datetime

IGNORED_FIELDS = {"id", "version", "created_at", "updated_at", "history_id", "history_date",
                  "history_change_reason", "history_type", "history_user"}


@dataclass(frozen=True)
class FieldChange:
    field: str  # the model field's name
    label: str  # its verbose name, for people
    old: object  # display values: foreign keys as their str(), None when there was none
    new: object
    who: str  # the user's name, or "" for changes made by a command or the system
    when: datetime
    source: str  # history_change_reason: "Synchronized from customer C00010", "Created from …", or ""

    @property
    def synchronized(self) -> bool:
        return self.source.startswith("Synchronized from")

    @property
    def event(self) -> bool:
        """An entry that changed no field: the record was created, linked, unlinked, its other side deleted."""
        return not self.field


def change_history(obj, *, limit: int = 20) -> list[FieldChange]:
    """The latest changes of ``obj`` (a contact, customer, vendor or bank account), newest first.

    Looks at the ``limit`` most recent history rows (plus the one before the oldest of them) and returns
    at most ``limit`` entries: one per changed field, and one *event* (``field == ""``, its ``source``
    saying what happened) for a row that changed no field but says why — the record's creation ("Created
    from contact CT000042") or a link, unlink or delete of the other side.
    """
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit + 1])
    fields = [f for f in model._meta.concrete_fields
              if f.attname not in IGNORED_FIELDS and f.name not in IGNORED_FIELDS]
    raw = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        user = newer.history_user
        who = (user.get_full_name() or user.get_username()) if user is not None else ""
        reason = newer.history_change_reason or ""
        changed = [] if older is None else [(f, getattr(older, f.attname), getattr(newer, f.attname)) for f in fields
                                             if getattr(older, f.attname) != getattr(newer, f.attname)]
        if older is None and len(records) > limit:
            break  # the row before the oldest one shown: only there to compare with
        for f, before, after in changed:
            raw.append((f, before, after, who, newer.history_date, reason))
        if not changed and (reason or newer.history_type == "+"):
            raw.append((None, None, None, who, newer.history_date, reason or "Created"))
    raw = raw[:limit]
    labels = _foreign_key_labels(raw)
    return [
        FieldChange(f.name, str(f.verbose_name), labels.get((f.name, before), before),
                    labels.get((f.name, after), after), who, when, source) if f is not None
        else FieldChange("", "", None, None, who, when, source)
        for f, before, after, who, when, source in raw
    ]


def _foreign_key_labels(raw) -> dict:
    """(field name, id) → str(related row), one query per foreign key field that appears."""
    wanted: dict = {}
    for f, before, after, *_ in raw:
        if f is not None and f.is_relation:
            wanted.setdefault(f, set()).update(v for v in (before, after) if v is not None)
    labels = {}
    for f, ids in wanted.items():
        for pk, row in f.related_model._default_manager.in_bulk(list(ids)).items():
            labels[(f.name, pk)] = str(row)
    return labels
