"""``manage.py link_contacts customers|vendors|bank-accounts``: link unlinked partners to matching contacts.

The run is a job (jobs app) run here in the foreground, through the same body a background worker runs.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts.bulk import link as linking
from jobs import services as jobs
from partners import kinds
from contacts.matching import DEFAULT_LINK_SCORE


class Command(BaseCommand):
    help = ("Match partners without a contact to contacts without a partner of that type (VAT registration no., "
            "e-mail, phone, similar name), link the confident matches and report every candidate.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(kinds.words()), help="which partners")
        parser.add_argument("--min-score", type=int, default=DEFAULT_LINK_SCORE,
                            help=f"link pairs scoring at least this, 1–100 (default {DEFAULT_LINK_SCORE})")
        parser.add_argument("--report-min-score", type=int, default=linking.REPORT_MIN_SCORE,
                            help=f"report candidates scoring at least this (default {linking.REPORT_MIN_SCORE})")
        parser.add_argument("--master", choices=["contact", "partner"], default="contact",
                            help="whose values win where a linked pair differs (default: contact)")
        parser.add_argument("--dry-run", action="store_true", help="report only; link nothing")
        parser.add_argument("--report", metavar="F.csv", help="write every candidate with score and reasons here")

    def handle(self, *args, kind, min_score, report_min_score, master, dry_run, report, **options):
        if not 1 <= min_score <= 100:
            raise CommandError("--min-score must be between 1 and 100.")
        kind = kinds.from_word(kind).key
        options = {"partner_kind": kind, "min_score": min_score, "master": master, "dry_run": dry_run,
                   "report_min_score": report_min_score}
        results = []
        try:
            job = jobs.run_job_inline(jobs.start_job("link_contacts", options, enqueue=False), results=results)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if job.status != "succeeded":
            raise CommandError(job.error)
        result = results[0]
        if report:
            try:
                with open(report, "w", newline="", encoding="utf-8") as stream:
                    linking.write_report(result, stream)
            except OSError as exc:
                raise CommandError(f"Cannot write the report {report}: {exc.strerror}. "
                                   + ("Nothing was linked." if dry_run else "The links were made.")) from exc
        if dry_run:
            self.stdout.write("Dry run: nothing was linked.")
        for line in result.lines():
            self.stdout.write(line)
        if report:
            self.stdout.write(f"Report: {report}")
