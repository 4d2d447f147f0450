"""``create_contacts_from``: a contact for every customer, vendor or bank account without one, in batches.

The driver pages through the selected partners by primary key, keeps those without a contact and
hands each batch to the engine (``sync.create_contacts_for_partners``: the same function that makes
one partner's contact when it is created or on "Create contact"). Each batch is one transaction, so
an interrupted run loses nothing and a re-run picks up where it stopped.

Two things happen outside a batch's transaction so that two workers running chunks of one job do
not wait for each other: the batch's contact numbers are reserved first, in a short transaction of
their own (``NumberReservation``: gaps allowed); and a batch's new companies are searched for
duplicates at the start of the *next* batch's transaction, after they committed (the search of a
worker's batch then sees every batch the other worker committed before it). Which contacts still wait
for their search is part of the checkpoint, so a run stopped between two batches searches them on
resume.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef

from contacts import sync
from contacts.duplicates import index as duplicate_index
from contacts.models import Contact, ContactBusinessRelation, DuplicateSearchString, MarketingSetup
from crm.bulk_insert import PlannerStatistics
from partners import kinds
from partners.numbering import NumberReservation

logger = logging.getLogger(__name__)


def require_setup(kind: str) -> MarketingSetup:
    """Marketing Setup, refusing with a clear message when contacts cannot be made for ``kind``."""
    setup = MarketingSetup.load()
    sync.require_code(setup, kind)
    sync.require_contact_nos(setup)
    return setup


# The posting group of each kind, one of the request page's filters.
POSTING_GROUP_FIELD = {"customer": "customer_posting_group", "vendor": "vendor_posting_group",
                       "bank_account": "bank_acc_posting_group"}


def partners_without_contact(kind: str, **filters):
    """The partners of ``kind`` (filtered like BC's request page) that no contact is linked to."""
    return filter_partners(kind, **filters).filter(contact_links__isnull=True)


def filter_partners(kind: str, *, from_no="", to_no="", search_name="", currency="", posting_group=""):
    queryset = kinds.get(kind).model.objects.all()
    if posting_group:
        queryset = queryset.filter(**{POSTING_GROUP_FIELD[kind]: posting_group})
    if from_no:
        queryset = queryset.filter(no__gte=from_no)
    if to_no:
        queryset = queryset.filter(no__lte=to_no)
    if search_name:
        queryset = queryset.filter(search_name__icontains=search_name)
    if currency:
        queryset = queryset.filter(currency_code=currency.upper())
    return queryset


# ---------------------------------------------------------------------------------------------
# create_contacts_from
# ---------------------------------------------------------------------------------------------


@dataclass
class CreateSummary:
    kind: str
    dry_run: bool = False
    selected: int = 0
    created: int = 0
    persons: int = 0
    skipped: int = 0
    duplicates: int = 0
    refused: list = field(default_factory=list)  # "C00010 (bad@)" — partners with an invalid e-mail

    def lines(self) -> list[str]:
        verb = "Would create" if self.dry_run else "Created"
        return [
            f"{verb} {self.created} contact(s) from {kinds.get(self.kind).plural}"
            + (f" and {self.persons} person(s) from their contact names" if self.persons else "") + ".",
            f"Skipped {self.skipped} {kinds.get(self.kind).plural} that already have a contact.",
            f"Possible duplicates: {self.duplicates}"
            + (" (review them on the Duplicates page)." if self.duplicates and not self.dry_run else "."),
        ] + ([f"Left out {len(self.refused)} with an e-mail that is not an e-mail address (correct it, then "
              f"run again): {', '.join(self.refused[:20])}" + (" …" if len(self.refused) > 20 else "")]
             if self.refused else [])


def create_contacts_from(kind: str, *, batch_size: int = 1000, dry_run: bool = False, progress=None,
                         after_pk: int = 0, up_to_pk: int | None = None, checkpoint=None, unsearched=(),
                         **filters) -> CreateSummary:
    """Create a linked company contact for every partner of ``kind`` (matching ``filters``) without one.

    ``progress`` is called with the number of partners handled after each batch. Raises
    ValidationError when Marketing Setup lacks the code for ``kind`` or Contact Nos.
    ``after_pk`` / ``up_to_pk`` limit the run to a primary-key range (a background job's chunk, resumed
    from its checkpoint); ``checkpoint(last_pk, page, batch, made, unsearched)`` is called inside each
    batch's transaction, after its contacts were made, so that a caller's record of the batch commits (or
    rolls back) with it; ``unsearched`` are the new contacts whose duplicates are still to be searched
    (the checkpoint's, on resume).
    """
    if kind not in kinds.KINDS:
        raise ValueError(f"Unknown partner kind {kind!r}")
    setup = require_setup(kind)
    summary = CreateSummary(kind=kind, dry_run=dry_run)
    # Page through the selected partners by primary key and keep those without a contact: every page
    # is one short index range, however many partners earlier runs have linked already.
    has_contact = Exists(ContactBusinessRelation.objects.filter(**{kind: OuterRef("pk")}))
    partners = filter_partners(kind, **filters).order_by("pk").annotate(has_contact=has_contact)
    if up_to_pk is not None:
        partners = partners.filter(pk__lte=up_to_pk)
    statistics = PlannerStatistics(ContactBusinessRelation, DuplicateSearchString)
    numbers = NumberReservation(setup.contact_nos, Contact)
    last_pk, pending = after_pk, list(unsearched)
    try:
        while True:
            page = list(partners.filter(pk__gt=last_pk)[:batch_size])
            batch = [partner for partner in page if not partner.has_contact]
            if not dry_run:
                numbers.reserve(sync.contact_numbers_needed(kind, batch))
            with transaction.atomic():
                found = duplicate_index.search_new_contacts(pending, setup=setup)
                made = (sync.create_contacts_for_partners(kind, batch, setup, dry_run=dry_run, numbers=numbers.take,
                                                          search_duplicates=False)
                        if batch else sync.CreatedContacts())
                if not dry_run:
                    made.duplicates = found
                pending = [] if dry_run else [company.pk for company in made.companies]
                last_pk = page[-1].pk if page else last_pk
                if checkpoint:
                    checkpoint(last_pk, page, batch, made, pending)
            summary.refused.extend(made.refused)
            summary.selected += len(page)
            summary.skipped += len(page) - len(batch)
            summary.created += len(made.companies)
            summary.persons += made.persons
            summary.duplicates += len(made.duplicates)
            if not page:
                break
            statistics.grew(0 if dry_run else len(made.companies))
            if progress:
                progress(len(batch))
    except Exception:
        if pending and not dry_run:  # the batch that was to search them failed: search them before giving up
            _search_left_over(pending, setup)
        raise
    finally:
        numbers.release()
    return summary


def _search_left_over(pending, setup) -> None:
    try:
        with transaction.atomic():
            duplicate_index.search_new_contacts(pending, setup=setup)
    except Exception:  # noqa: BLE001 - the run's own error is the one to report; a resumed job searches them
        logger.exception("Duplicate search of %d new contacts failed after a failed batch", len(pending))
