"""PostgreSQL only: the case- and accent-insensitive search function ``crm_fold`` and trigram indexes on
``crm_fold(column)`` of the contact and partner search columns; the ``UPPER(column)`` indexes of
crm/0002 go (see crm/search_indexes.py). SQLite registers ``crm_fold`` per connection (crm.search)."""

from django.db import migrations

from crm.search_indexes import (create_fold_function, create_folded_search_indexes, create_search_indexes,
                                drop_folded_search_indexes, drop_search_indexes)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    create_fold_function(connection)
    create_folded_search_indexes(connection)
    drop_search_indexes(connection)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    drop_folded_search_indexes(connection)
    create_search_indexes(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_contact_search_indexes"),
        ("contacts", "0001_initial"),
        ("partners", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
