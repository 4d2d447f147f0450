"""``manage.py find_duplicates``: rebuild the duplicate index of all contacts and find the pairs again.

The run is a job (jobs app) run here in the foreground, through the same body a background worker runs.
"""

import csv

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts.management.commands._progress import progress_bar
from contacts.models import Contact, MarketingSetup
from crm.csv_io import to_export_cell
from jobs import services as jobs

REPORT_COLUMNS = ["contact_no_a", "contact_no_b", "match_probability", "score", "explanation"]


class Command(BaseCommand):
    help = ("Rebuild the duplicate search index of all contacts (companies and persons) and look for possible "
            "duplicates with the probabilistic matcher: pairs whose match probability reaches Marketing Setup's "
            "Search Hit % are stored with each field's contribution. Pairs marked \"not a duplicate\" stay marked.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--report", metavar="F.csv", help="write every pair found with probability and explanation")

    def handle(self, *args, batch_size, no_progress, report, **options):
        if batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, not {batch_size}.")
        stream = None
        if report:
            try:
                stream = open(report, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise CommandError(f"Cannot write the report {report}: {exc.strerror}. Nothing was changed.") from exc
        try:
            with progress_bar(self, total=Contact.objects.count(), description="Duplicate index",
                              enabled=not no_progress) as advance:
                results = []
                try:
                    job = jobs.start_job("find_duplicates", {"batch_size": batch_size, "collect_pairs": bool(report)},
                                         enqueue=False)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
                job = jobs.run_job_inline(job, progress=advance, results=results)
            if job.status != "succeeded":
                raise CommandError(job.error)
            result = results[0]
            if stream:
                self._write_report(stream, result["found"])
        finally:
            if stream:
                stream.close()
        setup = MarketingSetup.load()
        self.stdout.write(f"Indexed {result['indexed']} contact(s): {result['companies']} company(ies), "
                          f"{result['persons']} person(s).")
        if setup.autosearch_for_duplicates:
            rules = ", ".join(f"{rule} {count}" for rule, count in result.get("by_rule", {}).items() if count)
            self.stdout.write(f"{result['candidates']} candidate pair(s) from blocking ({rules or 'none'}); "
                              f"m/u: {result['parameters'] or 'defaults'}.")
            self.stdout.write(f"Possible duplicates: {result['pairs']} pair(s) at or above a match probability of "
                              f"{setup.search_hit_pct}%; {result['separate']} pair(s) marked not a duplicate.")
        else:
            self.stdout.write("Autosearch for duplicates is off in Marketing Setup: no pairs were looked for.")
        if report:
            self.stdout.write(f"Report: {report}")

    @staticmethod
    def _write_report(stream, found):
        numbers = {}
        ids = sorted({pk for lo, hi, _, _ in found for pk in (lo, hi)})
        for start in range(0, len(ids), 2000):
            numbers.update(Contact.objects.filter(pk__in=ids[start:start + 2000]).values_list("pk", "no"))
        writer = csv.writer(stream)
        writer.writerow(REPORT_COLUMNS)
        for lo, hi, probability, explanation in sorted(found, key=lambda pair: -pair[2]):
            writer.writerow([to_export_cell(numbers[lo]), to_export_cell(numbers[hi]), f"{probability:.6f}",
                             round(probability * 100), to_export_cell(explanation)])
