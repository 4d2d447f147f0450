"""``manage.py find_duplicates``: rebuild the duplicate index of company contacts and find the pairs again.

The run is a job (jobs app) run here in the foreground, through the same body a background worker runs.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts.models import Contact, DuplicateSearchString, MarketingSetup
from jobs import services as jobs

from contacts.management.commands._progress import progress_bar


class Command(BaseCommand):
    help = ("Rebuild the duplicate search index of all company contacts and look for possible duplicates "
            "(Marketing Setup: Search Hit %). Pairs marked \"not a duplicate\" stay marked.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, batch_size, no_progress, **options):
        total = Contact.objects.filter(type=Contact.Type.COMPANY).count()
        with progress_bar(self, total=total, description="Duplicate search", enabled=not no_progress) as advance:
            results = []
            try:
                job = jobs.start_job("find_duplicates", {"batch_size": max(1, batch_size)}, enqueue=False)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            job = jobs.run_job_inline(job, progress=advance, results=results)
        if job.status != "succeeded":
            raise CommandError(job.error)
        result = results[0]
        setup = MarketingSetup.load()
        self.stdout.write(f"Indexed {result['indexed']} company contact(s) "
                          f"({DuplicateSearchString.objects.count()} search strings).")
        if setup.autosearch_for_duplicates:
            self.stdout.write(f"Possible duplicates: {result['pairs']} pair(s) at or above {setup.search_hit_pct}%; "
                              f"{result['separate']} pair(s) marked not a duplicate.")
        else:
            self.stdout.write("Autosearch for duplicates is off in Marketing Setup: no pairs were looked for.")
