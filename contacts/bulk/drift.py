"""``sync_check``: linked contacts and partners whose mapped fields differ, and their repair.

The invariant (DESIGN §4): for every link row, the mapped fields of contact and partner are equal. Raw
SQL, an import that bypassed signals or a restored backup can break it. The engine finds the pairs
that differ with one query per partner kind (``sync.find_drift``) and repairs them set-based
(``sync.repair``: the contact's values pushed to the partners, or the partners' pulled into the
contacts and then carried on like any other change set). This driver lists and counts.
"""

from contacts import sync

KINDS = sync.KINDS


def find_drift(kind: str | None = None) -> list[sync.Drift]:
    """Every drifting pair of ``kind`` (or of every kind)."""
    return sync.find_drift(kind)


def repair(master: str) -> dict[str, int]:
    """Repair every drifting pair, ``master`` ("contact" or "partner") winning; returns pairs per kind."""
    return sync.repair(master)
