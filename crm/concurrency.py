"""Optimistic concurrency for edit forms: save only over the version the user started from.

Party models bump ``version`` on every save (the sync engine's saves too). An edit form carries the
version it was rendered with; ``save_if_unchanged`` locks the row, compares, and saves — or refuses.
"""

from django.db import transaction


class StaleEdit(Exception):
    """The record was saved by someone else after the form was rendered."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{current} was changed by someone else while you were editing it.")


def save_if_unchanged(form, expected_version):
    """Save a bound, valid ModelForm if the row still has ``expected_version``; raise StaleEdit otherwise.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize
    writers) so two saves cannot both pass the comparison.
    """
    model = type(form.instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=form.instance.pk)
        if current.version != expected_version:
            raise StaleEdit(current)
        form.instance.version = current.version
        return form.save()
