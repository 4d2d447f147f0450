"""Number series: hand out the next numbers of a series, safely under concurrent use.

The series row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs IMMEDIATE
transactions, which serialize writers) for the time it takes to advance ``last_no_used``.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

_NUMBER = re.compile(r"^(.*?)(\d+)$")


def split_number(value: str) -> tuple[str, str] | None:
    """``"CT000042"`` → ``("CT", "000042")``; None when the value does not end in digits."""
    match = _NUMBER.match(value)
    return (match.group(1), match.group(2)) if match else None


def increment(value: str, by: int = 1) -> str:
    prefix, digits = split_number(value)
    return f"{prefix}{int(digits) + by:0{len(digits)}d}"


def _exceeds(number: str, ending_no: str) -> bool:
    if not ending_no:
        return False
    return int(split_number(number)[1]) > int(split_number(ending_no)[1])


def next_numbers(series, count: int = 1, *, model=None) -> list[str]:
    """Take ``count`` numbers from ``series`` and return them in order.

    With ``model``, numbers already used by a row of that model (typed by hand, say) are
    skipped, as BC's insert loop does. Raises ValidationError when the series runs past its
    ending number; nothing is taken then.
    """
    with transaction.atomic():
        locked = type(series).objects.select_for_update().get(pk=series.pk)
        numbers: list[str] = []
        current = locked.last_no_used
        while len(numbers) < count:
            batch = []
            while len(batch) < count - len(numbers):
                current = increment(current, locked.increment_by) if current else locked.starting_no
                if _exceeds(current, locked.ending_no):
                    raise ValidationError(
                        f"Number series {locked.code} has no numbers left: the next one, {current}, would pass "
                        f"its ending number {locked.ending_no}. Extend the series in the admin."
                    )
                batch.append(current)
            if model is not None:
                # The numbers of a block sit side by side in the index: read that one range (a few
                # numbers typed by hand may lie in it too) instead of sending every number.
                wanted = set(batch)
                used = model._default_manager.filter(no__range=(min(batch), max(batch))).values_list("no", flat=True)
                taken = {no for no in used.iterator() if no in wanted}
                batch = [no for no in batch if no not in taken]
            numbers.extend(batch)
        type(series).objects.filter(pk=locked.pk).update(last_no_used=current)
        series.last_no_used = current
        return numbers


class NumberReservation:
    """Numbers of a series taken ahead, in a short transaction of their own, and handed out as work needs them.

    For work split over processes (a background job's chunks run by two workers): taking each batch's
    numbers inside the batch's transaction would hold the series row locked until that batch commits,
    so the workers' batches would run one at a time. ``reserve`` is called *outside* the batch's
    transaction and locks the row only while it advances it; ``take`` (inside the batch) hands out
    reserved numbers, dropping any typed by hand since, and takes more the usual way when the
    reservation falls short. A reserved number never used is a gap, as with BC's "Allow Gaps in Nos.";
    ``release`` gives the unused tail back when nobody has taken a number after it. A series that does
    not allow gaps reserves nothing: its numbers are taken inside the batch, one writer at a time.
    """

    def __init__(self, series, model):
        self.series, self.model = series, model
        self._free: list[str] = []

    def reserve(self, count: int) -> None:
        """Take up to ``count`` numbers ahead. Inside a transaction it does nothing: the series row would stay
        locked until that transaction ends, so ``take`` may as well take them then, without a gap."""
        if transaction.get_connection().in_atomic_block:
            return
        if self.series.allow_gaps and count > len(self._free):
            self._free.extend(next_numbers(self.series, count - len(self._free), model=self.model))

    def take(self, count: int) -> list[str]:
        numbers: list[str] = []
        while len(numbers) < count:
            wanted = count - len(numbers)
            chosen, self._free = self._free[:wanted], self._free[wanted:]
            if not chosen:
                numbers.extend(next_numbers(self.series, wanted, model=self.model))
                break
            typed = set(self.model._default_manager.filter(no__range=(min(chosen), max(chosen)))
                        .values_list("no", flat=True))
            numbers.extend(no for no in chosen if no not in typed)
        return numbers

    def release(self) -> None:
        """Give the unused numbers back to the series when they are its last ones (else they stay gaps)."""
        if not self._free:
            return
        first, last = self._free[0], self._free[-1]
        self._free = []
        with transaction.atomic():
            locked = type(self.series).objects.select_for_update().get(pk=self.series.pk)
            if locked.last_no_used != last:
                return
            before = "" if first == locked.starting_no else increment(first, -locked.increment_by)
            type(self.series).objects.filter(pk=locked.pk).update(last_no_used=before)
            self.series.last_no_used = before


def next_number(series, *, model=None) -> str:
    return next_numbers(series, 1, model=model)[0]


def next_number_from_setup(setup, field_name: str, model) -> str:
    """The next number of the series that ``setup.<field_name>`` names, or a ValidationError naming it."""
    series = getattr(setup, field_name)
    if series is None:
        label = setup._meta.get_field(field_name).verbose_name
        raise ValidationError(
            f"{label} is not set in {setup._meta.verbose_name.title()}: a new "
            f"{model._meta.verbose_name} needs a number. Choose a number series there, or enter a number."
        )
    return next_number(series, model=model)
