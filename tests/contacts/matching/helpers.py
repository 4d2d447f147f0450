"""Small builders for the matcher's tests: records from plain dicts, one pair compared and scored."""

import numpy as np

from contacts.matching import model
from contacts.matching.records import Records


def person(pk=1, given="", surname="", **values):
    return {"pk": pk, "type": "person", "first_name": given, "surname": surname,
            "name": f"{given} {surname}".strip(), **values}


def customer(pk=1, name="", **values):
    return {"pk": pk, "name": name, **values}


def compared(left: dict, right: dict, *, dedupe=False):
    """(levels of the one pair {comparison: level}, swapped?, Pairs)"""
    left_records = Records.from_rows([left])
    right_records = left_records if dedupe else Records.from_rows([right])
    pairs = model.Pairs(left_records, right_records, np.array([0]), np.array([0]))
    levels, swapped, _ = model.compare(pairs)
    return {c: int(level[0]) for c, level in levels.items()}, bool(swapped[0]), pairs


def scored(left: dict, right: dict, params=None):
    _, _, pairs = compared(left, right)
    return model.score(pairs, params or model.Parameters.defaults())
