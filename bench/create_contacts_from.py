"""create_contacts_from on N customers vs a raw bulk_create of the same N contacts, same run, same database.

    .venv/bin/python bench/create_contacts_from.py --db sqlite --n 100000
    .venv/bin/python bench/create_contacts_from.py --db postgres --n 100000

Prints both times and ratio = baseline_time / command_time (target ≥ 0.6). The baseline reads the
customers' values and bulk_creates plain contacts with them (numbers given, nothing else); the command
does everything the per-row path does: numbers from the series, link rows, history rows, relation
summaries, the duplicate index and the duplicate search, in per-batch transactions. Both start from
the same state: empty contact tables (the baseline's rows are truncated, not deleted) and a checkpoint.
"""

import argparse
from io import StringIO

from _common import bulk_customers, empty_tables, marketing_setup, peak_rss_mb, settle, setup_django, timer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    setup_django(args.db)

    from django.core.management import call_command
    from django.db import transaction

    from contacts.models import Contact, ContactBusinessRelation, DuplicateSearchString
    from contacts.sync import partner_to_contact_map
    from partners.models import Customer

    print(f"create_contacts_from — {args.db}, {args.n} customers, batch {args.batch_size}")
    results = {}
    with timer("generate customers (bulk_create, not measured)", results):
        bulk_customers(args.n)
        marketing_setup()

    fields = list(partner_to_contact_map("customer"))
    attnames = [Customer._meta.get_field(f).attname for f in fields]
    settle()
    with timer("baseline: raw bulk_create of the same contacts", results), transaction.atomic():
        rows = Customer.objects.order_by("pk").values_list(*attnames)
        Contact.objects.bulk_create(
            (Contact(no=f"X{i:08d}", type="company", version=1, company_name=row[0],
                     **dict(zip(attnames, row, strict=True))) for i, row in enumerate(rows.iterator(2000))),
            batch_size=args.batch_size)
    assert Contact.objects.count() == args.n
    empty_tables(Contact, Contact.history.model)
    settle()

    with timer("create_contacts_from customers", results):
        out = StringIO()
        call_command("create_contacts_from", "customers", "--no-progress", "--batch-size", str(args.batch_size),
                     stdout=out)
    print("  " + out.getvalue().strip().replace("\n", "\n  "))
    assert Contact.objects.count() == args.n == ContactBusinessRelation.objects.count()
    assert DuplicateSearchString.objects.count() == args.n
    ratio = results["baseline: raw bulk_create of the same contacts"] / results["create_contacts_from customers"]
    print(f"  ratio baseline/command: {ratio:.2f} (target ≥ 0.6)")
    print(f"  peak RSS of this process: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
