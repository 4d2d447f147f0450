"""The duplicate index of company contacts, detection of possible duplicates, "not a duplicate".

Follows Marketing Setup (reference §7.3, improved per DESIGN §9):
- ``maintain_dupl_search_strings``: a company contact's normalized keys (name without case, accents
  and legal-form suffix; VAT registration no.; e-mail; phone numbers in E.164) are kept in
  ``DuplicateSearchString``: the sync engine's last step (``contacts.sync.finish``) re-indexes every
  contact whose keys a change set changed and indexes every company it created, per row and in bulk.
- ``autosearch_for_duplicates``: when a contact is indexed, contacts sharing one of its keys are
  scored (``contacts.matching.score``) and pairs at or above ``search_hit_pct`` are stored as
  ``ContactDuplicate``.
- A pair marked "not a duplicate" (``separate``) is kept when the index is rebuilt and never
  reported again.
"""

from collections import namedtuple

from django.db import connection, transaction
from django.db.models import Q

from contacts.matching import MatchKeys, normalize_email, normalize_phone, normalize_vat, score
from contacts.matching import normalize_name as _normalize_name
from contacts.models import (DUPLICATE_SEARCH_KEYS, Contact, ContactDuplicate, DuplicateSearchString,
                             MarketingSetup)
from crm.bulk_insert import analyze, insert_values

LOOKUP_CHUNK = 500
# Candidates read per key value (the lowest contact ids first): a name, VAT no., e-mail or phone shared by more
# contacts than this is no sign of a duplicate (a switchboard, a placeholder), and reading and scoring all
# of them would make a save's cost grow with the table (issue 15).
CANDIDATES_PER_KEY = 200

# An index row as read back for scoring: a plain tuple (no model instance per row).
IndexRow = namedtuple("IndexRow", ["contact_id", *DUPLICATE_SEARCH_KEYS])


def index_values(contact: Contact) -> IndexRow:
    """A contact's normalized keys, as the index row stores them (a plain tuple)."""
    return IndexRow(
        contact.pk,
        _normalize_name(contact.name)[:100],
        normalize_vat(contact.vat_registration_no)[:20],
        normalize_email(contact.email)[:80],
        normalize_phone(contact.phone_no, contact.country_code)[:30],
        normalize_phone(contact.mobile_phone_no, contact.country_code)[:30],
    )


def search_string_for(contact: Contact) -> DuplicateSearchString:
    return DuplicateSearchString(**index_values(contact)._asdict())


def keys_of(row: DuplicateSearchString) -> MatchKeys:
    return MatchKeys(pk=row.contact_id, name=row.name, tokens=tuple(row.name.split()), vat=row.vat,
                     email=row.email, phones=frozenset(p for p in (row.phone, row.mobile_phone) if p))


def _rows_sharing_keys(rows: list[DuplicateSearchString], *, skip=frozenset()):
    """Index rows of other contacts that share a normalized key with one of ``rows``.

    One indexed lookup per key column (not one OR over all of them), so that every database uses
    its index even when its statistics have not caught up with a bulk insert. Rows of the contacts
    in ``skip`` are left out (the caller has them in memory already).
    """
    found = {}
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start:start + LOOKUP_CHUNK]
        phones = {p for r in chunk for p in (r.phone, r.mobile_phone) if p}
        wanted = {
            "name": {r.name for r in chunk if r.name},
            "vat": {r.vat for r in chunk if r.vat},
            "email": {r.email for r in chunk if r.email},
            "phone": phones,
            "mobile_phone": phones,
        }
        for values_row in _index_rows_with({column: values for column, values in wanted.items() if values}):
            if values_row[0] not in skip:
                found[values_row[0]] = IndexRow._make(values_row)
    return found


def _index_rows_with(wanted: dict) -> list[tuple]:
    """The index rows (``IndexRow`` values) whose ``column`` holds one of its ``values`` ({column: values}).

    Each column is looked up on its own, "not blank" as its partial index says, so that the index is
    used, all in one statement (UNION ALL); at most ``CANDIDATES_PER_KEY`` rows per value. On PostgreSQL
    each value list is sent as one array: a
    parameter per value would cost more to quote than the lookups themselves.
    """
    if not wanted:
        return []
    quote = connection.ops.quote_name
    table, columns = quote(DuplicateSearchString._meta.db_table), ", ".join(map(quote, IndexRow._fields))

    def ranked(column, condition):  # at most CANDIDATES_PER_KEY rows per value of the column
        return (f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {quote(column)} "
                f"ORDER BY {quote('contact_id')}) AS rank_in_key FROM {table} WHERE {condition} "
                f"AND {quote(column)} <> '') ranked WHERE rank_in_key <= {CANDIDATES_PER_KEY}")

    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join(ranked(column, f"{quote(column)} = ANY(%s)") for column in wanted)
        params = [list(values) for values in wanted.values()]
    else:
        sql = " UNION ALL ".join(ranked(column, f"{quote(column)} IN ({', '.join(['%s'] * len(values))})")
                                 for column, values in wanted.items())
        params = [value for values in wanted.values() for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _score_pairs(rows, others, threshold):
    """Pairs (lower pk, higher pk) → (score, reasons) among ``rows`` × ``others`` sharing a key."""
    keys = {}  # contact id → MatchKeys, each made once (the rows are usually among the others)
    by_key = {}
    for other in others:
        other_keys = keys[other.contact_id] = keys_of(other)
        for key in other_keys.exact_keys():
            by_key.setdefault(key, []).append(other.contact_id)
    pairs = {}
    for row in rows:
        mine = keys.get(row.contact_id) or keys_of(row)
        for key in mine.exact_keys():
            for other_id in by_key.get(key, ()):
                if other_id == row.contact_id:
                    continue
                pair = (min(row.contact_id, other_id), max(row.contact_id, other_id))
                if pair in pairs:
                    continue
                value, reasons = score(mine, keys[other_id], at_least=threshold)
                if value >= threshold:
                    pairs[pair] = (value, "; ".join(reasons))
    return pairs


def _store_pairs(pairs):
    ContactDuplicate.objects.bulk_create(
        [ContactDuplicate(contact_id=lo, duplicate_id=hi, score=value, reasons=reasons[:200])
         for (lo, hi), (value, reasons) in pairs.items()],
        ignore_conflicts=True,  # a pair already stored (perhaps marked "not a duplicate") stays as it is
    )


def find_for_new_contacts(contacts, *, dry_run=False, setup=None):
    """Index freshly bulk-created company contacts and store their possible duplicates.

    Returns the list of pairs found (``[(pk, pk, score, reasons)]``). With ``dry_run`` nothing is
    written and contacts without a primary key get temporary negative ones.
    """
    setup = setup or MarketingSetup.load()
    if not setup.maintain_dupl_search_strings:
        return []
    companies = [c for c in contacts if c.is_company]
    rows = []
    for index, contact in enumerate(companies):
        row = index_values(contact)
        if row.contact_id is None:
            row = row._replace(contact_id=-(index + 1))
        rows.append(row)
    if not dry_run:
        insert_values(DuplicateSearchString, IndexRow._fields, rows)
    if not setup.autosearch_for_duplicates:
        return []
    # The batch itself is compared from memory (in dry-run it is not in the table; otherwise every
    # row would only find itself again): the same rows a lookup would return, without reading them.
    others = _rows_sharing_keys(rows, skip={row.contact_id for row in rows})
    others.update({row.contact_id: row for row in rows})
    pairs = _score_pairs(rows, others.values(), setup.search_hit_pct)
    if not dry_run:
        _store_pairs(pairs)
    return [(lo, hi, value, reasons) for (lo, hi), (value, reasons) in pairs.items()]


KEY_ATTS = frozenset(Contact.DUPLICATE_KEY_FIELDS)  # a change to one of these re-indexes the contact


def reindex(contacts, *, setup=None) -> int:
    """Keep the search strings and duplicate pairs of these contacts (as stored now) current, set-based.

    Does nothing unless Marketing Setup maintains search strings. Companies whose keys changed get a
    new index row and are searched again (when Autosearch is on); contacts that are (or became)
    persons leave the index. Returns the number of contacts re-indexed or removed.
    """
    setup = setup or MarketingSetup.load()
    if not setup.maintain_dupl_search_strings:
        return 0
    contacts = list(contacts)
    done = 0
    persons = [c.pk for c in contacts if not c.is_company]
    for start in range(0, len(persons), LOOKUP_CHUNK):
        chunk = persons[start:start + LOOKUP_CHUNK]
        gone = list(DuplicateSearchString.objects.filter(contact_id__in=chunk).values_list("contact_id", flat=True))
        if gone:
            DuplicateSearchString.objects.filter(contact_id__in=gone).delete()
            _forget_pairs(gone)
            done += len(gone)
    companies = [c for c in contacts if c.is_company]
    for start in range(0, len(companies), LOOKUP_CHUNK):
        rows = {c.pk: index_values(c) for c in companies[start:start + LOOKUP_CHUNK]}
        stored = {values[0]: IndexRow._make(values) for values in DuplicateSearchString.objects.filter(
            contact_id__in=list(rows)).values_list(*IndexRow._fields)}
        stale = [row for pk, row in rows.items() if stored.get(pk) != row]
        if not stale:
            continue
        stale_ids = [row.contact_id for row in stale]
        _forget_pairs(stale_ids)
        DuplicateSearchString.objects.filter(contact_id__in=stale_ids).delete()
        insert_values(DuplicateSearchString, IndexRow._fields, stale)
        if setup.autosearch_for_duplicates:
            _store_pairs(_score_pairs(stale, _rows_sharing_keys(stale).values(), setup.search_hit_pct))
        done += len(stale)
    return done


def index_contact(contact: Contact, *, setup=None) -> bool:
    """Keep one contact's search string and duplicate pairs current; True when it was re-indexed."""
    return bool(reindex([contact], setup=setup))


def _forget_pairs(contact_pks):
    """Drop the pairs of these contacts, except those a person marked "not a duplicate"."""
    ContactDuplicate.objects.filter(Q(contact_id__in=contact_pks) | Q(duplicate_id__in=contact_pks),
                                    separate=False).delete()


def rebuild_index(*, batch_size=2000, progress=None, setup=None) -> dict:
    """Rebuild the whole index and all pairs (``manage.py find_duplicates``); "not a duplicate" marks stay."""
    setup = setup or MarketingSetup.load()
    with transaction.atomic():
        DuplicateSearchString.objects.all().delete()
        ContactDuplicate.objects.filter(separate=False).delete()
        companies = Contact.objects.filter(type=Contact.Type.COMPANY).order_by("pk")
        fields = ("pk", "type", "name", "vat_registration_no", "email", "phone_no", "mobile_phone_no",
                  "country_code")
        indexed = 0
        batch = []
        for contact in companies.only(*fields).iterator(chunk_size=batch_size):
            batch.append(search_string_for(contact))
            if len(batch) >= batch_size:
                DuplicateSearchString.objects.bulk_create(batch)
                indexed += len(batch)
                batch = []
        DuplicateSearchString.objects.bulk_create(batch)
        indexed += len(batch)
        analyze(DuplicateSearchString)  # the lookups below are planned for the full index, not the empty one
        pairs = 0
        if setup.autosearch_for_duplicates:
            last = 0
            while True:
                rows = list(DuplicateSearchString.objects.filter(contact_id__gt=last).order_by("contact_id")
                            [:batch_size])
                if not rows:
                    break
                last = rows[-1].contact_id
                found = _score_pairs(rows, _rows_sharing_keys(rows).values(), setup.search_hit_pct)
                _store_pairs(found)
                if progress:
                    progress(len(rows))
            pairs = ContactDuplicate.objects.filter(separate=False).count()
    return {"indexed": indexed, "pairs": pairs,
            "separate": ContactDuplicate.objects.filter(separate=True).count()}


def open_pairs():
    """Pairs still to review (not marked "not a duplicate"), best score first, with both contacts."""
    return ContactDuplicate.objects.filter(separate=False).select_related("contact", "duplicate")


def mark_separate(pair: ContactDuplicate) -> ContactDuplicate:
    pair.separate = True
    pair.save(update_fields=["separate"])
    return pair
