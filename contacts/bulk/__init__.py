"""Bulk work: thin, set-based drivers of the sync engine (``contacts.sync``), one module per command.

- ``create``: a contact for every partner without one (``create_contacts_from``);
- ``link``: match existing partners and contacts and link the confident pairs (``link_contacts``);
- ``drift``: linked pairs that differ, and their repair (``sync_check``).
Each selects its rows, hands them to the engine in chunks and reports; the rules, and the step every
change ends in (``sync.finish``), are the engine's, so a bulk run ends in the state of the per-row path.
"""
