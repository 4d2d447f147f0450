"""``manage.py sync_check [--repair contact|partner]``: linked contacts and partners whose mapped fields differ."""

from django.core.management.base import BaseCommand, CommandError

from contacts.bulk import drift


class Command(BaseCommand):
    help = ("List linked contact/partner pairs whose mapped fields differ. Exits non-zero when drift is found "
            "and not repaired. --repair contact makes the contact's values win, --repair partner the partner's.")

    def add_arguments(self, parser):
        parser.add_argument("--repair", choices=["contact", "partner"], help="whose values win")
        parser.add_argument("--limit", type=int, default=200, help="pairs to list per partner type (default 200)")

    def handle(self, *args, repair, limit, **options):
        found = 0
        for kind in drift.KINDS:
            drifts = drift.find_drift(kind)
            found += len(drifts)
            for item in drifts[:limit]:
                self.stdout.write(item.describe())
            if len(drifts) > limit:
                self.stdout.write(f"… and {len(drifts) - limit} more {kind.replace('_', ' ')} pairs.")
        if not found:
            self.stdout.write("No drift: every linked contact and partner agree on the mapped fields.")
            return
        if not repair:
            raise CommandError(f"{found} linked pair(s) differ. Re-run with --repair contact or --repair partner "
                               "to make one side win.", returncode=1)
        repaired = drift.repair(repair)
        self.stdout.write(f"Repaired {sum(repaired.values())} pair(s), the {repair}'s values winning.")
        remaining = len(drift.find_drift())
        if remaining:
            raise CommandError(f"{remaining} pair(s) still differ after the repair.", returncode=2)
