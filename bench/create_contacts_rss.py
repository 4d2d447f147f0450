"""Peak memory (RSS) of create_contacts_from at N = 100,000 and 400,000 customers: bounded by the batch, not N.

    .venv/bin/python bench/create_contacts_rss.py --db sqlite --sizes 100000 400000

Each size: one process writes the customers (fresh database), a second process runs only the
command and reports its own peak RSS (ru_maxrss), so data generation does not count.
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(mode, db, n, batch):
    from io import StringIO

    from _common import bulk_customers, marketing_setup, peak_rss_mb, setup_django

    if mode == "generate":
        setup_django(db)
        bulk_customers(n, with_contact_text=0.3)
        marketing_setup()
        return
    setup_django(db, fresh=False)
    import time

    from django.core.management import call_command

    from contacts.models import Contact

    baseline = peak_rss_mb()
    start = time.perf_counter()
    call_command("create_contacts_from", "customers", "--no-progress", "--batch-size", str(batch), stdout=StringIO())
    elapsed = time.perf_counter() - start
    print(f"  N={n}: {Contact.objects.count()} contacts (30 % with a person) in {elapsed:.1f} s; "
          f"peak RSS {peak_rss_mb():.0f} MB (after Django set-up: {baseline:.0f} MB)", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--child", choices=["generate", "run"])
    parser.add_argument("--n", type=int)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.db, args.n, args.batch_size)
    print(f"create_contacts_from peak RSS — {args.db}, batch {args.batch_size}")
    for n in args.sizes:
        for mode in ("generate", "run"):
            subprocess.run([sys.executable, str(HERE / "create_contacts_rss.py"), "--db", args.db, "--child", mode,
                            "--n", str(n), "--batch-size", str(args.batch_size)], check=True)


if __name__ == "__main__":
    main()
