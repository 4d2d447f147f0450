"""One thin adapter per public entry point of the matcher and the duplicate index, so that the jobs call
those modules in exactly one place each (they are being rewritten elsewhere; their signatures are the
contract)."""

from contacts.bulk import link as linking
from contacts.duplicates import index as duplicates


def link_contacts(kind, *, min_score, master, dry_run, report_min_score):
    return linking.link_contacts(kind, min_score=min_score, master=master, dry_run=dry_run,
                                 report_min_score=report_min_score)


def write_link_report(result, stream):
    linking.write_report(result, stream)


def rebuild_duplicate_index(*, batch_size, progress):
    return duplicates.rebuild_index(batch_size=batch_size, progress=progress)
