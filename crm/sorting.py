"""Sortable list columns: the ``?sort=`` parameter of a list screen, checked against what it allows.

Shared by the contact and the partner lists (generic: column names in, ORDER BY terms and table headers out).
"""


def sort_key(requested, allowed, default, *, unique=("no",)):
    """``requested`` like ``name`` or ``-name`` if allowed, else ``default``; returns (param, order_by).

    ``allowed`` maps the parameter's names to model fields. Non-unique columns get the primary key as
    tie-breaker so pages never overlap; a ``unique`` column (``no``) sorts alone, so its index serves the
    ORDER BY … LIMIT directly.
    """
    name = (requested or "").lstrip("-")
    if name not in allowed:
        requested, name = default, default.lstrip("-")
    descending = requested.startswith("-")
    field = allowed[name]
    order_by = [f"-{field}" if descending else field]
    if field not in unique:
        order_by.append("-pk" if descending else "pk")
    return requested, order_by


def sort_columns(current, columns):
    """Table headers: ``columns`` is [(label, sort key or None)]; a sorted column's link flips its order."""
    result = []
    for label, key in columns:
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        result.append({"label": label, "param": (f"-{key}" if state == "asc" else key) if key else None,
                       "state": state})
    return result
