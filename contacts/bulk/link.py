"""``link_contacts``: match partners that have no contact to contacts that have no partner of that type.

Candidates come only from shared blocking keys (``contacts.matching``): the same VAT registration
no., e-mail, phone number (E.164) or normalized name, or a rare word or word pair of the name.
Each candidate is scored; the confident ones (at or above ``min_score``) are resolved one-to-one,
best score first, and handed to the engine in chunks (``sync.link_pairs``, the function behind a
single "Link with existing"), which links them and finishes the change set. Every candidate goes to
the review report.
"""

import csv
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import sync
from contacts.matching import DEFAULT_LINK_SCORE, MATCH_FIELDS, MatchKeys, find_candidates, resolve_one_to_one
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup
from crm.bulk_insert import PlannerStatistics
from partners import kinds
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
        return [f"Compared {self.partners} unlinked {kinds.get(self.kind).plural} with {self.contacts} contacts.",
                f"{len(self.candidates)} candidate pair(s); {verb} {len(self.linked)}."]


def unlinked_partner_keys(kind: str):
    model = kinds.get(kind).model
    fields = (*MATCH_FIELDS, "no") + (("vat_registration_no",) if "vat_registration_no" in sync.BOTH_WAYS[kind] else ())
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
    if kinds.get(kind).standalone_person:
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
    sync.require_code(setup, kind)
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
    """Link each (partner pk, contact pk) through the engine, a chunk at a time, in one transaction.

    The caller guarantees the pre-checks (unlinked partner, contact without a link of this type,
    company or — for customers — stand-alone person, not privacy blocked). ``master`` says whose
    mapped values win where a pair differs.
    """
    setup = setup or MarketingSetup.load()
    from_partner = set(sync.BOTH_WAYS[kind]) if master == "partner" else set()
    reason = f"Linked in bulk: the {'contact' if master == 'contact' else kinds.get(kind).label}'s values win"
    statistics = PlannerStatistics(ContactBusinessRelation)  # the link table grows chunk by chunk
    with transaction.atomic():
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start:start + batch_size]
            sync.link_pairs(kind, chunk, setup=setup, reason=reason, from_partner=from_partner)
            statistics.grew(len(chunk))


def write_report(result: LinkResult, stream):
    writer = csv.writer(stream)
    writer.writerow(REPORT_COLUMNS)
    for candidate, decision, (partner_no, partner_name), (contact_no, contact_name) in result.candidates:
        writer.writerow([partner_no, partner_name, contact_no, contact_name, candidate.score,
                         "; ".join(candidate.reasons), decision])
