"""The derived ``contact_business_relation`` summary: the rule, and its recomputation for many contacts.

Reference §1.1 (GetBusinessRelation): consider the contact's relation rows and, for a person with
a company, the company's; none → ``none``; no linked row under a Marketing Setup code → ``other``
with exactly one row, else ``multiple``; exactly one row and it is linked → its partner type;
anything else → ``multiple``. The sync engine (``sync.business_relation_summary``) uses this rule too.
"""

from contacts import sync
from contacts.models import BusinessRelationSummary, Contact, ContactBusinessRelation, MarketingSetup

CHUNK = 2000


def summary_of(rows, setup_codes) -> str:
    """``rows``: (business_relation_id, link_to_table) of the contact (and its company)."""
    rows = list(rows)
    if not rows:
        return BusinessRelationSummary.NONE
    linked = [link for code, link in rows if link and code in setup_codes]
    if not linked:
        return BusinessRelationSummary.OTHER if len(rows) == 1 else BusinessRelationSummary.MULTIPLE
    if len(linked) == 1 and len(rows) == 1:
        return linked[0]
    return BusinessRelationSummary.MULTIPLE


def refresh_relation_summaries(contact_ids) -> int:
    """Recompute the summary of these contacts and of their companies' persons; returns rows changed."""
    codes = sync.setup_codes(MarketingSetup.load())
    changed = 0
    contact_ids = list(contact_ids)
    for start in range(0, len(contact_ids), CHUNK):
        ids = contact_ids[start:start + CHUNK]
        contacts = {row["pk"]: row for row in Contact.objects.filter(pk__in=ids).values(
            "pk", "company_id", "contact_business_relation")}
        contacts.update({row["pk"]: row for row in Contact.objects.filter(company_id__in=ids).values(
            "pk", "company_id", "contact_business_relation")})
        owners = set(contacts) | {c["company_id"] for c in contacts.values() if c["company_id"]}
        rows = {}
        for row in ContactBusinessRelation.objects.filter(contact_id__in=owners).values_list(
                "contact_id", "business_relation_id", "link_to_table"):
            rows.setdefault(row[0], []).append(row[1:])
        by_value = {}
        for pk, contact in contacts.items():
            own = rows.get(pk, []) + (rows.get(contact["company_id"], []) if contact["company_id"] else [])
            value = summary_of(own, codes)
            if value != contact["contact_business_relation"]:
                by_value.setdefault(value, []).append(pk)
        for value, pks in by_value.items():  # one UPDATE per summary value, not a CASE per row
            Contact.objects.filter(pk__in=pks).update(contact_business_relation=value)
            changed += len(pks)
    return changed
