"""Shared set-up for the bench scripts: a fresh database, Django, timers, data generators.

Every script measures its baseline and its subject in the same run on the same machine, and prints
figures and ratios; nothing here is a test. Databases: ``--db sqlite`` (a file under /tmp) or
``--db postgres`` (``BENCH_PG_URL``, default postgres://postgres@127.0.0.1:5432/crm_bench, dropped
and re-created).
"""

import os
import random
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE", "/tmp/crm_bench.sqlite3"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/crm_bench")


def setup_django(db: str, *, fresh: bool = True):
    """Point Django at the bench database (re-created when ``fresh``) and migrate it."""
    if db == "sqlite":
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    elif db == "postgres":
        if fresh:
            import psycopg

            name = PG_URL.rsplit("/", 1)[1]
            with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = PG_URL
    else:
        raise SystemExit(f"unknown --db {db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings.base"
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def empty_tables(*models):
    """Empty the tables of ``models`` as if they had never been written: TRUNCATE on PostgreSQL (a DELETE
    would leave dead rows and grown indexes for whatever is measured next to pay for), DELETE on SQLite.
    Tables with foreign keys to them are emptied too: only for a bench database."""
    from django.db import connection

    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")  # with the tables referring to them
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def settle():
    """Start a measurement from a quiet database: the write-ahead log of what came before is checkpointed
    now, not in the middle of the next measurement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT" if connection.vendor == "postgresql" else "PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def timer(label, results):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
    print(f"  {label}: {results[label]:.2f} s", flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

WORDS = ("Alpine Anchor Apex Arbor Atlas Aurora Beacon Birch Blue Bridge Cedar Cobalt Coral Crest Delta Echo "
         "Ember Falcon Fern Forge Granite Harbor Hawk Horizon Iron Jade Juniper Keystone Lake Laurel Lumen Maple "
         "Meadow Mesa Noble Nova Oak Orbit Pacific Peak Pine Pioneer Prairie Quartz Quest Raven Ridge River Rock "
         "Sage Sierra Silver Solar Spruce Stone Summit Terra Timber Titan Union Valley Vector Vista Willow "
         "Zenith").split()
TRADES = ("Logistics Foods Textiles Systems Software Motors Plastics Paper Metals Media Tools Pharma Energy "
          "Builders Optics Robotics Chemicals Furniture Garden Marine Travel Labs Analytics Clinics Print").split()
SUFFIXES = ("Inc", "Inc.", "Ltd", "Ltd.", "GmbH", "AG", "S.A.", "LLC", "Corp", "Co.", "plc", "")
SURNAMES = ("Smith Jones Müller Schmidt Dubois Martin Rossi García López Nowak Kowalski Novák Janssen Peeters "
            "Andersson Nielsen Virtanen O'Brien Murphy Kelly Walsh Byrne Fischer Weber Wagner Becker Hoffmann "
            "Schulz Koch Richter Klein Wolf Schröder Neumann Schwarz Braun Zimmermann Hartmann Krüger Lange "
            "Moreau Laurent Simon Michel Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet").split()
FIRST = "Anna Ben Clara David Eva Felix Greta Hugo Ida Jonas Karla Leo Mia Noah Olga Paul Rosa Sam Tina Udo".split()

COUNTRIES = {
    # country: (calling code, [(area, local digits)], national formatter)
    "DE": ("49", [("30", 8), ("89", 7), ("40", 7), ("221", 7)], lambda a, n: f"0{a} {n}"),
    "US": ("1", [("212", 7), ("415", 7), ("312", 7), ("617", 7)], lambda a, n: f"({a}) {n[:3]}-{n[3:]}"),
    "GB": ("44", [("20", 8), ("161", 7), ("131", 7)], lambda a, n: f"0{a} {n[:4]} {n[4:]}"),
    "FR": ("33", [("1", 8), ("4", 8)], lambda a, n: f"0{a} {n[:2]} {n[2:4]} {n[4:6]} {n[6:]}"),
}


def company_name(rng: random.Random) -> str:
    """About 6 million combinations: at 100,000 firms few names repeat (as in a real customer base)."""
    return (f"{rng.choice(SURNAMES)} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(TRADES)} "
            f"{rng.choice(SUFFIXES)}").strip()


def phone_pair(rng: random.Random, country: str) -> tuple[str, str]:
    """The same number twice: international and national spelling."""
    cc, areas, national = COUNTRIES[country]
    area, digits = rng.choice(areas)
    local = "".join(rng.choice("0123456789") for _ in range(digits))
    local = str(rng.randint(2, 9)) + local[1:]
    return f"+{cc} {area} {local}", national(area, local)


def party_values(rng: random.Random, i: int) -> dict:
    country = rng.choice(tuple(COUNTRIES))
    name = company_name(rng)
    international, _ = phone_pair(rng, country)
    return {
        "name": name, "search_name": name.upper(), "address": f"{rng.randint(1, 300)} {rng.choice(WORDS)} Street",
        "city": rng.choice(WORDS) + "ville", "post_code": f"{rng.randint(10000, 99999)}", "country_code": country,
        "phone_no": international, "email": f"info{i}@{name.split()[1].lower()}{i}.example",
        "currency_code": rng.choice(("EUR", "USD", "GBP")), "version": 1,
    }


def marketing_setup():
    from contacts.models import BusinessRelation, MarketingSetup
    from partners.models import NoSeries

    setup = MarketingSetup.load()
    setup.bus_rel_code_for_customers = BusinessRelation.objects.get_or_create(code="CUST")[0]
    setup.bus_rel_code_for_vendors = BusinessRelation.objects.get_or_create(code="VEND")[0]
    setup.bus_rel_code_for_bank_accounts = BusinessRelation.objects.get_or_create(code="BANK")[0]
    setup.contact_nos = NoSeries.objects.get_or_create(code="CONT", defaults={"starting_no": "CT0000001"})[0]
    setup.save()
    return setup


def bulk_customers(n: int, *, seed: int = 1, with_contact_text: float = 0.0, batch: int = 5000):
    """``n`` customers written with bulk_create (no signals: no contact is made for them)."""
    from partners.models import Customer

    rng = random.Random(seed)
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            values = party_values(rng, i)
            contact = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}" if rng.random() < with_contact_text else ""
            rows.append(Customer(no=f"C{i:07d}", contact=contact, **values))
        Customer.objects.bulk_create(rows)
