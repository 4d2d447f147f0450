"""/api/v1/changes: every create, update and delete (tombstone) of contacts, customers, vendors and bank accounts,
in order, so that an integration reads only what changed since its last call.

Built from the change-history tables (django-simple-history), which every write path fills: a model ``save()``
by itself, and the engine's set-based updates, the bulk commands and the CSV import through ``crm.history``'s
single writer. Links and unlinks are recorded there as events of both records ("Linked with customer C00010",
"Unlinked from contact CT000042"), so they appear here with that ``event``.

The cursor holds, per table, the last history id read; a page is a k-way merge of the tables' next rows by time
(each table kept in id order), so nothing is skipped or repeated between pages. A caller sees only the tables its
role may view, and of contacts only those the caller sees (for Finance, the contacts of banks; a
deleted contact's tombstone then reaches only the roles that see every contact).
"""

import heapq

from ninja import Query, Router

from api import auth
from api.contacts import PROBLEMS
from api.errors import Problem
from api.schemas import ChangePage
from contacts.models import Contact
from contacts.selectors import sees_every_contact, visible_contacts
from partners.models import BankAccount, Customer, Vendor

router = Router(tags=["changes"])

FEEDS = [("contact", Contact, "contacts.view_contact"), ("customer", Customer, "partners.view_customer"),
         ("vendor", Vendor, "partners.view_vendor"), ("bank_account", BankAccount, "partners.view_bankaccount")]
ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}
MAX_ID = 2**63 - 1


def parse_cursor(cursor: str | None) -> list[int]:
    if not cursor:
        return [0] * len(FEEDS)
    parts = cursor.split(".")
    if len(parts) != len(FEEDS) or not all(p.isdigit() and len(p) < 20 and int(p) <= MAX_ID for p in parts):
        raise Problem(400, "The cursor is not one this feed gave out; start again without it.", slug="bad-cursor",
                      errors=[{"field": "cursor", "rule": "invalid", "message": "Unknown cursor."}])
    return [int(p) for p in parts]


def format_cursor(positions) -> str:
    return ".".join(str(p) for p in positions)


@router.get("/changes", response={200: ChangePage, **PROBLEMS})
def changes(request, cursor: str | None = Query(None, max_length=100, description="next_cursor of the last call"),
            limit: int = Query(100, ge=1, le=1000)):
    """Changes after ``cursor`` (from the start without one), oldest first. Poll with ``next_cursor``."""
    positions = parse_cursor(cursor)
    visible = [i for i, (_, _, perm) in enumerate(FEEDS) if request.user.has_perm(perm)]
    if not visible:
        auth.require(request, "contacts.view_contact")
    streams = []
    for i in visible:
        resource, model, _ = FEEDS[i]
        rows = model.history.model.objects.filter(history_id__gt=positions[i])
        if model is Contact and not sees_every_contact(request.user):  # Finance: the contacts of banks only
            rows = rows.filter(id__in=visible_contacts(request.user).values("pk"))
        rows = (rows.order_by("history_id")
                .values_list("history_id", "history_date", "history_type", "history_change_reason", "id", "no",
                             "version")[:limit])
        streams.append([(date, i, hid, resource, kind, reason, pk, no, version)
                        for hid, date, kind, reason, pk, no, version in rows])
    items = []
    merged = heapq.merge(*streams, key=lambda row: row[:3])  # by time; a table's rows stay in id order
    for date, i, hid, resource, kind, reason, pk, no, version in merged:
        if len(items) == limit:
            break
        positions[i] = hid
        items.append({"cursor": format_cursor(positions), "resource": resource, "id": pk, "no": no,
                      "action": ACTIONS.get(kind, "updated"), "event": reason or "", "at": date,
                      "version": version})
    return {"items": items, "next_cursor": format_cursor(positions)}
