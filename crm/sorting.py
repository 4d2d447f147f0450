"""Sortable list columns: the ``?sort=`` parameter of a list screen, checked against what it allows.

Shared by the contact and the partner lists (generic: column names in, ORDER BY terms and table headers out).
"""

from django.db.models import F, OrderBy, Value
from django.db.models.functions import Concat


def sort_key(requested, allowed, default, *, unique=("no",), search=""):
    """``requested`` like ``name`` or ``-name`` if allowed, else ``default``; returns (param, order_by).

    ``allowed`` maps the parameter's names to model fields. Non-unique columns get the primary key as
    tie-breaker so pages never overlap; a ``unique`` column (``no``) sorts alone, so its index serves the
    ORDER BY … LIMIT directly.

    A list searched for ``search`` (three characters or more, enough for a trigram index) sorts by the column
    as an expression no index serves (``column || ''``, the same order): PostgreSQL then finds the matches
    through the search's trigram indexes and sorts them. Given a column index in the sort order, the planner
    walks it and tests row after row until a page is full, because it cannot tell how few rows a search
    finds: a rare word took 330 ms over 100,000 contacts (50,000 rows tested) instead of 2 ms (bench/load.py).
    A shorter search is no use to a trigram index, matches many rows, and keeps the index walk.
    """
    name = (requested or "").lstrip("-")
    if name not in allowed:
        requested, name = default, default.lstrip("-")
    descending = requested.startswith("-")
    field = allowed[name]
    order_by = [f"-{field}" if descending else field]
    if field not in unique:
        order_by.append("-pk" if descending else "pk")
    if len((search or "").strip()) >= 3:
        order_by[0] = OrderBy(Concat(F(field), Value("")), descending=descending)
    return requested, order_by


def sort_columns(current, columns):
    """Table headers: ``columns`` is [(label, sort key or None)]; a sorted column's link flips its order."""
    result = []
    for label, key in columns:
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        result.append({"label": label, "param": (f"-{key}" if state == "asc" else key) if key else None,
                       "state": state})
    return result
