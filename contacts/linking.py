"""Bulk linking: match partners that have no contact to contacts that have no partner of that type.

Candidates come only from shared blocking keys (``contacts.matching``): the same VAT registration
no., e-mail, phone number (E.164) or normalized name, or a rare word or word pair of the name.
Each candidate is scored; the confident ones (at or above ``min_score``) are resolved one-to-one,
best score first, and linked set-based: link rows inserted (or an unlinked row of the same code
filled in), the winning side's mapped values copied to the other side and on to the contact's
other partners, relation summaries recomputed. Every candidate goes to the review report.
"""

import csv
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import consistency
from contacts.bulk import KIND_LABELS, SETUP_CODE_FIELDS
from contacts.matching import DEFAULT_LINK_SCORE, MATCH_FIELDS, MatchKeys, find_candidates, resolve_one_to_one
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from contacts.summary import refresh_relation_summaries
from contacts.sync import PARTNER_MODELS
from crm.bulk_insert import PlannerStatistics, insert_rows
from partners.models import ContactType

REPORT_MIN_SCORE = 50
REPORT_COLUMNS = ["partner_no", "partner_name", "contact_no", "contact_name", "score", "reasons", "decision"]


@dataclass
class LinkResult:
    kind: str
    partners: int = 0
    contacts: int = 0
    candidates: list = field(default_factory=list)  # [(Candidate, decision)]
    linked: list = field(default_factory=list)  # [(partner pk, contact pk, score)]
    dry_run: bool = False

    def lines(self):
        verb = "Would link" if self.dry_run else "Linked"
        return [f"Compared {self.partners} unlinked {KIND_LABELS[self.kind]} with {self.contacts} contacts.",
                f"{len(self.candidates)} candidate pair(s); {verb} {len(self.linked)}."]


def unlinked_partner_keys(kind: str):
    model = PARTNER_MODELS[kind]
    fields = (*MATCH_FIELDS, "no") + (("vat_registration_no",) if kind != "bank_account" else ())
    info, keys = {}, []
    for row in model.objects.filter(contact_links__isnull=True).values(*fields).iterator(chunk_size=5000):
        info[row["pk"]] = (row["no"], row["name"])
        keys.append(MatchKeys.of(**row))
    return keys, info


def linkable_contact_keys(kind: str):
    """Contacts that ``link_contact`` would accept for ``kind`` and that have no link of that type yet.

    Companies, and for customers also stand-alone persons; never a privacy-blocked contact.
    """
    contacts = Contact.objects.filter(privacy_blocked=False).exclude(
        pk__in=ContactBusinessRelation.objects.filter(link_to_table=kind).values("contact_id"))
    if kind == "customer":
        contacts = contacts.filter(type=ContactType.COMPANY) | contacts.filter(type=ContactType.PERSON,
                                                                                company__isnull=True)
    else:
        contacts = contacts.filter(type=ContactType.COMPANY)
    info, keys = {}, []
    for row in contacts.values(*MATCH_FIELDS, "no", "vat_registration_no").iterator(chunk_size=5000):
        info[row["pk"]] = (row["no"], row["name"])
        keys.append(MatchKeys.of(**row))
    return keys, info


def link_contacts(kind: str, *, min_score: int = DEFAULT_LINK_SCORE, master: str = "contact", dry_run=False,
                  report_min_score: int = REPORT_MIN_SCORE) -> LinkResult:
    setup = MarketingSetup.load()
    code = setup.code_for(kind)
    if code is None:
        label = MarketingSetup._meta.get_field(SETUP_CODE_FIELDS[kind]).verbose_name
        raise ValidationError(f"{label} is not set in Marketing Setup: nothing can be linked to "
                              f"{KIND_LABELS[kind]} until it names a business relation code.")
    if master not in ("contact", "partner"):
        raise ValidationError("The master must be 'contact' or 'partner'.")
    partner_keys, partner_info = unlinked_partner_keys(kind)
    contact_keys, contact_info = linkable_contact_keys(kind)
    result = LinkResult(kind=kind, partners=len(partner_keys), contacts=len(contact_keys), dry_run=dry_run)
    candidates = list(find_candidates(partner_keys, contact_keys, min_score=min(report_min_score, min_score)))
    chosen = resolve_one_to_one(candidates, min_score)
    chosen_pairs = {(c.left.pk, c.right.pk) for c in chosen}
    linked_partners = {c.left.pk for c in chosen}
    linked_contacts = {c.right.pk for c in chosen}
    for candidate in sorted(candidates, key=lambda c: (partner_info[c.left.pk][0], -c.score)):
        pair = (candidate.left.pk, candidate.right.pk)
        if pair in chosen_pairs:
            decision = "would link" if dry_run else "linked"
        elif candidate.score < min_score:
            decision = "below min score"
        elif candidate.left.pk in linked_partners or candidate.right.pk in linked_contacts:
            decision = "other match scored higher"
        else:
            decision = "ambiguous: equal best scores"
        result.candidates.append((candidate, decision, partner_info[candidate.left.pk],
                                  contact_info[candidate.right.pk]))
    result.linked = [(c.left.pk, c.right.pk, c.score) for c in chosen]
    if not dry_run and chosen:
        link_pairs(kind, [(p, c) for p, c, _ in result.linked], master=master, setup=setup)
    return result


def link_pairs(kind: str, pairs, *, master: str = "contact", setup=None, batch_size: int = 900):
    """Link each (partner pk, contact pk) set-based, ending as ``contacts.services.link_contact`` would.

    The caller guarantees the pre-checks (unlinked partner, contact without a link of this type,
    company or — for customers — stand-alone person, not privacy blocked). When the partner's values
    win, the changed company fields reach the company's persons by the inheritance rules of a single
    save (``sync.push_companies_to_persons``), set-based per chunk.
    """
    setup = setup or MarketingSetup.load()
    code = setup.code_for(kind)
    statistics = PlannerStatistics(ContactBusinessRelation)  # the link table grows chunk by chunk
    with transaction.atomic():
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start:start + batch_size]
            contact_ids = [contact_id for _, contact_id in chunk]
            # An unlinked row with the setup code (a prospect marked CUST) becomes the link row.
            existing = {row.contact_id: row for row in ContactBusinessRelation.objects.filter(
                contact_id__in=contact_ids, business_relation=code, link_to_table="")}
            new_rows, filled = [], []
            for partner_id, contact_id in chunk:
                row = existing.get(contact_id) or ContactBusinessRelation(contact_id=contact_id,
                                                                         business_relation=code)
                row.link_to_table = kind
                setattr(row, f"{kind}_id", partner_id)
                (filled if row.pk else new_rows).append(row)
            insert_rows(ContactBusinessRelation, ["contact_id", "business_relation_id", "link_to_table",
                                                  "customer_id", "vendor_id", "bank_account_id"], new_rows)
            if filled:
                ContactBusinessRelation.objects.bulk_update(filled, ["link_to_table", f"{kind}_id"])
            if master == "contact":
                consistency.push_contacts_to_partners(kind, contact_ids)
            else:
                drifts = consistency.find_drift(kind, contact_ids=contact_ids)
                changed = consistency.pull_partners_into_contacts(kind, drifts)
                for other in consistency.KINDS:
                    consistency.push_contacts_to_partners(other, changed)
                consistency.push_contacts_to_partners(kind, contact_ids)  # contact type → customer
            if kind in ("customer", "vendor"):
                _set_primary_contacts(kind, chunk)
            refresh_relation_summaries(contact_ids)
            statistics.grew(len(chunk))


def _set_primary_contacts(kind, pairs):
    """As ``link_contact``: when the partner's contact text names a person of the company, that one is primary."""
    texts = dict(PARTNER_MODELS[kind].objects.filter(pk__in=[p for p, _ in pairs]).exclude(contact="")
                 .values_list("pk", "contact"))
    wanted = {(contact_id, texts[partner_id].strip()): partner_id for partner_id, contact_id in pairs
              if partner_id in texts}
    if not wanted:
        return
    found = {}
    for pk, company_id, name in (Contact.objects.filter(company_id__in={c for c, _ in wanted},
                                                        company__type=ContactType.COMPANY)
                                 .order_by("no").values_list("pk", "company_id", "name")):
        found.setdefault((company_id, name), pk)
    for key, partner_id in wanted.items():
        if key in found:
            ContactBusinessRelation.objects.filter(**{f"{kind}_id": partner_id}).update(primary_contact_id=found[key])


def write_report(result: LinkResult, stream):
    writer = csv.writer(stream)
    writer.writerow(REPORT_COLUMNS)
    for candidate, decision, (partner_no, partner_name), (contact_no, contact_name) in result.candidates:
        writer.writerow([partner_no, partner_name, contact_no, contact_name, candidate.score,
                         "; ".join(candidate.reasons), decision])
