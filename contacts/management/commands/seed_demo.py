"""``manage.py seed_demo``: realistic demo data of any size, for trying the app and for benchmarks.

A thin layer over ``contacts.demo.seeder.seed_demo`` (what the data is and how it is written: the
``contacts.demo`` package): options in, one call, a summary and the demo logins out.
"""

import os
import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from contacts.demo.seeder import seed_demo

PROGRESS_FROM = 5000  # contacts: smaller runs show no progress bar


class Command(BaseCommand):
    help = (
        "Create realistic demo data (contacts, customers, vendors, bank accounts, setup) consistent with the "
        "synchronization rules, and demo logins. Without size options: 200 contacts, a quarter of them "
        "customers, a tenth vendors, a bank account per 500 contacts (at least 3)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=200,
                            help="Contacts to create in all: companies and persons (default 200).")
        parser.add_argument("--customers", type=int, default=None,
                            help="Customers, each linked to a contact (default: contacts ÷ 4). About one in "
                                 "ten is a private person.")
        parser.add_argument("--vendors", type=int, default=None,
                            help="Vendors, each linked to a company contact (default: contacts ÷ 10). About "
                                 "three in ten are companies that are customers too.")
        parser.add_argument("--bank-accounts", type=int, default=None,
                            help="Our bank accounts, each linked to a bank's company contact "
                                 "(default: contacts ÷ 500, at least 3).")
        parser.add_argument("--duplicates", type=float, default=1.0, metavar="PCT",
                            help="Percentage of companies that are near-duplicates of another one, for "
                                 "trying duplicate detection (default 1).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for reproducible data.")
        parser.add_argument("--if-empty", action="store_true",
                            help="Add no data when any contact, customer, vendor or bank account exists "
                                 "(the demo logins are still made sure of).")
        parser.add_argument("--no-history", action="store_true",
                            help="Skip the change-history entries of the new rows (faster; for benchmarks).")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per INSERT batch (default 2000).")
        parser.add_argument("--password", default="demo",
                            help="Password for newly created demo logins (default: demo).")


    def handle(self, *args, **options):
        started = time.perf_counter()
        bar = LazyProgressBar(total=options["contacts"],
                              enabled=options["verbosity"] >= 1 and options["contacts"] >= PROGRESS_FROM)
        try:
            result = seed_demo(
                contacts=options["contacts"], customers=options["customers"], vendors=options["vendors"],
                bank_accounts=options["bank_accounts"], duplicates_pct=options["duplicates"], seed=options["seed"],
                if_empty=options["if_empty"], history=not options["no_history"], batch_size=options["batch_size"],
                password=options["password"], progress=bar.update)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        created = result.created
        if created is None:
            self.stdout.write(f"Demo data not added: the database already holds {result.existing}.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Created {created['contacts']} contacts ({created['companies']} companies, {created['persons']} "
                f"persons), {created['customers']} customers, {created['vendors']} vendors, "
                f"{created['bank_accounts']} bank accounts and {created['relations']} business relation rows "
                f"in {elapsed:.1f} s."
            ))
        port = os.environ.get("PORT", "8000")
        self.stdout.write("")
        self.stdout.write(f"App:   http://127.0.0.1:{port}/")
        self.stdout.write(f"Admin: http://127.0.0.1:{port}/admin/")
        self.stdout.write("Demo logins (username / password / role):")
        for login in result.logins:
            self.stdout.write(f"  {login.username} / {login.password} / {login.role}")


class LazyProgressBar:
    """A tqdm bar on stderr, opened at the first progress: nothing is shown for a refused or skipped run."""

    def __init__(self, *, total, enabled):
        self.total, self.enabled, self.bar = total, enabled, None

    def update(self, written):
        if self.bar is None:
            self.bar = tqdm(total=self.total, unit="contacts", disable=not self.enabled, file=sys.stderr)
        self.bar.update(written)

    def close(self):
        if self.bar is not None:
            self.bar.close()
