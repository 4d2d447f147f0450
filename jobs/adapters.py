"""One thin adapter per public entry point of the matcher and the duplicate index, so that the jobs call
those modules in exactly one place each."""

from contacts.bulk import link as linking
from contacts.duplicates import index as duplicates


def link_contacts(kind, *, min_score, review_min, master, dry_run, report_min):
    return linking.link_contacts(kind, min_score=min_score, review_min=review_min, master=master, dry_run=dry_run,
                                 report_min=report_min)


def write_link_report(result, stream):
    linking.write_report(result, stream)


def rebuild_duplicate_index(*, batch_size, progress, report=None):
    return duplicates.rebuild_index(batch_size=batch_size, progress=progress, report=report)
