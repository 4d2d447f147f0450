"""``manage.py sync_check [--repair contact|partner]``: linked contacts and partners whose mapped fields differ.

The run is a job (jobs app) run here in the foreground, through the same body a background worker runs.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts.bulk import drift
from jobs import services as jobs


class Command(BaseCommand):
    help = ("List linked contact/partner pairs whose mapped fields differ. Exits non-zero when drift is found "
            "and not repaired. --repair contact makes the contact's values win, --repair partner the partner's.")

    def add_arguments(self, parser):
        parser.add_argument("--repair", choices=["contact", "partner"], help="whose values win")
        parser.add_argument("--limit", type=int, default=200, help="pairs to list per partner type (default 200)")

    def handle(self, *args, repair, limit, **options):
        results = []
        try:
            job = jobs.start_job("sync_check", {"repair": repair or ""}, enqueue=False)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        job = jobs.run_job_inline(job, results=results)
        if job.status != "succeeded":
            raise CommandError(job.error)
        result = results[0]
        found = result["found"]
        for kind in drift.KINDS:
            drifts = [item for item in found if item.kind == kind]
            for item in drifts[:limit]:
                self.stdout.write(item.describe())
            if len(drifts) > limit:
                self.stdout.write(f"… and {len(drifts) - limit} more {kind.replace('_', ' ')} pairs.")
        if not found:
            self.stdout.write("No drift: every linked contact and partner agree on the mapped fields.")
            return
        if not repair:
            raise CommandError(f"{len(found)} linked pair(s) differ. Re-run with --repair contact or --repair "
                               "partner to make one side win.", returncode=1)
        self.stdout.write(f"Repaired {result['repaired']} pair(s), the {repair}'s values winning.")
        if result["remaining"]:
            raise CommandError(f"{result['remaining']} pair(s) still differ after the repair.", returncode=2)
