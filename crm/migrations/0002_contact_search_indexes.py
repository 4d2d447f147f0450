"""PostgreSQL only: trigram indexes for the contact list's search (see crm/search_indexes.py)."""

from django.db import migrations

from crm.search_indexes import create_search_indexes, drop_search_indexes


def forwards(apps, schema_editor):
    create_search_indexes(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_search_indexes(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_roles"),
        ("contacts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
