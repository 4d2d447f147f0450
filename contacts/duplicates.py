"""Duplicate company contacts: the search index, detection, "not a duplicate", and merging.

Follows Marketing Setup (reference §7.3, improved per DESIGN §9):
- ``maintain_dupl_search_strings``: a company contact's normalized keys (name without case, accents
  and legal-form suffix; VAT registration no.; e-mail; phone numbers in E.164) are kept in
  ``DuplicateSearchString`` whenever it is saved. Bulk creation always indexes what it creates.
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


def _same_keys(a: DuplicateSearchString, b: DuplicateSearchString) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in DUPLICATE_SEARCH_KEYS)


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
    used. On PostgreSQL one statement with each value list sent as one array: the ORM would send
    every value as a parameter of its own, and quoting thousands of them costs more than the lookups.
    """
    if not wanted:
        return []
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table, columns = quote(DuplicateSearchString._meta.db_table), ", ".join(map(quote, IndexRow._fields))
        sql = " UNION ALL ".join(f"SELECT {columns} FROM {table} WHERE {quote(column)} = ANY(%s) "
                                 f"AND {quote(column)} <> ''" for column in wanted)
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(values) for values in wanted.values()])
            return cursor.fetchall()
    return [values_row for column, values in wanted.items()
            for values_row in DuplicateSearchString.objects.filter(**{f"{column}__in": values})
            .exclude(**{column: ""}).values_list(*IndexRow._fields)]


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


def contact_saved(contact: Contact, created: bool) -> None:
    """After a contact save: re-index it once the transaction commits, if a key field may have changed.

    The index is derived data: the user's save does not wait for (or fail with) the duplicate search.
    """
    keys = tuple(getattr(contact, f) for f in Contact.DUPLICATE_KEY_FIELDS)
    if not created and getattr(contact, "_duplicate_keys", None) == keys:
        return
    contact._duplicate_keys = keys
    pk = contact.pk
    transaction.on_commit(lambda: _index_stored(pk))


def partner_saved(partner) -> None:
    """After a partner save: its changes may have reached its contact by an UPDATE (no contact signal),
    so re-index that contact once the transaction commits."""
    from contacts.models import ContactBusinessRelation

    kind, pk = partner.kind, partner.pk

    def reindex():
        contact_id = (ContactBusinessRelation.objects.filter(**{f"{kind}_id": pk})
                      .values_list("contact_id", flat=True).first())
        if contact_id is not None:
            _index_stored(contact_id)

    transaction.on_commit(reindex)


def _index_stored(pk):
    contact = Contact.objects.filter(pk=pk).only("pk", *Contact.DUPLICATE_KEY_FIELDS).first()
    if contact is not None:
        index_contact(contact)


def index_contact(contact: Contact, *, setup=None) -> bool:
    """Keep one contact's search string and duplicate pairs current (called after every contact save).

    Does nothing unless Marketing Setup maintains search strings, and only re-detects when a key
    changed. A contact that is (or became) a person leaves the index. Returns True when re-indexed.
    """
    setup = setup or MarketingSetup.load()
    if not setup.maintain_dupl_search_strings:
        return False
    if not contact.is_company:
        deleted, _ = DuplicateSearchString.objects.filter(contact_id=contact.pk).delete()
        if deleted:
            _forget_pairs([contact.pk])
        return bool(deleted)
    row = search_string_for(contact)
    old = DuplicateSearchString.objects.filter(contact_id=contact.pk).first()
    if old is not None and _same_keys(old, row):
        return False
    with transaction.atomic():
        _forget_pairs([contact.pk])
        row.save()
        if setup.autosearch_for_duplicates:
            others = _rows_sharing_keys([row])
            _store_pairs(_score_pairs([row], others.values(), setup.search_hit_pct))
    return True


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


# ---------------------------------------------------------------------------------------------
# Merging two contacts
# ---------------------------------------------------------------------------------------------

# The fields a user picks a surviving value for, in card order.
MERGE_FIELDS = ("name", "name_2", "search_name", "address", "address_2", "city", "post_code", "county",
                "country_code", "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory",
                "language_code", "currency_code", "vat_registration_no", "salesperson")


def differing_fields(survivor: Contact, other: Contact) -> list[str]:
    attnames = {f: Contact._meta.get_field(f).attname for f in MERGE_FIELDS}
    return [f for f in MERGE_FIELDS if getattr(survivor, attnames[f]) != getattr(other, attnames[f])]


def merge_contacts(survivor: Contact, other: Contact, *, take_from_other=()) -> Contact:
    """Merge ``other`` into ``survivor`` and delete ``other``.

    ``take_from_other`` names the fields whose value comes from ``other``; the rest keep the
    survivor's. Business relations (and their links), persons, interactions, documents and every
    other record pointing at ``other`` move to the survivor. Refused (ValidationError, nothing
    changed) when both are linked to a partner of the same type, or when they are the same contact.
    """
    from django.core.exceptions import ValidationError

    from contacts import consistency
    from contacts.models import ContactBusinessRelation, InteractionLogEntry
    from contacts.summary import refresh_relation_summaries

    if survivor.pk == other.pk:
        raise ValidationError("A contact cannot be merged with itself.")
    unknown = set(take_from_other) - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be merged: {', '.join(sorted(unknown))}.")
    survivor_links = {r.link_to_table: r for r in ContactBusinessRelation.objects.filter(contact=survivor)
                      .exclude(link_to_table="").select_related("customer", "vendor", "bank_account")}
    other_links = {r.link_to_table: r for r in ContactBusinessRelation.objects.filter(contact=other)
                   .exclude(link_to_table="").select_related("customer", "vendor", "bank_account")}
    both = sorted(set(survivor_links) & set(other_links))
    if both:
        kind = both[0]
        label = survivor_links[kind].get_link_to_table_display().lower()
        raise ValidationError(
            f"Contacts {survivor.no} and {other.no} are each linked to a {label} "
            f"({survivor_links[kind].partner.no} and {other_links[kind].partner.no}); a contact links at most one "
            f"{label}. Unlink one of them first.")

    with transaction.atomic():
        # Relation rows: a code the survivor already has is kept once (the linked row wins).
        survivor_codes = {r.business_relation_id: r for r in ContactBusinessRelation.objects.filter(contact=survivor)}
        for row in ContactBusinessRelation.objects.filter(contact=other):
            mine = survivor_codes.get(row.business_relation_id)
            if mine is None:
                continue
            if row.link_to_table and not mine.link_to_table:
                mine.delete()
            else:
                row.delete()
        ContactBusinessRelation.objects.filter(contact=other).update(contact=survivor)
        ContactBusinessRelation.objects.filter(primary_contact=other).update(primary_contact=survivor)
        Contact.objects.filter(company=other).update(company=survivor, company_name=survivor.name)
        InteractionLogEntry.objects.filter(contact=other).update(contact=survivor)
        _repoint_other_references(other, survivor)

        for name in take_from_other:
            attname = Contact._meta.get_field(name).attname
            setattr(survivor, attname, getattr(other, attname))
        other.delete()
        survivor.save()
        for kind in consistency.KINDS:  # partners that came with ``other`` now carry the survivor's values
            consistency.push_contacts_to_partners(kind, [survivor.pk])
        Contact.objects.filter(company=survivor).update(company_name=survivor.name)
        refresh_relation_summaries([survivor.pk])
        index_contact(survivor)
    survivor.refresh_from_db()
    return survivor


def _repoint_other_references(other, survivor):
    """Documents and any other table with a foreign key to Contact follow the merge (history stays as it was)."""
    from contacts.models import ContactBusinessRelation, InteractionLogEntry

    handled = {ContactBusinessRelation, InteractionLogEntry, Contact, DuplicateSearchString, ContactDuplicate}
    for relation in Contact._meta.related_objects:
        model = relation.related_model
        if model in handled or not relation.many_to_one or model.__name__.startswith("Historical"):
            continue
        model._default_manager.filter(**{relation.field.name: other}).update(**{relation.field.name: survivor})
