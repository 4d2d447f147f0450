"""Abstract building blocks shared by the apps (no tables of their own)."""

from django.core.exceptions import ValidationError
from django.db import models


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
