"""Run one path (per row or bulk) on freshly built data, take its snapshot, and roll everything back.

``run(seed, operate, profile=…)`` builds ``data.build(seed, **profile)`` inside a savepoint, takes the
snapshot before, applies ``operate(world)`` as the acting user, takes the snapshot after, the new
change-history rows and ``sync_check``'s verdict, then rolls the savepoint back (a private
exception), so the next run starts from the same empty database and takes the same numbers from the
number series. Only natural keys leave a run: primary keys differ between runs on PostgreSQL, whose
sequences do not roll back.

On-commit callbacks (the duplicate index follows a save after commit) never fire inside a test's
transaction; ``committed()`` runs them at the end of each unit of work, as a commit would.
"""

from __future__ import annotations

import csv
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, TestCase
from simple_history.models import HistoricalRecords

from crm import history
from tests.equivalence import data
from tests.equivalence.snapshot import history_marks, history_problems, new_history, snapshot


@contextmanager
def committed():
    """One unit of work as if it were committed on its own: its on-commit callbacks run at the end."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def step(function, *args, **kwargs):
    """Call ``function`` as one committed unit of work (a request, a command) and return its result."""
    with committed():
        return function(*args, **kwargs)


def command(name, *args, **options) -> str:
    """``call_command`` as one committed unit; returns what it printed."""
    out = StringIO()
    with committed():
        call_command(name, *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def drift() -> list[str]:
    """What ``sync_check`` reports: the drifting pairs (an empty list when it finds none)."""
    out = StringIO()
    try:
        call_command("sync_check", stdout=out, stderr=StringIO())
    except CommandError as error:
        return [line for line in out.getvalue().splitlines() if line.strip()] + [str(error)]
    return []


def pairs_link_contacts_would_link(kind: str, master: str = "contact") -> list[tuple[str, str]]:
    """(partner no., contact no.) of every pair ``link_contacts`` would link now, read from its dry-run
    review report (decision "linked": what the run would do), sorted by partner no."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.csv"
        command("link_contacts", data.COMMAND_WORDS[kind], "--dry-run", "--master", master, "--report", str(report))
        with report.open(newline="", encoding="utf-8") as stream:
            return sorted((row["partner_no"], row["contact_no"]) for row in csv.DictReader(stream)
                          if row["decision"] == "linked")


@contextmanager
def acting_as(user, via: str | None):
    """Make ``user`` the one acting: ``"request"`` as the history middleware does for a signed-in user
    (views, services called from a screen), ``"command"`` as a command or job does
    (``crm.history.acting_user``); None: nobody."""
    if user is None or via is None:
        yield
        return
    if via == "command":
        with history.acting_user(user):
            yield
        return
    assert via == "request", via
    request = RequestFactory().get("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


class _RolledBack(Exception):
    """Raised at the end of a run to roll its savepoint back."""


@dataclass
class Outcome:
    """What one path left behind (natural keys only)."""

    world: data.World
    before: dict  # snapshot after building the data
    after: dict  # snapshot after the operation
    history: dict  # new change-history rows: {section: {no: [usernames]}}
    drift: list  # sync_check's findings after the operation
    username: str | None  # the acting user, when one was given
    result: object = None  # what the operation returned (plain values only)
    extra: dict = field(default_factory=dict)

    def history_problems(self) -> list[str]:
        return history_problems(self.before, self.after, self.history, self.username)

    def changed_persons(self) -> list[str]:
        """Nos. of persons with a company whose snapshot values changed (the scenario reached persons)."""
        before, after = self.before["contacts"], self.after["contacts"]
        return sorted(no for no, fields in after.items() if dict(fields)["company"] and before.get(no) != fields)


def run(seed: int, operate, *, profile: dict, acting: str | None = "request", prepare=None) -> Outcome:
    """Build the data of ``seed``, apply ``operate(world)`` as the acting user, and return the Outcome.

    ``prepare(world)``, when given, runs after the build and before the "before" snapshot (e.g. raw
    SQL that makes drift, which is part of the starting state, not of the operation).
    """
    outcome = None
    try:
        with transaction.atomic():
            with committed():
                world = data.build(seed, **profile)
            if prepare is not None:
                with committed():
                    prepare(world)
            before, marks = snapshot(), history_marks()
            user = world.user() if acting else None
            with acting_as(user, acting):
                result = operate(world)
            outcome = Outcome(world=world, before=before, after=snapshot(), history=new_history(marks),
                              drift=drift(), username=user.username if user else None, result=result)
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome
