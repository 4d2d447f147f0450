"""A canonical, comparable picture of everything the synchronization rules make observable.

``snapshot()`` reads the database into plain dicts keyed by natural keys only (contact no., partner
no., business relation code, document no.), never by primary key: the two runs an equivalence test
compares are built one after the other and rolled back in between, and PostgreSQL sequences do not
roll back, so primary keys differ between runs while numbers from the number series do not.

Left out on purpose: primary keys, ``version`` counters, timestamps and the change history itself
(a per-row path and a bulk path may legitimately write a different number of intermediate rows).
The history is checked separately (``new_history`` / ``history_problems``): every record whose
snapshot values changed must have at least one new history row, naming the acting user when one
was given.

``differences(a, b)`` lists what differs, key by key and field by field, and ``assert_same_state``
raises an AssertionError that shows only that — not two dicts of thousands of lines.
"""

from __future__ import annotations

from django.db.models import Max

from contacts.models import (
    DUPLICATE_SEARCH_KEYS,
    Contact,
    ContactBusinessRelation,
    ContactDuplicate,
    DuplicateSearchString,
)
from documents.models import PurchaseHeader, SalesHeader
from partners.models import BankAccount, Customer, Vendor

# Never part of a snapshot: surrogate keys, optimistic-concurrency counters, timestamps.
IGNORED_FIELDS = {"id", "version", "created_at", "updated_at"}
# Documents: the order date defaults to "today" (a run crossing midnight must not differ).
IGNORED_DOCUMENT_FIELDS = {"order_date"}
# A foreign key is shown as the first of these fields its target has (contact no., territory code, …).
NATURAL_KEY_FIELDS = ("no", "code", "username")

PARTNER_SECTIONS = {"customers": Customer, "vendors": Vendor, "bank_accounts": BankAccount}
# Sections whose records carry a change history (django-simple-history), by natural key ``no``.
HISTORY_SECTIONS = {"contacts": Contact, **PARTNER_SECTIONS}


def _natural_key(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in NATURAL_KEY_FIELDS if name in names), None)


def value_paths(model, exclude=()) -> dict[str, str]:
    """field name → ``values()`` path: plain fields as stored, foreign keys as the target's natural key.

    Every concrete field is taken (a field added later is compared too), except the ignored ones and
    foreign keys to a model without a natural key.
    """
    paths = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS or field.name in exclude:
            continue
        if field.is_relation:
            key = _natural_key(field.related_model)
            if key is not None:
                paths[field.name] = f"{field.name}__{key}"
        else:
            paths[field.name] = field.attname
    return paths


def _records(model, key, exclude=()) -> dict:
    """``{natural key: ((field, value), …)}`` for every row of ``model``, fields in name order."""
    paths = value_paths(model, exclude)
    key_paths = (key,) if isinstance(key, str) else tuple(key)
    rows = model._default_manager.values(*dict.fromkeys([*key_paths, *paths.values()]))
    result = {}
    for row in rows:
        natural = row[key_paths[0]] if len(key_paths) == 1 else tuple(row[p] for p in key_paths)
        result[natural] = tuple(sorted((name, row[path]) for name, path in paths.items()))
    return result


def _links() -> dict:
    """Link rows by (contact no., business relation code): the linked table, partner no., primary contact no."""
    rows = ContactBusinessRelation.objects.values_list(
        "contact__no", "business_relation__code", "link_to_table", "customer__no", "vendor__no",
        "bank_account__no", "primary_contact__no")
    return {(contact, code): (("bank_account", bank), ("customer", customer), ("link_to_table", table),
                              ("primary_contact", primary), ("vendor", vendor))
            for contact, code, table, customer, vendor, bank, primary in rows}


def _duplicate_index() -> dict:
    rows = DuplicateSearchString.objects.values_list("contact__no", *DUPLICATE_SEARCH_KEYS)
    return {row[0]: tuple(sorted(zip(DUPLICATE_SEARCH_KEYS, row[1:], strict=True))) for row in rows}


def _duplicate_pairs() -> dict:
    """Stored possible-duplicate pairs by their two contact nos. (sorted: which one is stored first
    follows primary keys), with score and the "not a duplicate" mark."""
    rows = ContactDuplicate.objects.values_list("contact__no", "duplicate__no", "score", "separate")
    return {tuple(sorted((a, b))): (("score", score), ("separate", separate)) for a, b, score, separate in rows}


def snapshot() -> dict[str, dict]:
    """Everything observable, canonical: ``{section: {natural key: ((field, value), …)}}``."""
    return {
        "contacts": _records(Contact, "no"),
        **{section: _records(model, "no") for section, model in PARTNER_SECTIONS.items()},
        "links": _links(),
        "duplicate_index": _duplicate_index(),
        "duplicate_pairs": _duplicate_pairs(),
        "sales_documents": _records(SalesHeader, ("document_type", "no"), exclude=IGNORED_DOCUMENT_FIELDS),
        "purchase_documents": _records(PurchaseHeader, ("document_type", "no"), exclude=IGNORED_DOCUMENT_FIELDS),
    }


# ---------------------------------------------------------------------------------------------
# Differences, readable
# ---------------------------------------------------------------------------------------------

MAX_LISTED = 60  # differing entries shown in an assertion message


def _show_key(key) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def differences(left: dict, right: dict, labels=("per row", "bulk")) -> list[str]:
    """One line per differing record field, record present on one side only, or section."""
    a, b = labels
    lines = []
    for section in sorted(set(left) | set(right)):
        mine, theirs = left.get(section, {}), right.get(section, {})
        for key in sorted(set(mine) | set(theirs), key=_show_key):
            where = f"{section}[{_show_key(key)}]"
            if key not in theirs:
                lines.append(f"{where}: only {a}: {dict(mine[key])}")
            elif key not in mine:
                lines.append(f"{where}: only {b}: {dict(theirs[key])}")
            elif mine[key] != theirs[key]:
                x, y = dict(mine[key]), dict(theirs[key])
                for name in sorted(set(x) | set(y)):
                    if x.get(name, "<absent>") != y.get(name, "<absent>"):
                        lines.append(f"{where}.{name}: {a}={x.get(name, '<absent>')!r} "
                                     f"{b}={y.get(name, '<absent>')!r}")
    return lines


def describe(lines: list[str], title: str) -> str:
    shown = lines[:MAX_LISTED]
    more = f"\n  … and {len(lines) - MAX_LISTED} more" if len(lines) > MAX_LISTED else ""
    return f"{title} ({len(lines)} finding(s)):\n  " + "\n  ".join(shown) + more


def assert_same_state(left: dict, right: dict, labels=("per row", "bulk"), title="The two paths differ") -> None:
    __tracebackhide__ = True  # pytest: show the differences, not this helper's arguments
    lines = differences(left, right, labels)
    if lines:
        raise AssertionError(describe(lines, title))


def labelled(label: str, findings: list[str]) -> list[str]:
    """``findings`` prefixed with the path they were found on, to list two paths' findings in one message."""
    return [f"{label}: {finding}" for finding in findings]


def assert_none_found(findings: list[str], title: str) -> None:
    """Fail with ``findings`` listed one a line (sync_check's drift, history problems) unless there are none."""
    __tracebackhide__ = True
    if findings:
        raise AssertionError(describe(list(findings), title))


def _without(record, names):
    return None if record is None else tuple(item for item in record if item[0] not in names)


def changed_keys(before: dict, after: dict, sections=tuple(HISTORY_SECTIONS), *, ignore=()) -> dict[str, set]:
    """Per section, the natural keys whose record was created, changed or deleted (fields in ``ignore`` aside)."""
    result = {}
    for section in sections:
        old, new = before.get(section, {}), after.get(section, {})
        keys = {key for key in set(old) | set(new)
                if _without(old.get(key), ignore) != _without(new.get(key), ignore)}
        if keys:
            result[section] = keys
    return result


# ---------------------------------------------------------------------------------------------
# Change history
# ---------------------------------------------------------------------------------------------


def history_marks() -> dict[str, int]:
    """The highest history row id per section now: rows above it are new."""
    return {section: model.history.aggregate(last=Max("history_id"))["last"] or 0
            for section, model in HISTORY_SECTIONS.items()}


def new_history(marks: dict[str, int]) -> dict[str, dict[str, list]]:
    """``{section: {no: [history_user username or None, …]}}`` of the history rows written since ``marks``."""
    result = {}
    for section, model in HISTORY_SECTIONS.items():
        rows = model.history.filter(history_id__gt=marks[section]).order_by("history_id").values_list(
            "no", "history_user__username")
        for no, username in rows:
            result.setdefault(section, {}).setdefault(no, []).append(username)
    return result


# Derived from link rows, which keep no history of their own: a relation summary that changed with a
# link is not a change a history row is owed for (no path writes one).
HISTORY_EXEMPT_FIELDS = ("contact_business_relation",)


def history_problems(before: dict, after: dict, history: dict, username: str | None) -> list[str]:
    """Records whose snapshot values changed without a new history row (naming ``username`` if given)."""
    problems = []
    for section, keys in changed_keys(before, after, ignore=HISTORY_EXEMPT_FIELDS).items():
        for key in sorted(keys):
            users = history.get(section, {}).get(key, [])
            if not users:
                problems.append(f"{section}[{key}] changed but got no new history row")
            elif username is not None and username not in users:
                problems.append(f"{section}[{key}] changed; its new history rows name {users}, not {username!r}")
    return problems
