"""Abstract building blocks shared by the apps (no tables of their own)."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

# A history table copies its model's fields with their indexes (a unique field and a foreign key
# become indexed columns). Its readers only ask for one record's changes (by ``id``) in date order,
# so the copies of the search and foreign-key indexes are left off: each would cost every save, and
# every row of a bulk run, one more index update and serve no query.
UNINDEXED_HISTORY_FIELDS = ("no", "name", "search_name", "created_at", "company", "salesperson", "purchaser",
                            "territory", "our_contact")


def history_records(**kwargs) -> HistoricalRecords:
    """The change history of a model (django-simple-history) with only the indexes its readers use."""
    return HistoricalRecords(no_db_index=list(UNINDEXED_HISTORY_FIELDS), **kwargs)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SingletonModel(models.Model):
    """A setup table with exactly one row: ``load()`` returns it, the database refuses a second."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="%(app_label)s_%(class)s_single_row"),
        ]

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def save(self, **kwargs):
        if self.pk != 1:
            raise ValidationError(f"{self._meta.verbose_name} has exactly one row; edit it instead of adding one.")
        super().save(**kwargs)
