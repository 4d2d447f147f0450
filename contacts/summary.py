"""The derived ``contact_business_relation`` summary, recomputed for many contacts at once.

The rule is the sync engine's (``sync.business_relation_summary``, reference §1.1); this runs it in
chunks over thousands of contacts (and their companies' persons) with one bulk UPDATE per chunk.
"""

from contacts import sync
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup

CHUNK = 2000


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
        updates = []
        for pk, contact in contacts.items():
            own = rows.get(pk, []) + (rows.get(contact["company_id"], []) if contact["company_id"] else [])
            value = sync.business_relation_summary(own, codes)
            if value != contact["contact_business_relation"]:
                updates.append(Contact(pk=pk, contact_business_relation=value))
        Contact.objects.bulk_update(updates, ["contact_business_relation"])
        changed += len(updates)
    return changed
