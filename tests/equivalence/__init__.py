"""Proof of equivalence (issue 10, item 2): bulk paths end in the state the per-row path reaches.

Each scenario module builds the same seeded random data twice (``data.build``), applies the same
operation once per row (model saves, ``contacts.services``) and once in bulk (the management
commands, CSV import, merge), and compares a canonical snapshot of everything observable
(``snapshot.snapshot``: contacts, partners, link rows, duplicate index and pairs, document
parties — by natural keys). ``harness.run`` builds, operates and rolls back; ``snapshot.differences``
names each differing record field with both values. Besides the comparison, each scenario checks
that ``sync_check`` finds no drift and that every record whose values changed got a change-history
row naming the acting user. ``test_issue_divergences`` holds one small test per divergence the
issue lists; ``test_snapshot`` tests the machinery itself.
"""
