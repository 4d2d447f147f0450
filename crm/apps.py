from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from crm.search import register_sqlite_functions
from crm.search_indexes import create_fold_function


def ensure_fold_function(sender, using="default", **kwargs):
    """After every migrate (also a test database built without migrations): PostgreSQL has ``crm_fold``."""
    create_fold_function(connections[using])


class CrmConfig(AppConfig):
    """The project package as an app: shared templates' context, roles (groups) and their migration; the
    search function ``crm_fold`` on every SQLite connection and in every PostgreSQL database
    (``crm.search``)."""

    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        connection_created.connect(register_sqlite_functions, dispatch_uid="crm.search.register_sqlite_functions")
        post_migrate.connect(ensure_fold_function, sender=self, dispatch_uid="crm.search.ensure_fold_function")
