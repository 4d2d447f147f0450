"""The duplicate index of contacts (companies and persons), detection of possible duplicates, "not a duplicate".

Follows Marketing Setup (reference §7.3, improved per DESIGN §9):
- ``maintain_dupl_search_strings``: a contact's blocking keys (normalized name; VAT registration no.;
  e-mail; phone numbers in E.164; the sound of a person's name parts in either order; post code +
  street), everything the matcher compares (normalized: its record) and a signature of it are kept in
  ``DuplicateSearchString``:
  the sync engine's last step (``contacts.sync.finish``) re-indexes every contact whose compared
  fields a change set changed and indexes every contact it created, per row and in bulk.
- ``autosearch_for_duplicates``: when a contact is indexed, contacts sharing one of its keys are
  scored by the probabilistic matcher (``contacts.matching``), from their index rows' records (no
  candidate's contact row is read or normalized again), with the parameters the last full run
  (``find_duplicates``) estimated, or its defaults; pairs whose match probability reaches
  ``search_hit_pct`` (read as a percentage) are stored as ``ContactDuplicate`` with each field's
  contribution as reasons.
- ``rebuild_index`` (``find_duplicates``): every contact at once, blocked and scored in columns, the
  m/u probabilities estimated again by EM and kept for the per-contact search.
- A pair marked "not a duplicate" (``separate``) is kept when the index is rebuilt and never
  reported again. A company and a person are never a pair.
"""

import hashlib
from collections import Counter, namedtuple

import numpy as np
from django.db import connection, transaction
from django.db.models import Q

from contacts.matching import model, store
from contacts.matching.blocking import candidate_pairs
from contacts.matching.phonetic import soundex
from contacts.matching.records import PERSON_ROW_FIELDS, ROW_FIELDS, Records
from contacts.models import DUPLICATE_SEARCH_KEYS, Contact, ContactDuplicate, DuplicateSearchString, MarketingSetup
from crm.bulk_insert import analyze, insert_values

LOOKUP_CHUNK = 500
# A key value (name, VAT no., e-mail, phone, name sound, post code + street) shared by more contacts than this is
# no sign of a duplicate (a switchboard, a placeholder, a common name) and finds no candidates: at most this many
# + 1 rows are read per value, so a save's cost does not grow with the table (issue 15), and none of them is
# scored. Names repeat in any population, more as it grows: with a bound of 200, a company name shared by 20
# contacts at 100,000 was shared by 200 at 1,000,000 and every new contact scored ten times the candidates, so
# a bulk run's cost per row grew with the table. A true duplicate shares more than a common name (an e-mail, a
# phone, a VAT no., an address), and a name alone never reaches Search Hit %.
CANDIDATES_PER_KEY = 30
# The sound of a name is the weakest key (a company's first two name words by Soundex, a person's given name
# and surname sounds; 200,000 generated companies share 3,250 sounds, up to 143 each): a sound shared by more
# contacts than this finds nothing on its own. It is there for a misspelt name that shares no other key, which
# only a rare name can be told by. Seeding 400,000 contacts took 203 s with a bound of 15, 169 s with 5 (the
# candidates of common person-name sounds grew with the table); scoring every contact of a common sound cost a
# bulk create 5 s per 1,000 new contacts at 200,000 and found no pair the other keys missed.
CANDIDATES_PER_SOUND = 5
# A name (a firm's, legal form dropped, or a person's full name) repeats in any population, more the larger it
# is: shared by more contacts than this, it finds nothing on its own either. Without other agreement a name
# alone scores about 8 % (given name and surname +13.6 bits against a different address, phone and e-mail), so
# the name key decides little; with a bound of 30, seeding 1,000,000 contacts scored 2.4 times as many
# candidates per new contact at the end as at 100,000 (Faker's few thousand names per country repeat ever more).
CANDIDATES_PER_NAME = 5
MAX_KEY_BLOCK = 200  # a key shared by more contacts than this (a common name sound) finds nothing on its own
PURPOSE = "duplicates"
CONTACT_FIELDS = (*ROW_FIELDS, *PERSON_ROW_FIELDS)

# An index row: a plain tuple (no model instance per row).
IndexRow = namedtuple("IndexRow", ["contact_id", *DUPLICATE_SEARCH_KEYS, "signature", "record"])


def _row_of(contact) -> dict:
    """The values the matcher reads, from a contact instance (saved or not)."""
    return {name: (contact.pk if name == "pk" else getattr(contact, name, "") or "") for name in CONTACT_FIELDS}


def index_rows(records: Records) -> list[IndexRow]:
    """The index rows of normalized records (``contacts.matching.records``)."""
    out = []
    cols = records.columns
    for k, record in enumerate(records.as_strings()):
        given, surname = cols["given"][k], cols["surname"][k]
        if records.person[k]:
            sound = "|".join(sorted((soundex(given), soundex(surname.replace(" ", ""))))) if given and surname else ""
        else:
            tokens = cols["name"][k].split()
            sound = "|".join(soundex(t) for t in tokens[:2]) if tokens else ""
        post_street = f"{cols['post_code'][k]}|{cols['street'][k]}" if cols["post_code"][k] and cols["street"][k] else ""
        phones = cols["phones"][k].split()
        out.append(IndexRow(
            int(records.pks[k]), cols["name"][k][:100], cols["vat"][k][:20], cols["email"][k][:80],
            (phones[0] if phones else "")[:30], (phones[1] if len(phones) > 1 else "")[:30], sound[:40],
            post_street[:80], hashlib.blake2b(record.encode(), digest_size=12).hexdigest(), record))
    return out


def index_values(contact: Contact) -> IndexRow:
    """A contact's index row."""
    return index_rows(Records.from_rows([_row_of(contact)]))[0]


def _limit(column: str) -> int:
    return {"name_sound": CANDIDATES_PER_SOUND, "name": CANDIDATES_PER_NAME}.get(column, CANDIDATES_PER_KEY)


def _index_rows_with(wanted: dict) -> list[tuple]:
    """The index rows whose ``column`` holds one of its ``values`` ({column: values}), except for values
    held by more rows than the column's limit (``CANDIDATES_PER_KEY``, ``CANDIDATES_PER_SOUND``,
    ``CANDIDATES_PER_NAME``).

    Each column is looked up on its own, "not blank" as its partial index says, so that the index is
    used, all in one statement (UNION ALL), and at most the limit + 1 rows are read per value, to tell a
    value that is too common: on PostgreSQL a LATERAL subquery with a LIMIT per value (each value list sent
    as one array: a parameter per value would cost more to quote than the lookups themselves), so a value
    shared by thousands of contacts costs 51 or 201 index entries, not thousands; on SQLite the rows of each
    value are numbered and cut.
    """
    if not wanted:
        return []
    quote = connection.ops.quote_name
    table, columns = quote(DuplicateSearchString._meta.db_table), ", ".join(map(quote, IndexRow._fields))
    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join(
            f"SELECT '{column}', found.* FROM unnest(%s::text[]) AS wanted(value) CROSS JOIN LATERAL "
            f"(SELECT {columns} FROM {table} WHERE {quote(column)} = wanted.value AND {quote(column)} <> '' "
            f"LIMIT {_limit(column) + 1}) found" for column in wanted)
        params = [list(values) for values in wanted.values()]
    else:
        sql = " UNION ALL ".join(
            f"SELECT '{column}', {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {quote(column)}) "
            f"AS rank_in_key FROM {table} WHERE {quote(column)} IN ({', '.join(['%s'] * len(values))}) "
            f"AND {quote(column)} <> '') ranked WHERE rank_in_key <= {_limit(column) + 1}"
            for column, values in wanted.items())
        params = [value for values in wanted.values() for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()  # (key column, *IndexRow)
    position = {column: 1 + IndexRow._fields.index(column) for column in wanted}
    per_value = Counter((row[0], row[position[row[0]]]) for row in found)
    return [row[1:] for row in found if per_value[row[0], row[position[row[0]]]] <= _limit(row[0])]


def _keys(row: IndexRow):
    keys = [(column, getattr(row, column)) for column in ("name", "vat", "email", "name_sound", "post_street")]
    keys += [("phone", p) for p in (row.phone, row.mobile_phone)]
    return [key for key in keys if key[1]]


def _rows_sharing_keys(rows, *, skip=frozenset()):
    """Index rows of other contacts that share a key with one of ``rows`` ({contact id: IndexRow})."""
    found = {}
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start:start + LOOKUP_CHUNK]
        phones = {p for r in chunk for p in (r.phone, r.mobile_phone) if p}
        wanted = {column: {getattr(r, column) for r in chunk if getattr(r, column)}
                  for column in ("name", "vat", "email", "name_sound", "post_street")}
        wanted.update(phone=phones, mobile_phone=phones)
        for values_row in _index_rows_with({column: values for column, values in wanted.items() if values}):
            if values_row[0] not in skip:
                found[values_row[0]] = IndexRow._make(values_row)
    return found


def _score_pairs(rows, others, threshold, params):
    """Pairs (lower pk, higher pk) → (probability, explanation) among ``rows`` × ``others`` (index rows)
    sharing a key, at or above ``threshold`` (a probability); scored from the index rows' records."""
    by_key = {}
    for other in others:
        for key in _keys(other):
            by_key.setdefault(key, []).append(other.contact_id)
    wanted = set()
    for row in rows:
        for key in _keys(row):
            block = by_key.get(key, ())
            if len(block) > MAX_KEY_BLOCK:
                continue
            for other_id in block:
                if other_id != row.contact_id:
                    wanted.add((min(row.contact_id, other_id), max(row.contact_id, other_id)))
    if not wanted:
        return {}
    ids = sorted({pk for pair in wanted for pk in pair})
    stored = {row.contact_id: row.record for row in rows} | {row.contact_id: row.record for row in others}
    records = Records.from_strings(ids, [stored[pk] for pk in ids])
    position = {pk: k for k, pk in enumerate(ids)}
    i = np.fromiter((position[a] for a, _ in wanted), np.int64, len(wanted))
    j = np.fromiter((position[b] for _, b in wanted), np.int64, len(wanted))
    same_type = records.person[i] == records.person[j]
    i, j = i[same_type], j[same_type]
    # No term-frequency adjustment: the records here are one save's or one batch's candidates, not the
    # population, so how often a name occurs among them says nothing about how rare it is (a batch of 500
    # made every name that occurs once "rare" and namesakes at different firms scored 84-97 %). A batch is
    # scored as saving each of its contacts would score it (fewer than 200 records: no adjustment either).
    scored = model.score(model.Pairs(records, records, i, j, dedupe=True), params, tf={})
    return {(int(records.pks[i[k]]), int(records.pks[j[k]])): (float(scored.probability[k]), model.explain(scored, k))
            for k in np.flatnonzero(scored.probability >= threshold)}


def _store_pairs(pairs):
    ContactDuplicate.objects.bulk_create(
        [ContactDuplicate(contact_id=lo, duplicate_id=hi, score=round(probability * 100), probability=probability,
                          reasons=reasons[:500])
         for (lo, hi), (probability, reasons) in pairs.items()],
        batch_size=2000,
        ignore_conflicts=True,  # a pair already stored (perhaps marked "not a duplicate") stays as it is
    )


def threshold_of(setup) -> float:
    """Marketing Setup's Search Hit % as a match probability."""
    return max(setup.search_hit_pct, 1) / 100


def find_for_new_contacts(contacts, *, dry_run=False, setup=None, search=True):
    """Index freshly created contacts and store their possible duplicates.

    Returns the list of pairs found (``[(pk, pk, score, reasons)]``). With ``dry_run`` nothing is
    written and contacts without a primary key get temporary negative ones. Without ``search`` the
    contacts are only indexed (``search_new_contacts`` finds their duplicates later).
    """
    setup = setup or MarketingSetup.load()
    if not setup.maintain_dupl_search_strings:
        return []
    contact_rows = {}
    for index, contact in enumerate(contacts):
        row = _row_of(contact)
        if row["pk"] is None:
            row["pk"] = -(index + 1)
        contact_rows[row["pk"]] = row
    rows = index_rows(Records.from_rows(list(contact_rows.values())))
    if not dry_run:
        insert_values(DuplicateSearchString, IndexRow._fields, rows)
    if not search or not setup.autosearch_for_duplicates:
        return []
    # The batch itself is compared from memory (in dry-run it is not in the table; otherwise every
    # row would only find itself again).
    others = _rows_sharing_keys(rows, skip=set(contact_rows))
    others.update({row.contact_id: row for row in rows})
    return _found(rows, others, setup, write=not dry_run)


def search_new_contacts(contact_ids, *, setup=None):
    """Store the possible duplicates of contacts indexed by an earlier, committed transaction.

    A bulk run indexes each batch's new contacts and searches them at the start of its next batch. Two
    workers creating contacts at once then both find a pair split between their batches: each searches
    only after its own batch committed, so whichever searches second sees the other's contacts. A pair
    found by both is stored once. Returns the pairs found, as ``find_for_new_contacts`` does.
    """
    setup = setup or MarketingSetup.load()
    contact_ids = list(contact_ids)
    if not contact_ids or not (setup.maintain_dupl_search_strings and setup.autosearch_for_duplicates):
        return []
    rows = []
    for start in range(0, len(contact_ids), LOOKUP_CHUNK):
        rows += map(IndexRow._make, DuplicateSearchString.objects.filter(
            contact_id__in=contact_ids[start:start + LOOKUP_CHUNK]).values_list(*IndexRow._fields))
    others = _rows_sharing_keys(rows)
    others.update({row.contact_id: row for row in rows})  # as find_for_new_contacts compares its batch
    return _found(rows, others, setup)


def _found(rows, others, setup, *, write=True):
    """The pairs of ``rows`` × ``others`` (index rows by contact id) reaching Search Hit %, stored unless not
    ``write``, as [(pk, pk, score, reasons)]."""
    pairs = _score_pairs(rows, list(others.values()), threshold_of(setup), store.load(PURPOSE))
    if write:
        _store_pairs(pairs)
    return [(lo, hi, round(p * 100), reasons) for (lo, hi), (p, reasons) in pairs.items()]


KEY_ATTS = frozenset(Contact.DUPLICATE_KEY_FIELDS)  # a change to one of these re-indexes the contact


def reindex(contacts, *, setup=None) -> int:
    """Keep the search strings and duplicate pairs of these contacts (as stored now) current, set-based.

    Does nothing unless Marketing Setup maintains search strings. Contacts whose compared values
    changed get a new index row and are searched again (when Autosearch is on). Returns the number of
    contacts re-indexed.
    """
    setup = setup or MarketingSetup.load()
    if not setup.maintain_dupl_search_strings:
        return 0
    contacts = list(contacts)
    done = 0
    params = None
    for start in range(0, len(contacts), LOOKUP_CHUNK):
        chunk = contacts[start:start + LOOKUP_CHUNK]
        contact_rows = {c.pk: _row_of(c) for c in chunk}
        rows = {row.contact_id: row for row in index_rows(Records.from_rows(list(contact_rows.values())))}
        stored = set(DuplicateSearchString.objects.filter(contact_id__in=list(rows))
                     .values_list("contact_id", "signature"))
        stale = [row for pk, row in rows.items() if (pk, row.signature) not in stored]
        if not stale:
            continue
        stale_ids = [row.contact_id for row in stale]
        _forget_pairs(stale_ids)
        DuplicateSearchString.objects.filter(contact_id__in=stale_ids).delete()
        insert_values(DuplicateSearchString, IndexRow._fields, stale)
        if setup.autosearch_for_duplicates:
            others = _rows_sharing_keys(stale)
            params = params or store.load(PURPOSE)
            _store_pairs(_score_pairs(stale, list(others.values()), threshold_of(setup), params))
        done += len(stale)
    return done


def index_contact(contact: Contact, *, setup=None) -> bool:
    """Keep one contact's search string and duplicate pairs current; True when it was re-indexed."""
    return bool(reindex([contact], setup=setup))


def _forget_pairs(contact_pks):
    """Drop the pairs of these contacts, except those a person marked "not a duplicate"."""
    ContactDuplicate.objects.filter(Q(contact_id__in=contact_pks) | Q(duplicate_id__in=contact_pks),
                                    separate=False).delete()


def rebuild_index(*, batch_size=5000, progress=None, setup=None, report=None) -> dict:
    """Rebuild the whole index and all pairs (``manage.py find_duplicates``); "not a duplicate" marks stay.

    All contacts are read once (in chunks), blocked and scored together; the m/u probabilities are
    estimated on them by EM and kept for the per-contact search. ``report`` (a callable) receives
    every pair found, as ``(contact a pk, contact b pk, probability, explanation)``.
    """
    setup = setup or MarketingSetup.load()
    with transaction.atomic():
        DuplicateSearchString.objects.all().delete()
        ContactDuplicate.objects.filter(separate=False).delete()
        rows = list(Contact.objects.order_by("pk").values(*CONTACT_FIELDS).iterator(chunk_size=batch_size))
        records = Records.from_rows(rows)
        del rows
        index = index_rows(records)
        for start in range(0, len(index), batch_size):
            insert_values(DuplicateSearchString, IndexRow._fields, index[start:start + batch_size])
            if progress:
                progress(len(index[start:start + batch_size]))
        analyze(DuplicateSearchString)
        result = {"indexed": len(index), "companies": int((~records.person).sum()),
                  "persons": int(records.person.sum()), "pairs": 0, "candidates": 0, "parameters": ""}
        if setup.autosearch_for_duplicates and len(records):
            found = find_pairs(records, threshold_of(setup))
            params = found["params"]
            store.save(PURPOSE, params, pairs=found["candidates"])
            _store_pairs(found["pairs"])
            if report:
                for (lo, hi), (probability, explanation) in found["pairs"].items():
                    report(lo, hi, probability, explanation)
            result.update(candidates=found["candidates"], by_rule=found["by_rule"],
                          parameters=f"{params.source}, prior {params.prior:.4f}")
            result["pairs"] = ContactDuplicate.objects.filter(separate=False).count()
    result["separate"] = ContactDuplicate.objects.filter(separate=True).count()
    return result


def find_pairs(records: Records, threshold: float) -> dict:
    """Every pair of ``records`` (same type) whose match probability reaches ``threshold``."""
    i, j, by_rule = candidate_pairs(records)
    same_type = records.person[i] == records.person[j]
    i, j = i[same_type], j[same_type]
    pairs = model.Pairs(records, records, i, j, dedupe=True)
    compared = model.compare_all(pairs)
    params = store.load(PURPOSE)
    if len(pairs) >= model.MIN_PAIRS_TO_ESTIMATE:
        fresh = model.Parameters.defaults()
        fresh.m = {c: list(v) for c, v in params.m.items()}
        model.estimate_u(pairs, params=fresh)
        params = model.estimate_m(compared[0], fresh, max_prior=model.max_prior(pairs), update_u=True)
    scored = model.score(pairs, params, compared=compared)
    chosen = np.flatnonzero(scored.probability >= threshold)
    found = {(int(records.pks[i[k]]), int(records.pks[j[k]])): (float(scored.probability[k]), model.explain(scored, k))
             for k in chosen}
    return {"pairs": found, "params": params, "candidates": len(pairs), "by_rule": by_rule}


def open_pairs():
    """Pairs still to review (not marked "not a duplicate"), best score first, with both contacts."""
    return ContactDuplicate.objects.filter(separate=False).select_related("contact", "duplicate")


def mark_separate(pair: ContactDuplicate) -> ContactDuplicate:
    pair.separate = True
    pair.save(update_fields=["separate"])
    return pair
