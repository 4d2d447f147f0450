"""Writes as the data grows: seeding time per row and a single contact save at several sizes (PostgreSQL).

    .venv/bin/python bench/write_growth.py --sizes 100000 1000000

For each size, in one run: a fresh database (``BENCH_PG_URL``), ``seed_demo --contacts N --seed 1``
timed (seconds per 1,000 contacts), ``VACUUM ANALYZE`` (what autovacuum does soon after a bulk load),
then the median of ``--repeat`` saves of a contact with no partner and of a contact linked to a customer,
a vendor and a bank account (each save changes the phone number, an indexed, searched column; each goes
through the signals and the engine, as a screen's save does). Ratios against the first size.
Targets (issue 15): a save at 1,000,000 within 1.3x of 100,000; seeding 1,000,000 within 12x of 100,000.
"""

import argparse
import statistics
import time
from io import StringIO

from _common import settle, setup_django


def seed(n: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    start = time.perf_counter()
    call_command("seed_demo", "--contacts", str(n), "--seed", "1", stdout=StringIO(), verbosity=0)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    settle()
    return elapsed


def save_times(repeat: int) -> dict[str, float]:
    """Median and 90th percentile (ms) of saves of an unlinked contact and of one linked to three partners."""
    from contacts import services, sync
    from contacts.models import Contact
    from partners.models import BankAccount, Customer, Vendor

    with sync.suspended():
        linked = Contact.objects.create(name="Bench Linked Ltd", city="Leeds", phone_no="+44 113 000 0000")
        partners = [Customer.objects.create(name="x"), Vendor.objects.create(name="x"),
                    BankAccount.objects.create(name="x")]
    for partner in partners:
        services.link_contact(linked, partner)
    unlinked = Contact.objects.create(name="Bench Unlinked Ltd", city="Leeds", phone_no="+44 113 000 0001")
    counter = iter(range(10**6))
    results = {}
    for label, contact in (("unlinked", unlinked), ("linked", linked)):
        for _ in range(3):  # warm the caches of this contact's rows
            contact.refresh_from_db()
            contact.save()
        times = []
        for _ in range(repeat):
            contact.refresh_from_db()
            contact.phone_no = f"+44 113 {next(counter):07d}"
            start = time.perf_counter()
            contact.save()
            times.append(time.perf_counter() - start)
        times.sort()
        results[label] = statistics.median(times) * 1000
        results[f"{label} p90"] = times[int(len(times) * 0.9)] * 1000
    return results


def load() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=41)
    args = parser.parse_args()
    rows = []
    for i, n in enumerate(args.sizes):
        if i:
            from django.db import connections

            connections.close_all()
        print(f"== {n} contacts (load {load()})", flush=True)
        setup_django("postgres", fresh=True) if i == 0 else _refresh_database()
        seconds = seed(n)
        print(f"  seed_demo: {seconds:.1f} s ({seconds / n * 1000:.2f} s per 1,000 contacts; load {load()})",
              flush=True)
        saves = save_times(args.repeat)
        print("  saves (ms, median / p90): " + ", ".join(f"{k} {v:.1f}" for k, v in saves.items())
              + f" (load {load()})", flush=True)
        rows.append((n, seconds, saves))
    base_n, base_seed, base_saves = rows[0]
    print("\nsize        seed s   s/1k   x-base   unlinked ms  ratio   linked ms  ratio")
    for n, seconds, saves in rows:
        print(f"{n:>9,}  {seconds:7.1f}  {seconds / n * 1000:5.2f}  {seconds / base_seed:6.2f}   "
              f"{saves['unlinked']:10.1f}  {saves['unlinked'] / base_saves['unlinked']:5.2f}  "
              f"{saves['linked']:10.1f}  {saves['linked'] / base_saves['linked']:5.2f}")
    print(f"targets: save ratio ≤ 1.3 at 10x the rows; seeding 10x the rows ≤ 12x the time")


def _refresh_database():
    """Drop and re-create the bench database under the Django already set up, then migrate it."""
    import psycopg
    from django.core.management import call_command

    from _common import PG_URL

    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


if __name__ == "__main__":
    main()
