"""sync_check on N linked contact/customer pairs (1 % drifted by raw SQL): find time, repair time.

    .venv/bin/python bench/sync_check.py --db sqlite --n 100000

Target: finding the drift in < 10 s at 100,000 pairs (one query per partner type).
"""

import argparse
import random
import time
from io import StringIO

from _common import marketing_setup, party_values, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    setup_django(args.db)

    from django.core.management import CommandError, call_command
    from django.db import transaction

    from crm.bulk_insert import insert_rows
    from contacts.models import Contact, ContactBusinessRelation
    from partners.models import Customer

    print(f"sync_check — {args.db}, {args.n} linked pairs")
    rng = random.Random(3)
    start = time.perf_counter()
    with transaction.atomic():
        setup = marketing_setup()
        code = setup.bus_rel_code_for_customers
        for offset in range(0, args.n, 5000):
            values = [party_values(rng, i) for i in range(offset, min(args.n, offset + 5000))]
            contacts = Contact.objects.bulk_create(
                [Contact(no=f"CT{offset + j:07d}", type="company", company_name=v["name"],
                         contact_business_relation="customer", **v) for j, v in enumerate(values)])
            customers = Customer.objects.bulk_create(
                [Customer(no=f"C{offset + j:07d}", **v) for j, v in enumerate(values)])
            insert_rows(ContactBusinessRelation, ["contact_id", "business_relation_id", "link_to_table", "customer_id"],
                        [ContactBusinessRelation(contact_id=c.pk, business_relation_id=code.pk,
                                                 link_to_table="customer", customer_id=p.pk) for c, p in zip(contacts, customers, strict=True)])
        drifted = Customer.objects.filter(pk__in=Customer.objects.order_by("?").values("pk")[: args.n // 100])
        drifted.update(city="Drifted")  # as raw SQL or an import that bypassed signals would
    print(f"  generated in {time.perf_counter() - start:.1f} s (not measured); drifted pairs: {args.n // 100}")

    start = time.perf_counter()
    out = StringIO()
    try:
        call_command("sync_check", "--limit", "5", stdout=out)
        exit_code = 0
    except CommandError as exc:
        exit_code = exc.returncode
    found = time.perf_counter() - start
    print(f"  sync_check (find, list): {found:.2f} s, exit code {exit_code} (target < 10 s)")

    start = time.perf_counter()
    call_command("sync_check", "--repair", "contact", "--limit", "0", stdout=StringIO())
    print(f"  sync_check --repair contact (repair + re-check): {time.perf_counter() - start:.2f} s")
    assert not Customer.objects.filter(city="Drifted").exists()


if __name__ == "__main__":
    main()
