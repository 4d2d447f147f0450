"""Duplicate contacts: the search index and detection (``index``), and merging two contacts (``merge``).

Follows Marketing Setup (reference §7.3, improved per DESIGN §9): ``maintain_dupl_search_strings``
keeps a company contact's normalized keys in the index whenever the sync engine finishes a change
to it; ``autosearch_for_duplicates`` scores contacts sharing a key and stores pairs at or above
``search_hit_pct``; a pair marked "not a duplicate" stays marked.
"""
