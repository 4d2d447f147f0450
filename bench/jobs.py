"""Background jobs: (a) a create job run by a worker process vs the foreground command on the same data;
(b) on PostgreSQL, one worker process vs two on one queue for a create job over N customers.

    .venv/bin/python bench/jobs.py --db sqlite --n 20000              # (a) only
    .venv/bin/python bench/jobs.py --db postgres --n 20000 --scale 200000   # (a) and (b)

(a) ratio = command time / job time (target ≥ 0.9): the command runs the job's body in the foreground; the
job is timed from start_job to its last chunk committed, with one ``db_worker`` already polling.
(b) speed-up = one worker's time / two workers' time (target ≥ 1.6), each from start_job to the job's end,
the workers started with --batch right after start_job (their start-up is inside the time). Between runs
the contact tables are emptied (TRUNCATE on PostgreSQL) and the write-ahead log checkpointed. The load
average is printed before each measurement: the machine is shared.
"""

import argparse
import os
import subprocess
import sys
import time
from io import StringIO

from _common import ROOT, bulk_customers, empty_tables, marketing_setup, settle, setup_django, timer


def load():
    return "load avg " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def worker_command(*extra):
    return [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
            *extra]


def wait_for(job, timeout=3600):
    from jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Job.objects.filter(pk=job.pk).values_list("status", flat=True).get()
        if status not in ("queued", "running"):
            return Job.objects.get(pk=job.pk)
        time.sleep(0.1)
    raise SystemExit(f"job {job.pk} did not finish in {timeout} s")


def reset():
    from django.db import connection

    from contacts.models import Contact, ContactBusinessRelation, ContactDuplicate, DuplicateSearchString
    from django_tasks_db.models import DBTaskResult
    from jobs.models import Job, JobChunk, JobLock, JobReportLine, JobUpload

    models = (JobReportLine, JobChunk, JobLock, JobUpload, Job, DBTaskResult, ContactDuplicate, DuplicateSearchString,
              ContactBusinessRelation, Contact.history.model, Contact)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
        empty_tables(*models)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")
    else:
        empty_tables(*models)
    settle()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--n", type=int, default=20_000, help="customers of (a)")
    parser.add_argument("--scale", type=int, default=0, help="customers of (b), PostgreSQL only (0: skip)")
    args = parser.parse_args()
    setup_django(args.db)
    os.environ.setdefault("TASKS_BACKEND", "database")

    from django.conf import settings
    from django.core.management import call_command

    from contacts.models import Contact
    from jobs import services

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings.base", "TASKS_BACKEND": "database"}
    results = {}
    print(f"jobs — {args.db}; chunks of {settings.JOBS_CHUNK_SIZE} customers; {os.cpu_count()} CPUs")

    print(f"(a) {args.n} customers: foreground command vs a job run by one worker process")
    bulk_customers(args.n)
    marketing_setup()
    settle()
    print(f"  {load()}")
    with timer("command (foreground)", results):
        call_command("create_contacts_from", "customers", "--no-progress", stdout=StringIO())
    assert Contact.objects.count() == args.n
    reset()
    worker = subprocess.Popen(worker_command(), cwd=ROOT, env=env)
    try:
        time.sleep(3)  # the worker is up and polling
        print(f"  {load()}")
        with timer("job (one worker)", results):
            job = wait_for(services.start_job("create_contacts", {"partner_kind": "customer"}))
    finally:
        worker.terminate()
        worker.wait()
    assert job.status == "succeeded" and job.done == args.n == Contact.objects.count(), job.error
    ratio = results["command (foreground)"] / results["job (one worker)"]
    print(f"  ratio command/job: {ratio:.2f} (target ≥ 0.9)")

    if not args.scale:
        return
    if args.db != "postgres":
        raise SystemExit("(b) needs --db postgres: SQLite lets one writer in at a time")
    print(f"(b) {args.scale} customers: one worker process vs two on one queue")
    from partners.models import Customer

    reset()
    empty_tables(Customer.history.model, Customer)
    bulk_customers(args.scale, seed=2)
    total = args.scale
    from contacts.models import ContactDuplicate, MarketingSetup
    from partners.numbering import split_number

    def last_number():
        return int(split_number(MarketingSetup.load().contact_nos.last_no_used or "0")[1])

    for workers in (1, 2):
        reset()
        print(f"  {load()}")
        first = last_number()
        with timer(f"{workers} worker(s)", results):
            job = services.start_job("create_contacts", {"partner_kind": "customer"})
            processes = [subprocess.Popen(worker_command("--batch", "--worker-id", f"bench{i}"), cwd=ROOT, env=env)
                         for i in range(workers)]
            job = wait_for(job)
        for process in processes:
            process.wait()
        assert job.status == "succeeded" and job.done == total == Contact.objects.count(), job.error
        print(f"  {workers} worker(s): {ContactDuplicate.objects.count()} possible duplicate pairs stored, "
              f"{last_number() - first - total} contact numbers skipped (gaps)")
    speedup = results["1 worker(s)"] / results["2 worker(s)"]
    print(f"  speed-up two workers / one: {speedup:.2f} (target ≥ 1.6)")


if __name__ == "__main__":
    main()
