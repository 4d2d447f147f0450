"""Drift between linked contacts and partners: find it with one query per partner type, and repair it.

The invariant (DESIGN §4): for every link row, the mapped fields of contact and partner are equal.
Raw SQL, an import that bypassed signals or a restored backup can break it; ``sync_check`` finds
the pairs that differ by comparing joined columns in the database, and repairs them set-based:
``contact`` makes the contact's values win, ``partner`` the partner's (which then reach the
contact's other partners too). Repairs write with one UPDATE per chunk (no signals), add a change-history
row per changed record, and bump ``version`` so that forms open on the old values refuse to overwrite them.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from contacts.models import Contact, ContactBusinessRelation
from crm import history
from contacts.sync import (
    BOTH_WAYS, CONTACT_TRACKED, KIND_LABELS, PARTNER_MODELS, attname, contact_to_partner_map,
    push_companies_to_persons,
)
from partners.models import ContactType

KINDS = tuple(PARTNER_MODELS)
UPDATE_BATCH = 900  # ids per statement (well under SQLite's variable limit)
REASON = "Synchronized in bulk"


@dataclass
class Drift:
    kind: str
    link_id: int
    contact_id: int
    contact_no: str
    partner_id: int
    partner_no: str
    fields: list  # [(contact field, contact value, partner value)]

    def describe(self) -> str:
        label = PARTNER_MODELS[self.kind]._meta.verbose_name.title()
        parts = ", ".join(f"{name} ({contact_value!r} ≠ {partner_value!r})"
                          for name, contact_value, partner_value in self.fields)
        return f"{label} {self.partner_no} ↔ contact {self.contact_no}: {parts}"


def _differs(left: str, right: str, nullable: bool) -> Q:
    same = Q(**{left: F(right)})
    if nullable:
        same |= Q(**{f"{left}__isnull": True, f"{right}__isnull": True})
    return ~same


def drift_condition(kind: str) -> Q:
    """A filter on ContactBusinessRelation: the contact and its partner of ``kind`` differ in a mapped field."""
    partner_model = PARTNER_MODELS[kind]
    condition = Q()
    for contact_field, partner_field in contact_to_partner_map(kind).items():
        nullable = Contact._meta.get_field(contact_field).null or partner_model._meta.get_field(partner_field).null
        condition |= _differs(f"contact__{attname(Contact, contact_field)}",
                              f"{kind}__{attname(partner_model, partner_field)}", nullable)
    return condition


def find_drift(kind: str, *, contact_ids=None) -> list[Drift]:
    """Every link of ``kind`` whose contact and partner differ in a mapped field: one query."""
    partner_model = PARTNER_MODELS[kind]
    mapping = contact_to_partner_map(kind)
    columns = {f"drift_c_{cf}": f"contact__{attname(Contact, cf)}" for cf in mapping}
    columns.update({f"drift_p_{cf}": f"{kind}__{attname(partner_model, pf)}" for cf, pf in mapping.items()})
    links = ContactBusinessRelation.objects.filter(link_to_table=kind).filter(drift_condition(kind))
    if contact_ids is not None:
        links = links.filter(contact_id__in=contact_ids)
    rows = links.order_by("pk").values("pk", "contact_id", "contact__no", f"{kind}_id", f"{kind}__no",
                                       **{alias: F(path) for alias, path in columns.items()})
    result = []
    for row in rows:
        fields = [(cf, row[f"drift_c_{cf}"], row[f"drift_p_{cf}"]) for cf in mapping
                  if row[f"drift_c_{cf}"] != row[f"drift_p_{cf}"]]
        result.append(Drift(kind, row["pk"], row["contact_id"], row["contact__no"], row[f"{kind}_id"],
                            row[f"{kind}__no"], fields))
    return result


def push_contacts_to_partners(kind: str, contact_ids) -> int:
    """Make the partners of ``kind`` linked to these contacts carry their contact's mapped values."""
    changed = 0
    for chunk in _chunks(contact_ids):
        changed += push_drift_to_partners(kind, find_drift(kind, contact_ids=chunk))
    return changed


def push_drift_to_partners(kind: str, drifts: list[Drift]) -> int:
    """Copy the contact's mapped values onto the partner of each drifting pair: one UPDATE … FROM (a join
    with the link row and the contact) per chunk, version bumped, a history row per partner."""
    partner_model = PARTNER_MODELS[kind]
    quote = connection.ops.quote_name
    mapping = contact_to_partner_map(kind)
    assignments = ", ".join(
        f"{quote(partner_model._meta.get_field(pf).column)} = c.{quote(Contact._meta.get_field(cf).column)}"
        for cf, pf in mapping.items())
    link_column = ContactBusinessRelation._meta.get_field(kind).column
    changed = 0
    for chunk in _chunks([d.partner_id for d in drifts]):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(partner_model._meta.db_table)} SET {assignments}, "
                f"{quote('version')} = {quote(partner_model._meta.db_table)}.{quote('version')} + 1, "
                f"{quote('updated_at')} = %s "
                f"FROM {quote(ContactBusinessRelation._meta.db_table)} r "
                f"JOIN {quote(Contact._meta.db_table)} c ON c.{quote('id')} = r.{quote('contact_id')} "
                f"WHERE r.{quote(link_column)} = {quote(partner_model._meta.db_table)}.{quote('id')} "
                f"AND {quote(partner_model._meta.db_table)}.{quote('id')} IN ({', '.join(['%s'] * len(chunk))})",
                [timezone.now(), *chunk])
        history.record_current_rows(partner_model, chunk, reason=f"{REASON}: the contact's values win")
        changed += len(chunk)
    return changed


def pull_partners_into_contacts(kind: str, drifts: list[Drift]) -> set[int]:
    """Make the contacts carry their partner's values (both-way fields); returns the contacts changed."""
    partner_model = PARTNER_MODELS[kind]
    values = {contact_field: Subquery(partner_model.objects.filter(contact_links__contact=OuterRef("pk"))
                                      .values(partner_field)[:1])
              for contact_field, partner_field in BOTH_WAYS[kind].items()}
    changed = set()
    for chunk in _chunks([d.contact_id for d in drifts]):
        before = companies_with_persons(chunk)
        Contact.objects.filter(pk__in=chunk).update(**values, version=F("version") + 1, updated_at=timezone.now())
        history.record_current_rows(Contact, chunk, reason=f"{REASON}: the {KIND_LABELS[kind]}'s values win")
        push_to_persons(before)
        changed.update(chunk)
    return changed


def companies_with_persons(contact_ids) -> dict:
    """The companies among ``contact_ids`` that have persons, as stored now (before a set-based write)."""
    companies = (Contact.objects.filter(pk__in=contact_ids, type=ContactType.COMPANY)
                 .filter(pk__in=Contact.objects.filter(company_id__in=contact_ids).values("company_id")))
    return {c.pk: c for c in companies}


def push_to_persons(before: dict, *, setup=None) -> int:
    """After a set-based write of company contacts: their changes reach their persons by the same
    inheritance rule as a single save (``sync.push_companies_to_persons``): one query to re-read the
    companies, then bounded work for all their persons together."""
    if not before:
        return 0
    tracked = [attname(Contact, f) for f in CONTACT_TRACKED]
    changes = []
    for company in Contact.objects.filter(pk__in=list(before)):
        old = before[company.pk]
        changed = {a for a in tracked if getattr(company, a) != getattr(old, a)}
        if changed:
            changes.append((company, old, changed))
    return push_companies_to_persons(changes, setup=setup)


def repair(master: str) -> dict[str, int]:
    """Repair every drifting pair; ``master`` is ``"contact"`` or ``"partner"``. Returns pairs repaired per kind.

    With ``partner``, kinds are taken in the order customer, vendor, bank account: a contact linked
    to a customer and a vendor that both drifted takes the customer's values, which then reach the vendor.
    """
    if master not in ("contact", "partner"):
        raise ValueError("master must be 'contact' or 'partner'")
    repaired = {}
    with transaction.atomic():
        for kind in KINDS:
            drifts = find_drift(kind)
            repaired[kind] = len(drifts)
            if not drifts:
                continue
            if master == "contact":
                push_drift_to_partners(kind, drifts)
            else:
                contact_ids = pull_partners_into_contacts(kind, drifts)
                for other in KINDS:
                    push_contacts_to_partners(other, contact_ids)
    return repaired


def _chunks(items, size=UPDATE_BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]
