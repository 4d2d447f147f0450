"""``link_contacts``: match partners that have no contact to contacts that have no partner of that type.

The probabilistic matcher (``contacts.matching``) blocks, compares and scores every candidate pair
as a match probability, with the m/u weights estimated from these very records (and kept for the
next run). Then, per pair:

- probability ≥ ``min_score`` (default 0.9): linked, best match weight first, each partner and each
  contact at most once; a partner (or contact) whose two best candidates are equally strong (match
  weights within ``AMBIGUITY_MARGIN`` bits) is not linked but goes to review ("ambiguous");
- ``review_min`` ≤ probability < ``min_score``: listed on the review page (``MatchReview``) for a
  person to accept or reject;
- a pair a person rejected before is never linked or proposed again ("rejected");
- below ``review_min``: only in the report ("below").

The links are made by the engine in chunks (``sync.link_pairs``, the function behind a single "Link
with existing"), which links them and finishes the change set.
"""

import csv
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import sync
from contacts.matching import model, store
from contacts.matching.records import PERSON_ROW_FIELDS, ROW_FIELDS, Records
from contacts.models import Contact, ContactBusinessRelation, MarketingSetup, MatchReview
from crm.bulk_insert import PlannerStatistics
from crm.csv_io import to_export_cell
from partners import kinds
from partners.models import ContactType

DEFAULT_MIN_PROBABILITY = 0.9
DEFAULT_REVIEW_MIN = 0.5
REPORT_MIN_PROBABILITY = 0.01
AMBIGUITY_MARGIN = 1.0  # bits: two candidates closer than this are "equally good"
REPORT_COLUMNS = ["partner_no", "partner_name", "contact_no", "contact_name", "match_probability", "match_weight",
                  "decision", "explanation"]
LINKED, REVIEW, REJECTED, BELOW, AMBIGUOUS, OTHER = ("linked", "review", "rejected", "below", "ambiguous",
                                                     "other match better")


def probability_argument(value, name="--min-score") -> float:
    """A match probability from 0–1, or a percentage 1–100 (the old score scale); ValidationError otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a match probability between 0 and 1 (or a percentage), "
                              f"not {value!r}.") from None
    if number != number or number <= 0 or number > 100:
        raise ValidationError(f"{name} must be a match probability above 0 and at most 1 "
                              f"(or a percentage up to 100), not {value}.")
    return number / 100 if number > 1 else number


@dataclass
class LinkResult:
    kind: str
    partners: int = 0
    contacts: int = 0
    candidate_pairs: int = 0
    candidates_by_rule: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)  # report rows (dicts), best probability first per partner
    linked: list = field(default_factory=list)  # [(partner pk, contact pk, probability)]
    review: int = 0
    parameters: str = ""
    dry_run: bool = False

    def lines(self):
        verb = "Would link" if self.dry_run else "Linked"
        rules = ", ".join(f"{rule} {count}" for rule, count in self.candidates_by_rule.items() if count)
        return [f"Compared {self.partners} unlinked {kinds.get(self.kind).plural} with {self.contacts} contacts.",
                f"{self.candidate_pairs} candidate pair(s) from blocking ({rules or 'none'}); "
                f"m/u: {self.parameters}.",
                f"{verb} {len(self.linked)}; {self.review} pair(s) to review."]


def _fields_of(model_class, wanted):
    names = {f.name for f in model_class._meta.concrete_fields} | {"pk"}
    return [name for name in wanted if name in names]


def unlinked_partner_rows(kind: str):
    model_class = kinds.get(kind).model
    fields = _fields_of(model_class, (*ROW_FIELDS, "no", "contact_type"))
    return list(model_class.objects.filter(contact_links__isnull=True).order_by("pk").values(*fields)
                .iterator(chunk_size=5000))


def linkable_contact_rows(kind: str):
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
    return list(contacts.order_by("pk").values(*ROW_FIELDS, *PERSON_ROW_FIELDS, "no").iterator(chunk_size=5000))


def _resolve(scored, eligible, margin):
    """Decisions for the eligible pairs (indices into ``scored``): linked, ambiguous or other match better."""
    pairs = scored.pairs
    order = eligible[np.lexsort((pairs.j[eligible], pairs.i[eligible], -scored.weight[eligible]))]
    best_left, best_right = {}, {}  # the best weight of each side, and how many reach it (within the margin)
    for k in order:
        for best, key in ((best_left, int(pairs.i[k])), (best_right, int(pairs.j[k]))):
            if key not in best:
                best[key] = [scored.weight[k], 1]
            elif scored.weight[k] >= best[key][0] - margin:
                best[key][1] += 1
    used_left, used_right, decisions = set(), set(), {}
    for k in order:
        i, j = int(pairs.i[k]), int(pairs.j[k])
        if i in used_left or j in used_right:
            decisions[k] = OTHER
            continue
        used_left.add(i)
        used_right.add(j)
        tied = (best_left[i][1] > 1 and scored.weight[k] >= best_left[i][0] - margin) or \
               (best_right[j][1] > 1 and scored.weight[k] >= best_right[j][0] - margin)
        decisions[k] = AMBIGUOUS if tied else LINKED
    return decisions


def link_contacts(kind: str, *, min_score: float = DEFAULT_MIN_PROBABILITY, review_min: float = DEFAULT_REVIEW_MIN,
                  master: str = "contact", dry_run=False, report_min: float = REPORT_MIN_PROBABILITY,
                  margin: float = AMBIGUITY_MARGIN) -> LinkResult:
    setup = MarketingSetup.load()
    sync.require_code(setup, kind)
    if master not in ("contact", "partner"):
        raise ValidationError("The master must be 'contact' or 'partner'.")
    min_score = probability_argument(min_score)
    review_min = probability_argument(review_min, "--review-min")
    if review_min > min_score:
        raise ValidationError(f"--review-min ({review_min:g}) must not be above --min-score ({min_score:g}).")
    partner_rows, contact_rows = unlinked_partner_rows(kind), linkable_contact_rows(kind)
    result = LinkResult(kind=kind, partners=len(partner_rows), contacts=len(contact_rows), dry_run=dry_run)
    if not partner_rows or not contact_rows:
        return result
    left = Records.from_rows(partner_rows, person_of=lambda row: row.get("contact_type") == ContactType.PERSON)
    right = Records.from_rows(contact_rows)
    partner_info = [(row["no"], row["name"]) for row in partner_rows]
    contact_info = [(row["no"], row["name"]) for row in contact_rows]
    del partner_rows, contact_rows
    purpose = f"link:{kind}"
    scored = model.match(left, right, params=store.load(purpose))
    params = scored.params
    result.candidate_pairs = len(scored.pairs)
    result.candidates_by_rule = scored.candidates_by_rule
    result.parameters = f"{params.source}, prior {params.prior:.3f}" + (
        f", {params.iterations} EM iterations" if params.source == "estimated" else "")
    if not dry_run:
        store.save(purpose, params, pairs=len(scored.pairs))

    pairs = scored.pairs
    rejected = set(MatchReview.objects.filter(kind=kind, status=MatchReview.Status.REJECTED)
                   .values_list("partner_id", "contact_id"))
    is_rejected = np.array([(int(left.pks[i]), int(right.pks[j])) in rejected for i, j in zip(pairs.i, pairs.j)],
                           dtype=bool) if rejected else np.zeros(len(pairs), dtype=bool)
    probability = scored.probability
    eligible = np.flatnonzero((probability >= min_score) & ~is_rejected)
    decisions = _resolve(scored, eligible, margin)
    reported = np.flatnonzero((probability >= min(report_min, review_min)) | is_rejected)
    reported = reported[np.lexsort((-probability[reported], pairs.i[reported]))]
    review_rows = []
    for k in reported:
        i, j = int(pairs.i[k]), int(pairs.j[k])
        if is_rejected[k]:
            decision = REJECTED
        elif k in decisions:
            decision = decisions[k]
        else:
            decision = REVIEW if probability[k] >= review_min else BELOW
        row = {"partner_no": partner_info[i][0], "partner_name": partner_info[i][1],
               "contact_no": contact_info[j][0], "contact_name": contact_info[j][1],
               "match_probability": f"{probability[k]:.6f}", "match_weight": f"{scored.weight[k]:.2f}",
               "decision": decision, "explanation": model.explain(scored, k)}
        result.rows.append(row)
        if decision in (REVIEW, AMBIGUOUS):
            review_rows.append(MatchReview(kind=kind, partner_id=int(left.pks[i]), partner_no=row["partner_no"],
                                           partner_name=row["partner_name"][:100], contact_id=int(right.pks[j]),
                                           probability=float(probability[k]), weight=float(scored.weight[k]),
                                           explanation=row["explanation"][:500]))
    result.linked = [(int(left.pks[pairs.i[k]]), int(right.pks[pairs.j[k]]), float(probability[k]))
                     for k, decision in decisions.items() if decision == LINKED]
    result.review = len(review_rows)
    if not dry_run:
        with transaction.atomic():
            if result.linked:
                link_pairs(kind, [(p, c) for p, c, _ in result.linked], master=master, setup=setup)
            remember_review(kind, review_rows)
    return result


def remember_review(kind: str, rows) -> None:
    """Replace the pairs still to review for ``kind`` by this run's; accepted and rejected ones stay."""
    MatchReview.objects.filter(kind=kind, status=MatchReview.Status.PENDING).delete()
    MatchReview.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


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
    writer = csv.DictWriter(stream, fieldnames=REPORT_COLUMNS)
    writer.writeheader()
    for row in result.rows:  # a name starting with "=" must not become a live formula in a spreadsheet
        writer.writerow({column: to_export_cell(value) for column, value in row.items()})
