"""Create an API key for a user and print it (the only time it is shown; only its hash is stored)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from api.models import ApiKey, Scope


def _expiry(value: str):
    if value.endswith("d") and value[:-1].isdigit() and len(value) < 8:
        return timezone.now() + timedelta(days=int(value[:-1]))
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = timezone.datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--expires {value!r}: give a date (2027-01-31), a date and time, or days (90d).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= timezone.now():
        raise CommandError(f"--expires {value}: that is in the past.")
    return moment


class Command(BaseCommand):
    help = "Create an API key for USER (scope read or read-write, optional expiry); prints the key once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        parser.add_argument("--expires", help="2027-01-31, an ISO date and time, or a number of days (90d)")
        parser.add_argument("--name", default="", help="What the key is for")

    def handle(self, *args, username, scope, expires, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username} is inactive.")
        key, secret = ApiKey.issue(user, scope=scope, expires_at=_expiry(expires) if expires else None,
                                   name=name[:100])
        self.stderr.write(f"API key {key.prefix}… for {username} ({scope}"
                          f"{', expires ' + key.expires_at.isoformat() if key.expires_at else ''}). "
                          "Store it now: it is not shown again.")
        self.stdout.write(secret)
