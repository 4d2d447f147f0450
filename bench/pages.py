"""The contact list and a broad search through the test client on N contacts; a contact save linked to
three partners vs an unlinked one (target ≤ 3x).

    .venv/bin/python bench/pages.py --db sqlite --contacts 100000

Data from ``seed_demo`` (bulk-written, realistic). Each figure is the median of several requests/saves.
"""

import argparse
import os
import statistics
import time
from io import StringIO

from _common import setup_django


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    setup_django(args.db)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from contacts import services, sync
    from contacts.models import Contact
    from partners.models import BankAccount, Customer, Vendor

    print(f"pages and saves — {args.db}, {args.contacts} contacts (seed_demo)")
    start = time.perf_counter()
    call_command("seed_demo", "--contacts", str(args.contacts), "--seed", "1", stdout=StringIO())
    print(f"  seed_demo: {time.perf_counter() - start:.1f} s (not measured); contacts: {Contact.objects.count()}")
    if connection.vendor == "postgresql":  # what autovacuum does soon after a bulk load: statistics, and the
        with connection.cursor() as cursor:  # GIN indexes' pending entries merged (else every search reads them)
            cursor.execute("VACUUM ANALYZE")

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-pass-123")
    client = Client()
    client.force_login(user)
    assert client.get("/contacts/").status_code == 200
    list_time = median_time(lambda: client.get("/contacts/"), args.repeat)
    search_time = median_time(lambda: client.get("/contacts/", {"q": "a"}), args.repeat)
    htmx_time = median_time(lambda: client.get("/contacts/", {"q": "mar"}, headers={"HX-Request": "true"}),
                            args.repeat)
    print(f"  contact list page: {list_time * 1000:.0f} ms; broad search q=a: {search_time * 1000:.0f} ms; "
          f"search-as-you-type q=mar (htmx): {htmx_time * 1000:.0f} ms")
    sample = Contact.objects.order_by("pk")[Contact.objects.count() // 2]
    selective = sample.name.lower()
    selective_time = median_time(lambda: client.get("/contacts/", {"q": selective}, headers={"HX-Request": "true"}),
                                 args.repeat)
    print(f"  selective search q={selective!r} (htmx): {selective_time * 1000:.0f} ms")

    with sync.suspended():
        linked = Contact.objects.create(name="Bench Linked Ltd", city="Leeds", phone_no="+44 113 000 0000")
        partners = [Customer.objects.create(name="x"), Vendor.objects.create(name="x"),
                    BankAccount.objects.create(name="x")]
    for partner in partners:
        services.link_contact(linked, partner)
    unlinked = Contact.objects.create(name="Bench Unlinked Ltd", city="Leeds", phone_no="+44 113 000 0001")
    counter = iter(range(10**6))

    def save(contact):
        def run():
            contact.refresh_from_db()
            contact.phone_no = f"+44 113 {next(counter):07d}"
            contact.save()
        return run

    linked_time = median_time(save(linked), args.repeat * 3)
    unlinked_time = median_time(save(unlinked), args.repeat * 3)
    print(f"  contact save linked to 3 partners: {linked_time * 1000:.1f} ms; unlinked: "
          f"{unlinked_time * 1000:.1f} ms; ratio {linked_time / unlinked_time:.2f} (target ≤ 3)")


if __name__ == "__main__":
    main()
