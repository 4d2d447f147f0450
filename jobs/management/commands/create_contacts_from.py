"""``manage.py create_contacts_from customers|vendors|bank-accounts``: a linked contact for every partner without one.

The run is a job (jobs app) run here in the foreground: the same body a background worker runs, its batches
and checkpoint recorded, so an interrupted run is on the Jobs page and can be resumed there. ``--dry-run``
writes nothing, not even a job.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts.bulk import create
from jobs import services as jobs
from partners import kinds

from contacts.management.commands._progress import progress_bar


class Command(BaseCommand):
    help = ("Create a company contact, linked with the Marketing Setup business relation code, for every "
            "customer, vendor or bank account that has none. Re-running creates nothing new.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(kinds.words()), help="which partners")
        parser.add_argument("--dry-run", action="store_true", help="count what would be created; write nothing")
        parser.add_argument("--batch-size", type=int, default=1000,
                            help="partners per transaction (default 1000)")
        parser.add_argument("--from-no", default="", help="only partners numbered from this no. on")
        parser.add_argument("--to-no", default="", help="only partners numbered up to this no.")
        parser.add_argument("--search-name", default="", help="only partners whose search name contains this")
        parser.add_argument("--currency", default="", help="only partners with this currency code")
        parser.add_argument("--posting-group", default="", help="only partners of this posting group")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, kind, dry_run, batch_size, from_no, to_no, search_name, currency, posting_group,
               no_progress, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        kind = kinds.from_word(kind).key
        filters = {"from_no": from_no, "to_no": to_no, "search_name": search_name, "currency": currency,
                   "posting_group": posting_group}
        try:
            create.require_setup(kind)
            total = create.partners_without_contact(kind, **filters).count()
            with progress_bar(self, total=total, description=f"Contacts from {kinds.get(kind).plural}",
                              enabled=not no_progress) as advance:
                if dry_run:
                    summary = create.create_contacts_from(kind, batch_size=batch_size, dry_run=True,
                                                          progress=advance, **filters)
                else:
                    summary = self.run_job(kind, batch_size, filters, advance)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        for line in summary.lines():
            self.stdout.write(line)

    def run_job(self, kind, batch_size, filters, advance):
        job = jobs.start_job("create_contacts", {"partner_kind": kind, "batch_size": batch_size, **filters},
                             enqueue=False)
        parts = []
        job = jobs.run_job_inline(job, progress=advance, results=parts)
        if job.status != "succeeded":
            raise CommandError(f"{job.error} The batches made before are kept (job {job.pk}): run the command "
                               "again, or resume the job on the Jobs page.")
        summary = create.CreateSummary(kind=kind)
        for part in parts:
            for name in ("selected", "created", "persons", "skipped", "duplicates"):
                setattr(summary, name, getattr(summary, name) + getattr(part, name))
            summary.refused.extend(part.refused)
        return summary
