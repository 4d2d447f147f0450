"""Give the roles their documents permissions: Sales → sales documents, Purchasing → purchase documents
(crm.roles.ROLES lists them; re-running create_roles also gives Administrators the new permissions)."""

from django.db import migrations

from crm.roles import create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("crm", "0001_roles"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
