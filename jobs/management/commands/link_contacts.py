"""``manage.py link_contacts customers|vendors|bank-accounts``: link unlinked partners to matching contacts.

The run is a job (jobs app) run here in the foreground, through the same body a background worker runs.
"""

import math

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts.bulk import link as linking
from jobs import services as jobs
from partners import kinds


class Command(BaseCommand):
    help = ("Match partners without a contact to contacts without a partner of that type with the probabilistic "
            "matcher (names, address, post code, city, VAT registration no., e-mail, phone; weights estimated "
            "from the data), link the confident matches, list the uncertain ones for review and report every "
            "candidate with its match probability and each field's contribution.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(kinds.words()), help="which partners")
        parser.add_argument("--min-score", default=str(linking.DEFAULT_MIN_PROBABILITY), metavar="P",
                            help="link pairs whose match probability is at least P, 0–1 (a number above 1 is "
                                 f"read as a percentage; default {linking.DEFAULT_MIN_PROBABILITY})")
        parser.add_argument("--review-min", default=str(linking.DEFAULT_REVIEW_MIN), metavar="P",
                            help="pairs from P up to --min-score are not linked but listed for review "
                                 f"(default {linking.DEFAULT_REVIEW_MIN})")
        parser.add_argument("--master", choices=["contact", "partner"], default="contact",
                            help="whose values win where a linked pair differs (default: contact)")
        parser.add_argument("--dry-run", action="store_true", help="report only; link and remember nothing")
        parser.add_argument("--report-min", type=float, default=linking.REPORT_MIN_PROBABILITY, metavar="P",
                            help="report candidates from this match probability up, 0–1 (default "
                                 f"{linking.REPORT_MIN_PROBABILITY}; pairs for review are always reported)")
        parser.add_argument("--report", metavar="F.csv",
                            help="write every candidate with match probability, weight, decision and explanation")

    def handle(self, *args, kind, min_score, review_min, report_min, master, dry_run, report, **options):
        kind = kinds.from_word(kind).key
        if math.isnan(report_min) or not 0 <= report_min <= 1:
            raise CommandError(f"--report-min must be a match probability from 0 to 1, not {report_min:g}.")
        try:
            options = {"partner_kind": kind, "min_score": linking.probability_argument(min_score, "--min-score"),
                       "review_min": linking.probability_argument(review_min, "--review-min"),
                       "report_min": report_min, "master": master, "dry_run": dry_run}
            results = []
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
